package ops

import "math"

// sqrt2OverPi is √(2/π).
const sqrt2OverPi = 0.79788456080286535587989211986876373695171726232986931533185165934131585179860

// signGMu is the sign-channel output function of ALGORITHMS §3.4 written in
// the prior magnetization μ = tanh(Btop) of the unit, for the hot loops that
// evaluate it at K·N·B points with one μ per (k, n):
//
//	g = sign(μ)·GHt(|μ|, sign(μ)·u)/s,   u = −ω/s,
//	GHt(a, v) = GH(v)                          if a = 1,
//	          = √(2/π)·a·e^{−v²/2}/(1 − a + a·f)  otherwise, f = erfc(v/√2).
//
// The second form is GH(v)·a·f/(1 − a + a·f) with GH(v) = √(2/π)e^{−v²/2}/f
// cancelled, so it is finite where f underflows. f is evaluated through
// Erfcx so that it keeps full relative accuracy in both tails.
func signGMu(mu, omega, s float64) float64 {
	if mu == 0 {
		return 0
	}
	a, v := mu, -omega/s
	if mu < 0 {
		a, v = -mu, -v
	}
	var ght float64
	if a == 1 {
		ght = GH(v)
	} else {
		e := math.Exp(-0.5 * v * v)
		var f float64
		if w := v * (1 / math.Sqrt2); w >= 0 {
			f = Erfcx(w) * e
		} else {
			f = 2 - Erfcx(-w)*e
		}
		ght = sqrt2OverPi * a * e / (1 - a + a*f)
	}
	if mu < 0 {
		ght = -ght
	}
	return ght / s
}
