package ops

import (
	"fmt"
	"math"
	"math/big"
	"testing"
)

// The reference values of these tests are computed here, at refPrec bits,
// with math/big: erfcx by the positive-term series
// erfcx(x) = exp(x²) - 2/√π·Σ 2ⁿx²ⁿ⁺¹/(2n+1)!! for 0 ≤ x < 6 and by the
// Laplace continued fraction beyond, exp by halving and Taylor series.
// TestBigErfcxReference checks them against 50-digit literals (from
// python3 -c "import mpmath as m; m.mp.dps=50; print(m.erfc(m.mpf('2')))",
// mpmath 1.3.0) and
// against each other where both apply. Everything else is built from
// them; logarithms of exact big values are taken in float64, which costs
// about one ulp and is far below every tolerance.

const refPrec = 320

const refPiDigits = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679"

func refF(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }
func refNew() *big.Float        { return new(big.Float).SetPrec(refPrec) }

var (
	refPi, _, _ = big.ParseFloat(refPiDigits, 10, refPrec, big.ToNearestEven)
	refSqrtPi   = refNew().Sqrt(refPi)
	refSqrt2    = refNew().Sqrt(refF(2))
)

func refToF64(x *big.Float) float64 { v, _ := x.Float64(); return v }

// refExp returns exp(x).
func refExp(x *big.Float) *big.Float {
	y := refNew().Set(x)
	k := 0
	for y.Sign() != 0 && y.MantExp(nil) > -12 {
		y.SetMantExp(y, -1)
		k++
	}
	sum, term := refF(1), refF(1)
	eps := refNew().SetMantExp(refF(1), -refPrec-8)
	for n := 1; ; n++ {
		term.Mul(term, y).Quo(term, refF(float64(n)))
		sum.Add(sum, term)
		if refNew().Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// refErfcxSeries returns erfcx(x), x ≥ 0, from the series.
func refErfcxSeries(x *big.Float) *big.Float {
	x2 := refNew().Mul(x, x)
	twoX2 := refNew().Add(x2, x2)
	term, sum := refNew().Set(x), refNew().Set(x)
	for n := 1; ; n++ {
		term.Mul(term, twoX2).Quo(term, refF(float64(2*n+1)))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-refPrec-8 {
			break
		}
	}
	sum.Mul(sum, refF(2)).Quo(sum, refSqrtPi)
	return refNew().Sub(refExp(x2), sum)
}

// refErfcxCF returns erfcx(x), x > 0, from the continued fraction, doubling
// its depth until two evaluations agree to 2^-(refPrec-16).
func refErfcxCF(x *big.Float) *big.Float {
	var prev *big.Float
	for depth := 32; ; depth *= 2 {
		t := refNew().Set(x)
		for k := depth; k >= 1; k-- {
			t.Quo(refF(float64(k)/2), t)
			t.Add(t, x)
		}
		r := refNew().Quo(refF(1), t.Mul(t, refSqrtPi))
		if prev != nil {
			d := refNew().Sub(r, prev)
			if d.Sign() == 0 || d.MantExp(nil) < r.MantExp(nil)-refPrec+16 {
				return r
			}
		}
		prev = r
	}
}

// refErfcxBig returns erfcx(x) for any x.
func refErfcxBig(x *big.Float) *big.Float {
	switch {
	case x.Sign() < 0:
		ax := refNew().Neg(x)
		e := refExp(refNew().Mul(x, x))
		return e.Add(e, e).Sub(e, refErfcxBig(ax))
	case x.Cmp(refF(6)) < 0:
		return refErfcxSeries(x)
	}
	return refErfcxCF(x)
}

// refErfcBig returns erfc(x) = erfcx(x)·exp(-x²).
func refErfcBig(x *big.Float) *big.Float {
	e := refExp(refNew().Neg(refNew().Mul(x, x)))
	return e.Mul(e, refErfcxBig(x))
}

// refHBig returns H(u) = erfc(u/√2)/2.
func refHBig(u *big.Float) *big.Float {
	h := refErfcBig(refNew().Quo(u, refSqrt2))
	return h.SetMantExp(h, -1)
}

// refGBig returns G(u) = exp(-u²/2)/√(2π).
func refGBig(u *big.Float) *big.Float {
	e := refNew().Mul(u, u)
	e = refExp(e.Neg(e).SetMantExp(e, -1))
	return e.Quo(e, refNew().Mul(refSqrtPi, refSqrt2))
}

// refLog returns log(y) in float64 for y > 0, through log1p near 1.
func refLog(y *big.Float) float64 {
	d := refNew().Sub(y, refF(1))
	if d.Cmp(refF(-0.5)) > 0 && d.Cmp(refF(0.5)) < 0 {
		return math.Log1p(refToF64(d))
	}
	m := refNew()
	e := y.MantExp(m)
	return math.Log(refToF64(m)) + float64(e)*math.Ln2
}

// Reference functions in float64.

func refErfcx(x float64) float64 { return refToF64(refErfcxBig(refF(x))) }

func refH(x float64) float64 { return refToF64(refHBig(refF(x))) }

func refGH(x float64) float64 {
	z := refNew().Quo(refF(x), refSqrt2)
	r := refNew().Quo(refNew().Mul(refF(2), refNew().Quo(refF(1), refSqrtPi)), refSqrt2)
	return refToF64(r.Quo(r, refErfcxBig(z)))
}

func refLogH(x float64) float64 {
	if x < 0 { // log(1 - H(-x)); 1 - H(-x) may need more than refPrec bits
		return math.Log1p(-refH(-x))
	}
	// log(erfcx(x/√2)/2) - x²/2: exp(-x²/2) leaves big.Float's exponent
	// range for x > 5e4.
	e := refErfcxBig(refNew().Quo(refF(x), refSqrt2))
	return math.Log(refToF64(e.SetMantExp(e, -1))) - refToF64(refNew().Mul(refF(x), refF(0.5*x)))
}

// refAtanhErfBig returns atanh(erf(z)) = ½·log((2 - erfc z)/erfc z), z ≥ 0
// odd-extended.
func refAtanhErfBig(z *big.Float) float64 {
	if z.Sign() < 0 {
		return -refAtanhErfBig(refNew().Neg(z))
	}
	if z.Sign() == 0 {
		return 0
	}
	if z.Cmp(refF(5)) < 0 {
		c := refErfcBig(z)
		r := refNew().Sub(refF(2), c)
		return 0.5 * refLog(r.Quo(r, c))
	}
	// ½·(log(2 - erfc z) - log erfcx(z) + z²): the terms are positive, and
	// exp(-z²) would leave big.Float's exponent range for z > 4e4.
	e := refErfcxBig(z)
	l2 := math.Log(2 - refToF64(refErfcBig(z)))
	if z.Cmp(refF(100)) > 0 {
		l2 = math.Ln2
	}
	return 0.5 * (l2 - math.Log(refToF64(e)) + refToF64(refNew().Mul(z, z)))
}

func refAtanhErf(x float64) float64 { return refAtanhErfBig(refF(x)) }

func refAtanh2Hm1(x float64) float64 {
	return -refAtanhErfBig(refNew().Quo(refF(x), refSqrt2))
}

// refSignG returns ∂_ω log(e^B H(-ω/s) + e^-B H(ω/s)) in closed form:
//
//	g = G(u)·(e^B - e^-B) / (s·(e^B H(u) + e^-B H(-u))),   u = -ω/s,
//
// divided through by e^|B| for B = ±Inf.
func refSignG(b, omega, s float64) float64 {
	if b == 0 {
		return 0
	}
	u := refNew().Quo(refF(-omega), refF(s))
	sign := 1.0
	if b < 0 {
		sign = -1
		u.Neg(u)
	}
	q := refF(0) // exp(-2|B|)
	if !math.IsInf(b, 0) {
		q = refExp(refF(-2 * math.Abs(b)))
	}
	num := refNew().Mul(refGBig(u), refNew().Sub(refF(1), q))
	den := refNew().Mul(q, refHBig(refNew().Neg(u)))
	den.Add(den, refHBig(u)).Mul(den, refF(s))
	return sign * refToF64(num.Quo(num, den))
}

// Tolerance helpers.

func spRelErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Abs(want)
}

// spCloseRelAbs reports |got - want| ≤ tol·max(1, |want|).
func spCloseRelAbs(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// same reports whether a and b are equal, treating NaNs as equal and
// distinguishing signed zeros.
func spSame(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

// spLinspace returns n evenly spaced points in [a, b].
func spLinspace(a, b float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return xs
}

// spLogspace returns n points spaced evenly in log10 between 10^a and 10^b.
func spLogspace(a, b float64, n int) []float64 {
	xs := spLinspace(a, b, n)
	for i := range xs {
		xs[i] = math.Pow(10, xs[i])
	}
	return xs
}

// spMinNormal: results below it (subnormal in float64) are compared in
// absolute terms only.
const spMinNormal = 0x1p-1022

type spAccCase struct {
	name string
	f    func(float64) float64
	ref  func(float64) float64
	xs   []float64
	tol  float64
}

// spCheckAccuracy compares f with ref on xs, requiring relative error ≤ tol
// (relative-or-absolute when abs is set), and returns the largest.
func spCheckAccuracy(t *testing.T, c spAccCase, abs bool) float64 {
	t.Helper()
	worst := 0.0
	for _, x := range c.xs {
		got, want := c.f(x), c.ref(x)
		if math.IsNaN(got) || math.IsInf(got, 0) != math.IsInf(want, 0) {
			t.Errorf("%s(%v) = %v, want %v", c.name, x, got, want)
			continue
		}
		if math.IsInf(want, 0) {
			if got != want {
				t.Errorf("%s(%v) = %v, want %v", c.name, x, got, want)
			}
			continue
		}
		if math.Abs(want) < spMinNormal {
			if math.Abs(got) > 2*spMinNormal {
				t.Errorf("%s(%v) = %v, want %v (underflow)", c.name, x, got, want)
			}
			continue
		}
		e := spRelErr(got, want)
		if abs {
			e = math.Abs(got-want) / math.Max(1, math.Abs(want))
		}
		worst = math.Max(worst, e)
		if e > c.tol {
			t.Errorf("%s(%v) = %v, want %v (rel err %.3g)", c.name, x, got, want, e)
		}
	}
	t.Logf("%s: max rel err %.3g over %d points", c.name, worst, len(c.xs))
	return worst
}

func TestBigErfcxReference(t *testing.T) {
	// Literals: mpmath.erfc(x) at mp.dps = 50 (see the comment at the top).
	for _, c := range []struct {
		x    float64
		want string
	}{
		{0.5, "0.47950012218695346231725334610803547126354842424204"},
		{1, "0.15729920705028513065877936491739074070393300203370"},
		{2, "0.0046777349810472658379307436327470713891082029599399"},
		{5, "1.5374597944280348501883434853833788901180503147234e-12"},
		{10, "2.0884875837625447570007862949577886115608181193212e-45"},
	} {
		want, _, _ := big.ParseFloat(c.want, 10, refPrec, big.ToNearestEven)
		got := refErfcBig(refF(c.x))
		d := refNew().Sub(got, want)
		d.Quo(d, want)
		if e, _ := d.Abs(d).Float64(); e > 1e-45 {
			t.Errorf("refErfc(%v) = %.50g, want %s (rel err %.3g)", c.x, got, c.want, e)
		}
	}
	// Series and continued fraction agree where both converge well.
	for _, x := range []float64{2.5, 4, 6, 7.5} {
		a, b := refErfcxSeries(refF(x)), refErfcxCF(refF(x))
		d := refNew().Sub(a, b)
		d.Quo(d, b)
		if e, _ := d.Abs(d).Float64(); e > 1e-60 {
			t.Errorf("series/CF erfcx(%v) differ: rel err %.3g", x, e)
		}
	}
	// math.Erfc agrees to a few ulps in its normal range.
	for _, x := range spLinspace(-3, 25, 57) {
		want, got := math.Erfc(x), refToF64(refErfcBig(refF(x)))
		if e := spRelErr(got, want); e > 1e-15 {
			t.Errorf("refErfc(%v) = %v, math.Erfc = %v (rel err %.3g)", x, got, want, e)
		}
	}
}

// spErfcxGrid covers every table interval and both tails.
func spErfcxGrid() []float64 {
	xs := spLinspace(-26.6, 40, 4001)
	xs = append(xs, spLinspace(0, 1.0/32, 33)...)
	xs = append(xs, spLogspace(-12, -1, 23)...)
	xs = append(xs, spLogspace(1, 6, 101)...)
	xs = append(xs, 31.999999999999996, 32, 1<<27, 1<<27+1, 1e9, 1e100, 1e300, -1e-300, -1e-8, -26.62)
	return xs
}

func TestErfcxAccuracy(t *testing.T) {
	spCheckAccuracy(t, spAccCase{name: "Erfcx", f: Erfcx, ref: refErfcx, xs: spErfcxGrid(), tol: 1e-13}, false)
}

func TestSpecialAccuracy(t *testing.T) {
	mid := spLinspace(-10, 10, 401)
	wide := append(spLinspace(-40, 40, 801), -1e3, -100, 100, 1e3, 1e4, 1e8)
	cases := []struct {
		c   spAccCase
		abs bool // relative-or-absolute
	}{
		{c: spAccCase{"G", G, func(x float64) float64 { return refToF64(refGBig(refF(x))) }, wide, 1e-12}},
		{c: spAccCase{"H", H, refH, wide, 1e-12}},
		{c: spAccCase{"GH", GH, refGH, append(wide, -37.5, -37.7, 37.7), 1e-12}},
		{c: spAccCase{"LogH", LogH, refLogH, append(wide, 1e6, 1e100, -1e6), 1e-12}},
		{c: spAccCase{"AtanhErf", AtanhErf, refAtanhErf,
			append(append(spLinspace(-30, 30, 601), spLogspace(-12, 0, 25)...), 0.999999, 1, 1.000001, 500, -1e4), 1e-12}},
		{c: spAccCase{"Atanh2Hm1", Atanh2Hm1, refAtanh2Hm1, append(mid, spLinspace(-1e3, 1e3, 201)...), 1e-12}},
		{c: spAccCase{"LogCosh", LogCosh, func(x float64) float64 {
			e := refExp(refF(x))
			e.Add(e, refNew().Quo(refF(1), e)).SetMantExp(e, -1)
			return refLog(e)
		}, append(append(mid, spLogspace(-10, 0, 21)...), 0.99999, 1, 300, 1e3, -1e5), 1e-12}},
		{c: spAccCase{"Log2Cosh", Log2Cosh, func(x float64) float64 {
			e := refExp(refF(x))
			return refLog(e.Add(e, refNew().Quo(refF(1), e)))
		}, append(mid, 300, 1e3, -1e5), 1e-12}},
		{c: spAccCase{"LogSinhAbs", LogSinhAbs, func(x float64) float64 {
			e := refExp(refF(x))
			e.Sub(e, refNew().Quo(refF(1), e)).SetMantExp(e, -1)
			return refLog(e.Abs(e))
		}, append(append(mid, spLogspace(-10, 0, 21)...), math.Asinh(1), 300, -1e3), 1e-12}, abs: true},
	}
	for _, c := range cases {
		if c.c.tol == 0 {
			c.c.tol = 1e-12
		}
		t.Run(c.c.name, func(t *testing.T) { spCheckAccuracy(t, c.c, c.abs) })
	}
}

func TestAtanh2Hm1FiniteMonotone(t *testing.T) {
	// ALGORITHMS §17 item 1: atanh(2H(x) - 1) to 1e-12 for |x| < 5 (checked in
	// TestSpecialAccuracy); finite and decreasing up to |x| = 1e3.
	prev := math.Inf(1)
	for _, x := range spLinspace(-1e3, 1e3, 200001) {
		y := Atanh2Hm1(x)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			t.Fatalf("Atanh2Hm1(%v) = %v, want finite", x, y)
		}
		if !(y < prev) {
			t.Fatalf("Atanh2Hm1(%v) = %v, not below the previous value %v", x, y, prev)
		}
		prev = y
	}
	for _, x := range spLinspace(-5, 5, 101) {
		// The plain formula, where it is well conditioned.
		if math.Abs(x) < 2 && x != 0 {
			want := math.Atanh(2*refH(x) - 1)
			if got := Atanh2Hm1(x); spRelErr(got, want) > 1e-12 {
				t.Errorf("Atanh2Hm1(%v) = %v, want %v (rel err %.3g)", x, got, want, spRelErr(got, want))
			}
		}
	}
}

func TestSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	type fc struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}
	cases := []fc{
		{"Erfcx", Erfcx, inf, 0}, {"Erfcx", Erfcx, -inf, inf}, {"Erfcx", Erfcx, nan, nan},
		{"Erfcx", Erfcx, 0, 1}, {"Erfcx", Erfcx, math.Copysign(0, -1), 1},
		{"Erfcx", Erfcx, -26.64, inf}, {"Erfcx", Erfcx, -26.63, inf}, {"Erfcx", Erfcx, -1e300, inf},
		{"G", G, inf, 0}, {"G", G, -inf, 0}, {"G", G, nan, nan}, {"G", G, 1e200, 0},
		{"H", H, inf, 0}, {"H", H, -inf, 1}, {"H", H, 0, 0.5}, {"H", H, nan, nan}, {"H", H, 40, 0},
		{"GH", GH, inf, inf}, {"GH", GH, -inf, 0}, {"GH", GH, nan, nan}, {"GH", GH, -40, 0}, {"GH", GH, -1e300, 0},
		{"LogH", LogH, inf, -inf}, {"LogH", LogH, -inf, math.Copysign(0, -1)}, {"LogH", LogH, nan, nan}, {"LogH", LogH, 0, -math.Ln2},
		{"AtanhErf", AtanhErf, 0, 0}, {"AtanhErf", AtanhErf, math.Copysign(0, -1), math.Copysign(0, -1)},
		{"AtanhErf", AtanhErf, inf, inf}, {"AtanhErf", AtanhErf, -inf, -inf}, {"AtanhErf", AtanhErf, nan, nan},
		{"AtanhErf", AtanhErf, 1e160, inf},
		{"Atanh2Hm1", Atanh2Hm1, 0, math.Copysign(0, -1)}, {"Atanh2Hm1", Atanh2Hm1, inf, -inf},
		{"Atanh2Hm1", Atanh2Hm1, -inf, inf}, {"Atanh2Hm1", Atanh2Hm1, nan, nan},
		{"LogCosh", LogCosh, 0, 0}, {"LogCosh", LogCosh, inf, inf}, {"LogCosh", LogCosh, -inf, inf}, {"LogCosh", LogCosh, nan, nan},
		{"Log2Cosh", Log2Cosh, 0, math.Ln2}, {"Log2Cosh", Log2Cosh, -inf, inf}, {"Log2Cosh", Log2Cosh, nan, nan},
		{"LogSinhAbs", LogSinhAbs, 0, -inf}, {"LogSinhAbs", LogSinhAbs, -inf, inf}, {"LogSinhAbs", LogSinhAbs, nan, nan},
		{"ClippedAtanh", ClippedAtanh, 1, 25}, {"ClippedAtanh", ClippedAtanh, -1, -25},
		{"ClippedAtanh", ClippedAtanh, inf, 25}, {"ClippedAtanh", ClippedAtanh, -1.5, -25},
		{"ClippedAtanh", ClippedAtanh, nan, nan}, {"ClippedAtanh", ClippedAtanh, 0.5, math.Atanh(0.5)},
		{"ClippedAtanh", ClippedAtanh, 1 - 0x1p-53, math.Atanh(1 - 0x1p-53)},
	}
	for _, c := range cases {
		if got := c.f(c.x); !spSame(got, c.want) {
			t.Errorf("%s(%v) = %v, want %v", c.name, c.x, got, c.want)
		}
	}
	// Just above the overflow edge Erfcx is finite.
	if got := Erfcx(-26.62); math.IsInf(got, 0) || math.IsNaN(got) {
		t.Errorf("Erfcx(-26.62) = %v, want finite", got)
	}

	pm := []struct{ p, m, want float64 }{
		{1, 0, 25}, {0, 1, -25}, {3, 0, 25}, {0.5, 0.5, 0}, {0.75, 0.25, math.Atanh(0.5)},
		{2, 6, math.Atanh(-0.5)}, // normalised to (0.25, 0.75)
		{1, 1e-12, 0.5 * (math.Log(1/(1+1e-12)) - math.Log(1e-12/(1+1e-12)))},
		{1e-12, 1, -0.5 * (math.Log(1/(1+1e-12)) - math.Log(1e-12/(1+1e-12)))},
		{0, 0, nan}, {-1, 2, nan}, {nan, 1, nan}, {inf, 1, nan},
	}
	for _, c := range pm {
		if got := ClippedAtanhPM(c.p, c.m); !(spSame(got, c.want) || spRelErr(got, c.want) < 1e-14) {
			t.Errorf("ClippedAtanhPM(%v, %v) = %v, want %v", c.p, c.m, got, c.want)
		}
	}
	// ClippedAtanhPM is ½·log(p/m) on its whole domain.
	for _, p := range spLogspace(-300, 0, 61) {
		m := 1 - p
		if m == 0 {
			continue
		}
		want := 0.5 * (math.Log(p) - math.Log(m))
		got := ClippedAtanhPM(p, m)
		if !spCloseRelAbs(got, want, 1e-12) {
			t.Errorf("ClippedAtanhPM(%v, %v) = %v, want %v (rel err %.3g)", p, m, got, want, spRelErr(got, want))
		}
	}

	sg := []struct{ b, omega, s, want float64 }{
		{0, 1, 1, 0}, {0, -3, 0.5, 0},
		{inf, 0, 1, math.Sqrt(2 / math.Pi)}, {-inf, 0, 1, -math.Sqrt(2 / math.Pi)},
		{nan, 1, 1, nan}, {1, nan, 1, nan}, {1, 1, nan, nan},
		{1, 1e300, 1, 0}, {inf, -1e300, 1e-300, inf},
	}
	for _, c := range sg {
		if got := SignG(c.b, c.omega, c.s); !spSame(got, c.want) && !(c.want == 0 && got == 0) {
			t.Errorf("SignG(%v, %v, %v) = %v, want %v", c.b, c.omega, c.s, got, c.want)
		}
	}
	if got := SignGamma(0, 3, 2); got != 0 {
		t.Errorf("SignGamma(0, 3, 2) = %v, want 0", got)
	}
}

