package ops

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/fbpgo/fbp/internal/testutil"
)

// naiveReLU is the ReLU channel of ALGORITHMS §5.4 written as the spec does,
// in the linear domain (Z = H1 + EH2), without the reference's approximate
// branches; accurate for the moderate arguments of the tests.
func naiveReLU(B, A, c, d float64) (xhat, delta, g, gamma float64) {
	p := 1 + A*d
	a := (B*B*d + 2*B*c - A*c*c) / (2 * p)
	b := -(c + B*d) / math.Sqrt(d*p)
	h1 := naiveH(c / math.Sqrt(d))
	e1 := math.Exp(-c*c/(2*d)) / math.Sqrt(2*math.Pi)
	eh2 := math.Exp(a) * naiveH(b) / math.Sqrt(p)
	z := h1 + eh2
	xhat = (math.Sqrt(d)*e1/p + eh2*(B*d+c)/p) / z
	delta = (math.Sqrt(d)*(B*d+c)*e1/(p*p)+eh2*(d*((A+B*B)*d+1)+2*B*c*d+c*c)/(p*p))/z - xhat*xhat
	g = (-A*math.Sqrt(d)*e1/p + eh2*(B-A*c)/p) / z
	dg := ((A*A*c*d+B)*e1/(math.Sqrt(d)*p*p)-eh2*(A*A*(d-c*c)+2*A*B*c+A-B*B)/(p*p))/z - g*g
	return xhat, delta, g, -dg
}

// naiveIdentity is the identity channel of ALGORITHMS §5.5.
func naiveIdentity(B, A, w, v float64) (xhat, delta, g, gamma float64) {
	return (B*v + w) / (1 + A*v), v / (1 + A*v), (B - A*w) / (1 + A*v), A / (1 + A*v)
}

// channelMapCases are the element-wise channel ops of channel.go, run by
// TestElementwiseMatchesNaive (and on a device by TestGPUElementwise).
func channelMapCases() []mapCase {
	gen := arrays(normal(1), uniform(0, 2), normal(1.5), uniform(0.1, 3)) // B, A, ω, V
	pick := func(f func(b, a, w, v float64) (float64, float64, float64, float64), out int) func([]arr) []float64 {
		return func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 {
				var r [4]float64
				r[0], r[1], r[2], r[3] = f(x[0], x[1], x[2], x[3])
				return r[out]
			}, in[0].data, in[1].data, in[2].data, in[3].data)
		}
	}
	var cs []mapCase
	for out, k := range []*kernel{reluMeanK, reluVarianceK, reluChannelK, reluGammaK} {
		cs = append(cs, mapCase{k, gen, pick(naiveReLU, out)})
	}
	for out, k := range []*kernel{identityMeanK, identityVarianceK, identityChannelK, identityGammaK} {
		cs = append(cs, mapCase{k, gen, pick(naiveIdentity, out)})
	}
	return cs
}

// channelGrid is the grid of (B, A, ω, V) of the derivative tests: signs of
// B and ω, A = 0 (no precision from above) and V from 0.1 to 4, and a few
// far-tail points where one ReLU branch has a negligible mass.
func channelGrid() [][4]float64 {
	var grid [][4]float64
	for _, B := range []float64{-2, -0.5, 0, 0.7, 3} {
		for _, A := range []float64{0, 0.5, 2} {
			for _, w := range []float64{-3, -0.4, 0, 1, 4} {
				for _, v := range []float64{0.1, 1, 4} {
					grid = append(grid, [4]float64{B, A, w, v})
				}
			}
		}
	}
	return append(grid, [4]float64{1, 0.1, -12, 1}, [4]float64{0.5, 0.2, 12, 1}, [4]float64{-4, 3, 9, 2})
}

// richardson returns the derivative of order 1 or 2 of f at 0 by central
// differences with steps h and h/2, extrapolated (error O(h⁴)):
//
//	D1(h) = (f(h) − f(−h))/(2h),   D2(h) = (f(h) − 2f(0) + f(−h))/h²,
//	D = (4·D(h/2) − D(h))/3.
func richardson(f func(float64) float64, order int, h float64) float64 {
	d := func(h float64) float64 {
		if order == 1 {
			return (f(h) - f(-h)) / (2 * h)
		}
		return (f(h) - 2*f(0) + f(-h)) / (h * h)
	}
	return (4*d(h/2) - d(h)) / 3
}

