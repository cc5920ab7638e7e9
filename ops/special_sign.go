package ops

import "math"

// This file holds the output function of the sign channel (ALGORITHMS §3.4)
// and its slope, built on the special functions of special.go.

// Thresholds on |Btop| of the sign channel.
const (
	// signGBigB: for |Btop| above it 1 - exp(-2|Btop|) rounds to 1, and SignG
	// needs only exp(u²/2 - 2|Btop|).
	signGBigB = 19
	// signGSmallB: below it SignG takes 1 - exp(-2|Btop|) from Expm1; above
	// it exp(-2|Btop|) < 1/2, so 1 - exp(-2|Btop|) has no cancellation and
	// the cheaper Exp suffices.
	signGSmallB = 0.35
)

// SignG returns g = ∂φ/∂ω, the output function of a sign activation whose
// pre-activation is N(ω, s²) and whose output receives the field Btop.
//
//	φ(Btop, ω, s²) = log(e^Btop·H(-ω/s) + e^-Btop·H(ω/s))
//	g = sign(μ)·GHt(|μ|, sign(Btop)·u)/s,   u = -ω/s,  μ = tanh(Btop)
//	GHt(μ, u) = GH(u)·μf/(1 - μ + μf),      f = erfc(u/√2)
//
// Method: with a = |Btop|, u' = sign(Btop)·u, E = erfcx(u'/√2) and
// q = exp(-2a), the identities μ = (1-q)/(1+q) and f = E·exp(-u'²/2) give
//
//	GHt = √(2/π) / D,   D = E + 2·exp(u'²/2 - 2a)/(1 - q),
//
// and for u' < 0, where E = 2·exp(u'²/2) - erfcx(|u'|/√2),
//
//	D = 2·exp(u'²/2)/(1 - q) - erfcx(|u'|/√2)    (no cancellation: ≥ 2 - 1).
//
// With num = √(2/π)(1-q) and den = (1-q)·D, g = sign(Btop)·num/(den·s)
// costs one tabulated erfcx of |u'|/√2, two Exp (q and exp(u'²/2)) and one
// division; 1 - q comes from Expm1 instead for a ≤ 0.35, where 1 - q
// would cancel, and is 1 for a ≥ 19, where one Exp of u'²/2 - 2a suffices.
// u'² is split exactly (FMA). Overflow of exp(u'²/2) means g underflows:
// den = +Inf gives g = 0, the correct limit. Btop = ±Inf (μ = ±1, hard
// label y = sign(Btop)) gives q = 0 and g = y·GH(-y·ω/s)/s exactly.
//
// s must be positive (s = √V); g is finite for all finite Btop, ω and s > 0,
// and for Btop = ±Inf.
//
// Accuracy: relative error ≤ 1e-12 (float64) against the formula in exact
// arithmetic, ≤ 1e-5 (float32).
//
// Special cases are:
//
//	SignG(0, ω, s) = 0
//	SignG(±Inf, ω, s) = ±GH(∓ω/s)/s
//	SignG(Btop, ω, s) = NaN if any argument is NaN
//
// ALGORITHMS §3.4.
func SignG(btop, omega, s float64) float64 {
	return newSignField(btop).g(omega, s)
}

// signField is the part of the sign-channel output function that depends
// only on the field from above, Btop: the fused kernels evaluate g at K·N·B
// cavity points with one Btop per (k, n), so they prepare it once.
type signField struct {
	btop  float64 // the field itself (its sign is the sign of g)
	a     float64 // |Btop|
	q     float64 // exp(−2a)
	oneMq float64 // 1 − q, accurate for small a
}

// newSignField prepares Btop for signField.g.
func newSignField(btop float64) signField {
	f := signField{btop: btop, a: math.Abs(btop)}
	switch {
	case !(f.a < signGBigB): // 1 − q rounds to 1 (or a is Inf or NaN)
		f.oneMq = 1
	case f.a > signGSmallB:
		f.q = math.Exp(-2 * f.a)
		f.oneMq = 1 - f.q
	default:
		f.oneMq = -math.Expm1(-2 * f.a)
		f.q = 1 - f.oneMq
	}
	return f
}

// g returns SignG(f.btop, omega, s).
func (f signField) g(omega, s float64) float64 { return f.gu(-omega/s, s) }

// gu returns SignG(f.btop, −u·s, s): g from the standardised pre-activation
// u = −ω/s, for kernels that multiply by a precomputed 1/s.
func (f signField) gu(u, s float64) float64 {
	if f.btop == 0 {
		return 0
	}
	if f.btop < 0 {
		u = -u
	}
	var num, den float64
	if !(f.a < signGBigB) {
		uu := u * u
		num, den = spSqrt2OverPi, signGDenBigB(f.a, u, 0.5*uu, 0.5*math.FMA(u, u, -uu))
	} else {
		num, den = f.ght(u)
	}
	return math.Copysign(num/(den*s), f.btop)
}

// ght returns GHt = num/den for u' = sign(Btop)·u (see SignG), with
// num = √(2/π)·(1-q) and den = (1-q)·D, so that SignG needs a single
// division. It is used for |Btop| < signGBigB.
func (f signField) ght(u float64) (num, den float64) {
	uu := u * u
	hi := 0.5 * uu
	lo := 0.5 * math.FMA(u, u, -uu) // u'²/2 = hi + lo exactly
	q, oneMq := f.q, f.oneMq
	e := expHiLo(hi, lo) // exp(u'²/2)
	if u < 0 {
		// e = +Inf gives den = +Inf and g = 0, the correct limit.
		return spSqrt2OverPi * oneMq, 2*e - Erfcx(-u*spInvSqrt2)*oneMq
	}
	if e > math.MaxFloat64 { // e·q may still be finite
		e, q = expHiLo(hi-2*f.a, lo), 1
	}
	return spSqrt2OverPi * oneMq, Erfcx(u*spInvSqrt2)*oneMq + 2*e*q
}

// signGDenBigB returns D of SignG for a ≥ signGBigB (where 1 - q rounds to
// 1), a = +Inf (then D = erfcx(u'/√2): GHt = GH(u')) or a NaN.
func signGDenBigB(a, u, hi, lo float64) float64 {
	if a != a {
		return a
	}
	if u < 0 {
		return 2*expHiLo(hi, lo) - Erfcx(-u*spInvSqrt2)
	}
	if a > math.MaxFloat64 {
		return Erfcx(u * spInvSqrt2)
	}
	return Erfcx(u*spInvSqrt2) + 2*expHiLo(hi-2*a, lo)
}

// SignGamma returns Γ = -∂²φ/∂ω² of the sign channel from its g = SignG.
//
//	Γ = -∂²_ω φ = g·(ω/V + g)
//
// Method: the identity above, valid for every Btop.
//
// Accuracy: that of g, apart from cancellation in ω/V + g when ω < 0.
//
// Special cases are:
//
//	SignGamma(0, ω, V) = 0 for finite ω/V
//	SignGamma(g, ω, V) = NaN if any argument is NaN
//
// ALGORITHMS §3.4.
func SignGamma(g, omega, v float64) float64 {
	return g * (omega/v + g)
}