func TestSpecialFiniteForFiniteInput(t *testing.T) {
	xs := []float64{-math.MaxFloat64, -1e300, -1e10, -1e3, -40, -26.7, -26.6, -1, -1e-300,
		math.Copysign(0, -1), 0, 5e-324, 1e-300, 1, 26.6, 40, 1e3, 1e10, 1e150, math.MaxFloat64}
	for _, x := range xs {
		for name, f := range map[string]func(float64) float64{
			"G": G, "H": H, "GH": GH, "LogCosh": LogCosh, "Log2Cosh": Log2Cosh, "ClippedAtanh": ClippedAtanh,
		} {
			if y := f(x); math.IsNaN(y) || (math.IsInf(y, 0) && math.Abs(x) < 1e150) {
				t.Errorf("%s(%v) = %v, want finite", name, x, y)
			}
		}
		if y := Erfcx(x); math.IsNaN(y) || (math.IsInf(y, 0) && x > -26.6) {
			t.Errorf("Erfcx(%v) = %v, want finite", x, y)
		}
		if y := LogH(x); math.IsNaN(y) || (math.IsInf(y, 0) && math.Abs(x) < 1e150) {
			t.Errorf("LogH(%v) = %v, want finite", x, y)
		}
		for name, f := range map[string]func(float64) float64{"AtanhErf": AtanhErf, "Atanh2Hm1": Atanh2Hm1} {
			if y := f(x); math.IsNaN(y) || (math.IsInf(y, 0) && math.Abs(x) < 1e150) {
				t.Errorf("%s(%v) = %v, want finite", name, x, y)
			}
		}
	}
	bs := []float64{math.Inf(-1), -1e300, -400, -19, -5, -0.3, -1e-300, 0, 1e-300, 0.3, 5, 19, 400, 1e300, math.Inf(1)}
	omegas := []float64{-1e300, -1e10, -50, -3, -1e-300, 0, 1e-300, 2, 50, 1e10, 1e300}
	ss := []float64{1e-300, 1e-3, 1, 1e3, 1e300}
	for _, b := range bs {
		for _, w := range omegas {
			for _, s := range ss {
				g := SignG(b, w, s)
				if math.IsNaN(g) || (math.IsInf(g, 0) && !math.IsInf(b, 0)) {
					t.Errorf("SignG(%v, %v, %v) = %v, want finite", b, w, s, g)
				}
			}
		}
	}
}

