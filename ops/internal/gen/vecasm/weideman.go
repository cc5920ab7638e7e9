package main

import "math"

// weideman returns the coefficients a[0…n-1] and the constant L of the
// rational approximation of erfcx on t ≥ 0 (Weideman 1994, specialised to
// the imaginary axis of the Faddeeva function, erfcx(t) = w(it)):
//
//	erfcx(t) ≈ r·(1/√π + 2r·Σ_j a[j]·Zʲ),   r = 1/(L + t),  Z = (L − t)·r ∈ (−1, 1].
//
// The a[j] are the Fourier coefficients of exp(−τ²)·(L² + τ²) on the
// circle τ = L·tan(θ/2), computed with a 4n-point discrete Fourier sum.
// scale multiplies Weideman's L = √(n/√2), which is tuned for the whole
// upper half-plane; on the real half-line alone another L does better (see
// the elem table in main.go).
func weideman(n int, scale float64) (a []float64, L float64) {
	m := 2 * n
	m2 := 2 * m
	L = scale * math.Sqrt(float64(n)/math.Sqrt2)
	f := make([]float64, m2) // f[j]: the sample at θ = (j − m)·π/m, rotated by m
	for j := 1; j < m2; j++ {
		tau := L * math.Tan(float64(j-m)*math.Pi/float64(m)/2)
		f[(j+m)%m2] = math.Exp(-tau*tau) * (L*L + tau*tau)
	}
	a = make([]float64, n)
	for k := 1; k <= n; k++ {
		var s float64
		for j, v := range f {
			s += v * math.Cos(2*math.Pi*float64(k*j%m2)/float64(m2))
		}
		a[k-1] = s / float64(m2)
	}
	return a, L
}
