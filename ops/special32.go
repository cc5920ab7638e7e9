package ops

// Float32 twins of the special functions in special.go and special_sign.go.
// Each evaluates the float64 version on the exactly widened arguments and
// rounds the result once, so it is correctly rounded up to the float64 error
// (relative error ≤ 1e-5 is what the tests check; measured ≤ 6e-8, i.e. ½ ulp
// plus a hair). Overflow and underflow happen where the float32 result
// leaves the float32 range: for example Erfcx32(x) = +Inf for x < -9.38,
// where 2·exp(x²) exceeds MaxFloat32, and H32(x) is subnormal for x > 12.95
// and 0 for x > 14.18. The special cases are those of the float64 versions.
// ALGORITHMS §3 (on CUDA, the kernels call the device library's erfcxf).

// Erfcx32 returns exp(x²)·erfc(x) in float32; see Erfcx.
//
//	Erfcx32(x) = +Inf for x < -9.38 (overflow)
func Erfcx32(x float32) float32 { return float32(Erfcx(float64(x))) }

// G32 returns the standard normal density exp(-x²/2)/√(2π) in float32; see G.
func G32(x float32) float32 { return float32(G(float64(x))) }

// H32 returns the normal upper tail erfc(x/√2)/2 in float32; see H.
func H32(x float32) float32 { return float32(H(float64(x))) }

// GH32 returns the inverse Mills ratio G(x)/H(x) in float32; see GH.
//
//	GH32(x) is subnormal for x < -13.15 and 0 for x < -14.36 (underflow)
func GH32(x float32) float32 { return float32(GH(float64(x))) }

// LogH32 returns log H(x) in float32; see LogH.
func LogH32(x float32) float32 { return float32(LogH(float64(x))) }

// AtanhErf32 returns atanh(erf(x)) in float32; see AtanhErf.
//
//	AtanhErf32(x) = ±Inf for |x| > 1.8e19 (x² overflows)
func AtanhErf32(x float32) float32 { return float32(AtanhErf(float64(x))) }

// Atanh2Hm132 returns atanh(2H(x) - 1) = -atanh(erf(x/√2)) in float32; see
// Atanh2Hm1.
func Atanh2Hm132(x float32) float32 { return float32(Atanh2Hm1(float64(x))) }

// LogCosh32 returns log cosh x in float32; see LogCosh.
func LogCosh32(x float32) float32 { return float32(LogCosh(float64(x))) }

// Log2Cosh32 returns log(2 cosh x) in float32; see Log2Cosh.
func Log2Cosh32(x float32) float32 { return float32(Log2Cosh(float64(x))) }

// SignG32 returns the sign-channel g = ∂φ/∂ω in float32; see SignG.
func SignG32(btop, omega, s float32) float32 {
	return float32(SignG(float64(btop), float64(omega), float64(s)))
}

// SignGamma32 returns Γ = g·(ω/V + g) in float32; see SignGamma. It is
// evaluated in float64 so that ω/V + g does not lose float32 digits.
func SignGamma32(g, omega, v float32) float32 {
	return float32(SignGamma(float64(g), float64(omega), float64(v)))
}
