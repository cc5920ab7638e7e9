package ops

import "math"

//go:generate go run ./internal/gen/erfcxcoef -o erfcx_coef.go

// Constants of the special functions (ALGORITHMS §3).
const (
	spInvSqrt2    = 1 / math.Sqrt2                 // 1/√2
	spInvSqrtPi   = 1 / math.SqrtPi                // 1/√π
	spInvSqrt2Pi  = 1 / (math.Sqrt2 * math.SqrtPi) // 1/√(2π)
	spSqrt2OverPi = math.Sqrt2 / math.SqrtPi       // √(2/π)
	spLn2         = math.Ln2

	// erfcxLo and erfcxHi bound the tabulated part of Erfcx.
	erfcxLo = 1.0 / (1 << -erfcxLowExp)
	erfcxHi = 1 << erfcxHighExp
	// erfcxBase is the value of bits(x)>>(52-erfcxLogM) at x = erfcxLo.
	erfcxBase = (1023 + erfcxLowExp) << erfcxLogM
	// erfcxNegOverflow: below it exp(x²) overflows (x² > 709.78), and so
	// does erfcx(x) ≈ 2·exp(x²), which exceeds MaxFloat64 already for
	// x < -26.628.
	erfcxNegOverflow = -26.64
	// erfcxBig: above it the asymptotic correction -1/(2x²) is below 2^-55,
	// and erfcx(x) = 1/(x√π) to within rounding.
	erfcxBig = 1 << 27

	// atanhClip is the value ±25 that ClippedAtanh and ClippedAtanhPM return
	// where atanh is infinite (the reference's myatanh, ALGORITHMS §3.3). It
	// exceeds atanh(1 - 2^-53) ≈ 18.7, the largest finite float64 atanh.
	atanhClip = 25

	spFracMask = 1<<52 - 1
	spOneBits  = 1023 << 52
)

// Erfcx returns the scaled complementary error function of x.
//
//	erfcx(x) = exp(x²)·erfc(x)
//
// Method:
//
//	0 ≤ x < 2^-5:     one polynomial of degree 8 in t = 64x - 1.
//	2^-5 ≤ x < 32:    every binade [2^e, 2^(e+1)) is split into 16 equal
//	                  subintervals, each with its own polynomial of degree 8
//	                  in t ∈ [-1, 1); the table index and t are read exactly
//	                  from the bits of x, so no division is needed.
//	                  The coefficients interpolate erfcx at Chebyshev points;
//	                  ops/internal/gen/erfcxcoef computes them from a
//	                  384-bit reference and reports a fit error below 2.3e-16.
//	32 ≤ x < 2^27:    erfcx(x) = 1/(x√π)·Σ_{k≤6} (-1)^k (2k-1)!!/(2x²)^k,
//	                  the asymptotic series; the remainder is below 1e-18.
//	x ≥ 2^27:         1/(x√π).
//	x < 0:            2·exp(x²) - erfcx(-x), with x² split exactly into
//	                  hi + lo (FMA) so that exp(x²) keeps full accuracy.
//
// Accuracy: relative error ≤ 1e-13 (float64; measured ≤ 5e-16 for x ≥ 0,
// a few ulps for x < 0).
//
// Special cases are:
//
//	Erfcx(+Inf) = 0
//	Erfcx(x) = +Inf for x < -26.628 (overflow), Erfcx(-Inf) = +Inf
//	Erfcx(NaN) = NaN
//
// ALGORITHMS §3.1.
func Erfcx(x float64) float64 {
	if x >= erfcxLo && x < erfcxHi {
		return erfcxTable(x)
	}
	return erfcxOther(x)
}

// erfcxTable evaluates the tabulated polynomials for erfcxLo ≤ x < erfcxHi.
func erfcxTable(x float64) float64 {
	b := math.Float64bits(x)
	c := &erfcxTab[int(b>>(52-erfcxLogM))-erfcxBase]
	t := math.Float64frombits(b<<erfcxLogM&spFracMask|spOneBits)*2 - 3
	return c[0] + t*(c[1]+t*(c[2]+t*(c[3]+t*(c[4]+t*(c[5]+t*(c[6]+t*(c[7]+t*c[8])))))))
}