func TestSignGAccuracy(t *testing.T) {
	inf := math.Inf(1)
	worst := 0.0
	for _, b := range []float64{-inf, -400, -25, -18, -5, -0.3, -1e-8, 1e-8, 0.3, 1, 5, 18, 25, 400, inf} {
		for _, u := range append(spLinspace(-40, 40, 81), -1e3, -0.5, 0.5, 1e3) {
			for _, s := range []float64{0.5, 1, 3} {
				omega := -u * s
				got, want := SignG(b, omega, s), refSignG(b, omega, s)
				if math.Abs(want) < spMinNormal {
					if math.Abs(got) > 2*spMinNormal {
						t.Errorf("SignG(%v, %v, %v) = %v, want %v (underflow)", b, omega, s, got, want)
					}
					continue
				}
				e := spRelErr(got, want)
				worst = math.Max(worst, e)
				if e > 1e-12 {
					t.Errorf("SignG(%v, %v, %v) = %v, want %v (rel err %.3g)", b, omega, s, got, want, e)
				}
			}
		}
	}
	t.Logf("SignG: max rel err %.3g", worst)
}

// spSignPhi returns φ(B, ω, V) - |B| = log(e^(B-|B|) H(-ω/s) + e^(-B-|B|) H(ω/s)),
// s = √V, in the log domain; the shift by |B| keeps B = ±Inf finite and
// does not depend on ω.
func spSignPhi(b, omega, v float64) float64 {
	s := math.Sqrt(v)
	a := math.Abs(b)
	x := LogH(-omega/s) + (b - a) // e^(B-|B|): 1 or e^(-2|B|)
	y := LogH(omega/s) + (-b - a)
	if math.IsInf(b, 1) {
		x, y = LogH(-omega/s), math.Inf(-1)
	} else if math.IsInf(b, -1) {
		x, y = math.Inf(-1), LogH(omega/s)
	}
	m := math.Max(x, y)
	return m + math.Log(math.Exp(x-m)+math.Exp(y-m))
}