// TestChannelsMatchFiniteDifferences checks, in float64, that x̂, Δ, g and Γ
// of the ReLU and identity channels equal finite differences of their free
// energies φ (ALGORITHMS §5.4, §5.5, §17 item 2): x̂ = ∂_B φ, Δ = ∂²_B φ,
// g = ∂_ω φ, Γ = −∂²_ω φ, to 1e-6 (relative, or absolute below 1). The
// differences are Richardson-extrapolated central differences with step
// 2e-3, whose truncation (O(h⁴)) and rounding (≈ 1e-16·|φ|/h²) errors both
// stay below 1e-7 on this grid, where |φ| ≤ 100.
func TestChannelsMatchFiniteDifferences(t *testing.T) {
	const h, tol = 2e-3, 1e-6
	for _, c := range []struct {
		name    string
		phi     func(b, a, w, v float64) float64
		moments func(b, a, w, v float64) (float64, float64, float64, float64)
	}{{"ReLU", ReLUPhi, ReLUMoments}, {"Identity", IdentityPhi, IdentityMoments}} {
		for _, p := range channelGrid() {
			B, A, w, v := p[0], p[1], p[2], p[3]
			xhat, delta, g, gamma := c.moments(B, A, w, v)
			fb := func(d float64) float64 { return c.phi(B+d, A, w, v) }
			fw := func(d float64) float64 { return c.phi(B, A, w+d, v) }
			for _, q := range []struct {
				name      string
				got, want float64
			}{
				{"x̂", xhat, richardson(fb, 1, h)},
				{"Δ", delta, richardson(fb, 2, h)},
				{"g", g, richardson(fw, 1, h)},
				{"Γ", gamma, -richardson(fw, 2, h)},
			} {
				if !testutil.Close(q.got, q.want, tol) {
					t.Errorf("%s %s(B=%g, A=%g, ω=%g, V=%g) = %.12g, finite difference %.12g (rel err %.2g)",
						c.name, q.name, B, A, w, v, q.got, q.want, testutil.RelErr(q.got, q.want))
				}
			}
			if delta <= 0 {
				t.Errorf("%s(B=%g, A=%g, ω=%g, V=%g): variance Δ = %g ≤ 0", c.name, B, A, w, v, delta)
			}
		}
	}
}

// TestChannelPhiMatchesQuadrature checks the closed forms of φ against the
// defining integral of ALGORITHMS §2 with the Gaussian normalised,
//
//	φ = log ∫dz N(z; ω, V)·exp(−A x(z)²/2 + B x(z)),   x(z) = max(0, z) or z,
//
// by 400-point Gauss–Legendre quadrature on each side of z = 0 over ω ± 16√V
// (far beyond where the integrand matters for these arguments), to 1e-9.
func TestChannelPhiMatchesQuadrature(t *testing.T) {
	for _, c := range []struct {
		name string
		phi  func(b, a, w, v float64) float64
		x    func(z float64) float64
	}{{"ReLU", ReLUPhi, func(z float64) float64 { return math.Max(0, z) }}, {"Identity", IdentityPhi, func(z float64) float64 { return z }}} {
		for _, p := range channelGrid() {
			B, A, w, v := p[0], p[1], p[2], p[3]
			f := func(z float64) float64 {
				x := c.x(z)
				return math.Exp(-(z-w)*(z-w)/(2*v)-A*x*x/2+B*x) / math.Sqrt(2*math.Pi*v)
			}
			lo, hi := w-16*math.Sqrt(v), w+16*math.Sqrt(v)
			var z float64
			if lo < 0 && hi > 0 {
				z = quad.Fixed(f, lo, 0, 400, quad.Legendre{}, 0) + quad.Fixed(f, 0, hi, 400, quad.Legendre{}, 0)
			} else {
				z = quad.Fixed(f, lo, hi, 400, quad.Legendre{}, 0)
			}
			if got, want := c.phi(B, A, w, v), math.Log(z); !testutil.Close(got, want, 1e-9) {
				t.Errorf("%sPhi(B=%g, A=%g, ω=%g, V=%g) = %.14g, quadrature %.14g", c.name, B, A, w, v, got, want)
			}
		}
	}
}

// TestReLUFarTails checks that the ReLU moments stay finite and tend to
// their limits where one branch has a negligible mass: for ω ≪ 0 the unit
// is off (x̂ → 0, g → −A√V·GH(ω/√V)/(1+AV) → 0 for A = 0), for ω ≫ 0 it is
// the identity channel.
func TestReLUFarTails(t *testing.T) {
	for _, w := range []float64{30, 100, 1e3} {
		for _, A := range []float64{0, 0.5} {
			B, v := 0.3, 1.5
			got := [4]float64{}
			want := [4]float64{}
			got[0], got[1], got[2], got[3] = ReLUMoments(B, A, w, v)
			want[0], want[1], want[2], want[3] = IdentityMoments(B, A, w, v)
			for j := range got {
				// Δ and Γ subtract x̂² and g² (≈ ω², g²): relative rounding ≈ 1e-16·ω².
				if !testutil.Close(got[j], want[j], 1e-9) {
					t.Errorf("ReLU moment %d at ω = %g, A = %g: %v, identity limit %v", j, w, A, got[j], want[j])
				}
			}
			x, d, g, gm := ReLUMoments(B, A, -w, v)
			for j, y := range []float64{x, d, g, gm} {
				if math.IsNaN(y) || math.IsInf(y, 0) || math.Abs(y) > 1e-6*math.Max(1, w) && j != 3 {
					t.Errorf("ReLU moment %d at ω = %g, A = %g: %v, want ≈ 0", j, -w, A, y)
				}
			}
		}
	}
}