// erfcxOther handles every x outside the table: small, large, negative, NaN.
func erfcxOther(x float64) float64 {
	switch {
	case x >= erfcxHi:
		if x >= erfcxBig {
			return spInvSqrtPi / x
		}
		r := 1 / x
		z := r * r
		p := 1 + z*(-0.5+z*(0.75+z*(-1.875+z*(6.5625+z*(-29.53125+z*162.421875)))))
		return spInvSqrtPi * r * p
	case x >= 0:
		c := &erfcxSmall
		t := x*(2/erfcxLo) - 1
		return c[0] + t*(c[1]+t*(c[2]+t*(c[3]+t*(c[4]+t*(c[5]+t*(c[6]+t*(c[7]+t*c[8])))))))
	case x < erfcxNegOverflow:
		return math.Inf(1)
	case x < 0:
		hi := x * x
		return 2*expHiLo(hi, math.FMA(x, x, -hi)) - Erfcx(-x)
	}
	return x // NaN
}

// expHiLo returns exp(hi + lo) for |lo| ≤ ulp(hi), to first order in lo.
func expHiLo(hi, lo float64) float64 {
	e := math.Exp(hi)
	if e > math.MaxFloat64 {
		return e // avoid Inf·0
	}
	return e + e*lo
}

// expNegHalfSq returns exp(-x²/2) with x² split exactly into hi + lo, so
// that the rounding of x² (relative 2^-53, i.e. an absolute error up to
// 1e-13 in an exponent near 700) does not reach the result.
func expNegHalfSq(x float64) float64 {
	hi := x * x
	if !(hi < 1500) {
		return math.Exp(-0.5 * hi) // 0, or NaN for NaN
	}
	lo := math.FMA(x, x, -hi)
	e := math.Exp(-0.5 * hi)
	return e - 0.5*lo*e
}

// G returns the standard normal density at x.
//
//	G(x) = exp(-x²/2)/√(2π)
//
// Method: x² is split exactly (FMA) before the exponential.
//
// Accuracy: relative error ≤ 1e-12 (float64, measured a few ulps) while the
// result is a normal number, ≤ 1e-5 (float32).
//
// Special cases are:
//
//	G(±Inf) = 0
//	G(NaN) = NaN
//
// ALGORITHMS §3.1.
func G(x float64) float64 {
	return spInvSqrt2Pi * expNegHalfSq(x)
}

// H returns the standard normal upper tail probability P(z > x).
//
//	H(x) = erfc(x/√2)/2
//
// Method: for x > 0, H(x) = erfcx(x/√2)·exp(-x²/2)/2 keeps full relative
// accuracy in the far tail until the result underflows (x ≈ 38.5); for
// x ≤ 0 the value lies in [1/2, 1] and math.Erfc is used directly.
//
// Accuracy: relative error ≤ 1e-12 (float64) while the result is a normal
// number, ≤ 1e-5 (float32).
//
// Special cases are:
//
//	H(+Inf) = 0
//	H(-Inf) = 1
//	H(0) = 0.5
//	H(NaN) = NaN
//
// ALGORITHMS §3.1.
func H(x float64) float64 {
	if x > 0 {
		return 0.5 * Erfcx(x*spInvSqrt2) * expNegHalfSq(x)
	}
	return 0.5 * math.Erfc(x*spInvSqrt2)
}

// GH returns the inverse Mills ratio G(x)/H(x).
//
//	GH(x) = G(x)/H(x) = √(2/π)/erfcx(x/√2)
//
// Method: the erfcx form; G/H itself would be 0/0 for x > 38.5. For x < 0,
// erfcx(x/√2) = 2·exp(x²/2) - erfcx(-x/√2) with x² split exactly (FMA).
// GH(x) → x + 1/x for x → +∞ and GH(x) → 0 for x → -∞ (the result
// underflows to 0 for x < -37.6, where erfcx overflows).
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	GH(+Inf) = +Inf
//	GH(-Inf) = 0
//	GH(NaN) = NaN
//
// ALGORITHMS §3.1.
func GH(x float64) float64 {
	if x >= 0 {
		return spSqrt2OverPi / Erfcx(x*spInvSqrt2)
	}
	return ghNeg(x)
}