func TestSignGFiniteDifference(t *testing.T) {
	// ALGORITHMS §17 item 2: g = ∂_ω φ and Γ = -∂²_ω φ, by 5-point central
	// differences (truncation O(h⁴)), relative-or-absolute 1e-6.
	inf := math.Inf(1)
	const tol = 1e-6
	for _, b := range []float64{-inf, -5, -1, -0.3, 0, 0.3, 1, 5, inf} {
		for _, omega := range []float64{-4, -2, -0.7, -0.1, 0, 0.2, 1, 3, 5} {
			for _, v := range []float64{0.25, 1, 4} {
				s := math.Sqrt(v)
				h := 1e-3 * s
				f := func(k float64) float64 { return spSignPhi(b, omega+k*h, v) }
				fm2, fm1, f0, fp1, fp2 := f(-2), f(-1), f(0), f(1), f(2)
				d1 := (fm2 - 8*fm1 + 8*fp1 - fp2) / (12 * h)
				d2 := (-fm2 + 16*fm1 - 30*f0 + 16*fp1 - fp2) / (12 * h * h)
				g := SignG(b, omega, s)
				gamma := SignGamma(g, omega, v)
				name := fmt.Sprintf("B=%v,omega=%v,V=%v", b, omega, v)
				if !spCloseRelAbs(g, d1, tol) {
					t.Errorf("SignG(%s) = %v, want %v (finite difference, rel err %.3g)", name, g, d1, spRelErr(g, d1))
				}
				if !spCloseRelAbs(gamma, -d2, tol) {
					t.Errorf("SignGamma(%s) = %v, want %v (finite difference, rel err %.3g)", name, gamma, -d2, spRelErr(gamma, -d2))
				}
			}
		}
	}
}