// ghNeg is GH for x < 0 (or NaN): erfcx(x/√2) = 2·exp(x²/2) - erfcx(|x|/√2)
// with x²/2 taken exactly from x, so the rounding of x/√2 (amplified by
// x² in exp) does not reach the result.
func ghNeg(x float64) float64 {
	hi := x * x
	lo := math.FMA(x, x, -hi)
	return spSqrt2OverPi / (2*expHiLo(0.5*hi, 0.5*lo) - Erfcx(-x*spInvSqrt2))
}

// LogH returns the logarithm of the normal upper tail probability.
//
//	LogH(x) = log H(x) = log(erfc(x/√2)/2)
//
// Method: for x ≥ 0, log(erfcx(x/√2)/2) - x²/2, which never underflows;
// for x < 0, log1p(-H(-x)).
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	LogH(+Inf) = -Inf
//	LogH(-Inf) = -0
//	LogH(NaN) = NaN
//
// ALGORITHMS §3.1.
func LogH(x float64) float64 {
	if x >= 0 {
		return math.Log(0.5*Erfcx(x*spInvSqrt2)) - 0.5*x*x
	}
	return math.Log1p(-H(-x))
}

// AtanhErf returns atanh(erf(x)), the field (half log-odds) of a Gaussian
// probability.
//
//	AtanhErf(x) = atanh(erf(x)) = sign(x)·½·log((2 - erfc|x|)/erfc|x|)
//
// Method: for |x| ≤ 1, math.Atanh(math.Erf(x)); beyond, the stable form
//
//	sign(x)·(log 2 + log1p(-erfc(a)/2) - log(erfcx(a)) + a²)/2,   a = |x|,
//
// which grows like x² and never forms erfc(a) in the logarithm, so it stays
// finite where erf(x) rounds to ±1.
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	AtanhErf(±0) = ±0
//	AtanhErf(±Inf) = ±Inf
//	AtanhErf(x) = ±Inf for |x| > 1.3e154 (x² overflows)
//	AtanhErf(NaN) = NaN
//
// ALGORITHMS §3.2.
func AtanhErf(x float64) float64 {
	if math.Abs(x) <= 1 {
		return math.Atanh(math.Erf(x))
	}
	return atanhErfTail(x)
}

// atanhErfTail is AtanhErf for |x| > 1 (or NaN).
func atanhErfTail(x float64) float64 {
	a := math.Abs(x)
	e := Erfcx(a)
	c := e * math.Exp(-a*a) // erfc(a) ≤ 0.16
	r := 0.5 * (spLn2 + math.Log1p(-0.5*c) - math.Log(e) + a*a)
	return math.Copysign(r, x)
}

// Atanh2Hm1 returns atanh(2H(x) - 1), the field of the probability H(x).
//
//	Atanh2Hm1(x) = atanh(2H(x) - 1) = -atanh(erf(x/√2)) = -AtanhErf(x/√2)
//
// Method: AtanhErf; the result is finite and decreasing for all finite x,
// behaving like -x²/4 for large |x|.
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	Atanh2Hm1(±0) = ∓0
//	Atanh2Hm1(±Inf) = ∓Inf
//	Atanh2Hm1(NaN) = NaN
//
// ALGORITHMS §3.2.
func Atanh2Hm1(x float64) float64 {
	return -AtanhErf(x * spInvSqrt2)
}

// LogCosh returns the logarithm of the hyperbolic cosine of x.
//
//	LogCosh(x) = log cosh x = |x| + log1p(exp(-2|x|)) - log 2
//
// Method: for |x| < 1, log1p(2·sinh²(x/2)), which keeps the relative
// accuracy of the x²/2 behaviour near 0 (the form above cancels there);
// beyond, the form above, which never overflows.
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	LogCosh(±0) = 0
//	LogCosh(±Inf) = +Inf
//	LogCosh(NaN) = NaN
//
// ALGORITHMS §3.3.
func LogCosh(x float64) float64 {
	a := math.Abs(x)
	if a < 1 {
		s := math.Sinh(0.5 * a)
		return math.Log1p(2 * s * s)
	}
	return a + math.Log1p(math.Exp(-2*a)) - spLn2
}