func TestSpecial32(t *testing.T) {
	const tol = 1e-5
	type c32 struct {
		name string
		f    func(float32) float32
		ref  func(float64) float64
		xs   []float64
	}
	xs := append(spLinspace(-9.3, 13, 447), 20, 100, 1e4, 1e30)
	cases := []c32{
		{"Erfcx32", Erfcx32, refErfcx, xs},
		{"G32", G32, func(x float64) float64 { return refToF64(refGBig(refF(x))) }, spLinspace(-13, 13, 261)},
		{"H32", H32, refH, spLinspace(-20, 13, 331)},
		{"GH32", GH32, refGH, append(spLinspace(-13, 40, 531), 1e4, 1e30)},
		{"LogH32", LogH32, refLogH, append(spLinspace(-20, 40, 601), 1e4, 1e15)},
		{"AtanhErf32", AtanhErf32, refAtanhErf, append(spLinspace(-30, 30, 601), 1e-20, 1e15)},
		{"Atanh2Hm132", Atanh2Hm132, refAtanh2Hm1, append(spLinspace(-1e3, 1e3, 201), 1e-3, -1e-3)},
		{"LogCosh32", LogCosh32, func(x float64) float64 { return LogCosh(x) }, append(spLinspace(-30, 30, 601), 1e-20, 1e30)},
		{"Log2Cosh32", Log2Cosh32, func(x float64) float64 { return Log2Cosh(x) }, append(spLinspace(-30, 30, 601), 1e30)},
	}
	for _, c := range cases {
		worst := 0.0
		for _, x64 := range c.xs {
			x := float32(x64)
			got, want := float64(c.f(x)), c.ref(float64(x))
			if math.Abs(want) < 0x1p-126 { // float32 subnormal or 0
				if math.Abs(got) > 0x1p-125 {
					t.Errorf("%s(%v) = %v, want %v (underflow)", c.name, x, got, want)
				}
				continue
			}
			if want > math.MaxFloat32 {
				if !math.IsInf(got, 1) {
					t.Errorf("%s(%v) = %v, want +Inf (overflow)", c.name, x, got)
				}
				continue
			}
			e := spRelErr(got, want)
			worst = math.Max(worst, e)
			if e > tol || math.IsNaN(got) {
				t.Errorf("%s(%v) = %v, want %v (rel err %.3g)", c.name, x, got, want, e)
			}
		}
		t.Logf("%s: max rel err %.3g", c.name, worst)
	}
	// Overflow edge and special cases.
	inf32 := float32(math.Inf(1))
	if got := Erfcx32(-9.4); got != inf32 {
		t.Errorf("Erfcx32(-9.4) = %v, want +Inf", got)
	}
	if got := Erfcx32(-9.35); math.IsInf(float64(got), 0) {
		t.Errorf("Erfcx32(-9.35) = %v, want finite", got)
	}
	if got := Erfcx32(inf32); got != 0 {
		t.Errorf("Erfcx32(+Inf) = %v, want 0", got)
	}
	if got := GH32(-inf32); got != 0 {
		t.Errorf("GH32(-Inf) = %v, want 0", got)
	}
	if got := Atanh2Hm132(1e3); math.IsInf(float64(got), 0) || math.IsNaN(float64(got)) {
		t.Errorf("Atanh2Hm132(1e3) = %v, want finite", got)
	}
	// SignG32 and SignGamma32 against the float64 versions.
	for _, b := range []float32{-inf32, -5, -0.3, 0, 0.3, 5, inf32} {
		for _, omega := range []float32{-20, -3, -0.5, 0, 0.5, 3, 20} {
			for _, s := range []float32{0.5, 1, 3} {
				g := float64(SignG32(b, omega, s))
				want := SignG(float64(b), float64(omega), float64(s))
				if math.Abs(want) >= 0x1p-126 && spRelErr(g, want) > tol || math.IsNaN(g) {
					t.Errorf("SignG32(%v, %v, %v) = %v, want %v (rel err %.3g)", b, omega, s, g, want, spRelErr(g, want))
				}
				v := s * s
				gm := float64(SignGamma32(float32(g), omega, v))
				wantGm := SignGamma(float64(float32(g)), float64(omega), float64(v))
				if math.Abs(wantGm) >= 0x1p-126 && spRelErr(gm, wantGm) > tol || math.IsNaN(gm) {
					t.Errorf("SignGamma32(%v, %v, %v) = %v, want %v", float32(g), omega, v, gm, wantGm)
				}
			}
		}
	}
}