// Log2Cosh returns the logarithm of twice the hyperbolic cosine of x.
//
//	Log2Cosh(x) = log(2 cosh x) = |x| + log1p(exp(-2|x|))
//
// Method: the form above; its two terms are non-negative, so nothing
// cancels and nothing overflows.
//
// Accuracy: relative error ≤ 1e-12 (float64), ≤ 1e-5 (float32).
//
// Special cases are:
//
//	Log2Cosh(±Inf) = +Inf
//	Log2Cosh(NaN) = NaN
//
// ALGORITHMS §3.3.
func Log2Cosh(x float64) float64 {
	a := math.Abs(x)
	return a + math.Log1p(math.Exp(-2*a))
}

// LogSinhAbs returns the logarithm of the absolute hyperbolic sine of x.
//
//	LogSinhAbs(x) = log|sinh x| = |x| + log1p(-exp(-2|x|)) - log 2
//
// Method: |x| + log(-expm1(-2|x|)) - log 2, which is exact to rounding near
// 0 (where it behaves like log|x|) and never overflows.
//
// Accuracy: relative-or-absolute error ≤ 1e-12 (float64); the result crosses
// 0 at |x| = asinh(1), where only the absolute error is bounded.
//
// Special cases are:
//
//	LogSinhAbs(±0) = -Inf
//	LogSinhAbs(±Inf) = +Inf
//	LogSinhAbs(NaN) = NaN
//
// ALGORITHMS §3.3.
func LogSinhAbs(x float64) float64 {
	a := math.Abs(x)
	return a + math.Log(-math.Expm1(-2*a)) - spLn2
}

// ClippedAtanh returns atanh(x), clipped to ±25 where it is not finite.
//
//	ClippedAtanh(x) = atanh(x)    for |x| < 1
//	                = sign(x)·25  for |x| ≥ 1
//
// Method: math.Atanh; a magnetization that rounded to ±1 (or just beyond)
// gets the finite field ±25 (the reference's myatanh).
//
// Accuracy: that of math.Atanh.
//
// Special cases are:
//
//	ClippedAtanh(±1) = ±25
//	ClippedAtanh(±Inf) = ±25
//	ClippedAtanh(NaN) = NaN
//
// ALGORITHMS §3.3, §10.3.
func ClippedAtanh(x float64) float64 {
	if math.Abs(x) < 1 {
		return math.Atanh(x)
	}
	return clipAtanhEdge(x)
}

// clipAtanhEdge is ClippedAtanh for |x| ≥ 1 or NaN.
func clipAtanhEdge(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	return math.Copysign(atanhClip, x)
}

// ClippedAtanhPM returns the field atanh(p - m) of the probabilities p of +1
// and m of -1, after normalising them to p + m = 1.
//
//	ClippedAtanhPM(p, m) = atanh(p - m) = ½·log(p/m)    (p + m = 1)
//
// Method: with p and m normalised, -25 if p = 0 and +25 if m = 0 (the clip
// of ClippedAtanh); atanh(p - m) if |p - m| ≤ 1/2, where p - m is exact;
// ½·(log p - log m) otherwise, which keeps full accuracy when the smaller
// probability is tiny (atanh(p - m) loses the digits of 1 - |p - m|). The
// reference uses (log 2 - log 2m)/2 for m < 1e-10 (and symmetrically for
// p), which differs from the exact value by ½·log(1-m), relative < 5e-12.
// Results are not clipped to ±25 when the small probability is positive.
//
// Accuracy: relative error ≤ 1e-12 (float64).
//
// Special cases are:
//
//	ClippedAtanhPM(p, 0) = +25 for p > 0
//	ClippedAtanhPM(0, m) = -25 for m > 0
//	ClippedAtanhPM(p, m) = NaN if p < 0, m < 0, p = m = 0, either is NaN
//	or p + m = +Inf
//
// ALGORITHMS §3.3.
func ClippedAtanhPM(p, m float64) float64 {
	s := p + m
	if !(p >= 0 && m >= 0 && s > 0 && s <= math.MaxFloat64) {
		return math.NaN()
	}
	p, m = p/s, m/s
	switch {
	case p == 0:
		return -atanhClip
	case m == 0:
		return atanhClip
	case math.Abs(p-m) <= 0.5:
		return math.Atanh(p - m)
	}
	return 0.5 * (math.Log(p) - math.Log(m))
}
