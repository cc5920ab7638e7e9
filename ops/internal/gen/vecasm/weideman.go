package main

import "math"

// weideman returns the coefficients a[0…n-1] and the constant L of the
// rational approximation of erfcx on t ≥ 0 in the form of Weideman (1994,
// specialised to the imaginary axis of the Faddeeva function,
// erfcx(t) = w(it)):
//
//	erfcx(t) ≈ r·(1/√π + 2r·P(Z)),   P(Z) = Σ_j a[j]·Zʲ,   r = 1/(L + t),  Z = (L − t)·r ∈ (−1, 1].
//
// L = scale·√(n/√2) (Weideman's L times scale, see the elem table in
// main.go). Weideman takes the a[j] from a discrete Fourier sum, which is
// tuned for the whole upper half-plane; on the real half-line a fit does
// far better: 18 fitted terms are as accurate as 30 of his (2e-14). The
// a[j] here minimise the largest relative error of erfcx at the Chebyshev
// points of Z (see fitErfcx); the results are cached.
func weideman(n int, scale float64) (a []float64, L float64) {
	key := weidemanKey{n, scale}
	if a, ok := weidemanCache[key]; ok {
		return a, key.L()
	}
	a = fitErfcx(n, key.L())
	weidemanCache[key] = a
	return a, key.L()
}

type weidemanKey struct {
	n     int
	scale float64
}

// L returns Weideman's constant times the scale.
func (k weidemanKey) L() float64 { return k.scale * math.Sqrt(float64(k.n)/math.Sqrt2) }

var weidemanCache = map[weidemanKey][]float64{}

// Sizes of the fit of fitErfcx: Chebyshev points in Z, and rounds of
// Lawson's reweighting.
const (
	fitPoints = 1500
	fitRounds = 8
)

// fitErfcx returns the n coefficients of P for the constant L. Writing the
// relative error of erfcx at t as
//
//	e(t) = w(t)·(P̃(Z) − P(Z)),   w(t) = 2r²/erfcx(t),   P(Z) = (erfcx(t)/r − 1/√π)/(2r),
//
// it solves the least-squares problem Σ λᵢ·e(tᵢ)² → min over the a[j] at
// the Chebyshev points Zᵢ of [−1, 1] (tᵢ = L·(1 − Zᵢ)/(1 + Zᵢ)), with
// Lawson's weights λᵢ (multiplied by |e(tᵢ)| after each round), which
// drive the solution towards the minimax one.
func fitErfcx(n int, L float64) []float64 {
	A := make([][]float64, fitPoints)
	b := make([]float64, fitPoints)
	w := make([]float64, fitPoints)
	pt := make([]float64, fitPoints)
	zs := make([]float64, fitPoints)
	lambda := make([]float64, fitPoints)
	for i := range zs {
		zs[i] = math.Cos(math.Pi * (float64(i) + 0.5) / fitPoints)
		t := L * (1 - zs[i]) / (1 + zs[i])
		r, e := 1/(L+t), erfcxRef(t)
		w[i], pt[i] = 2*r*r/e, (e/r-1/math.SqrtPi)/(2*r)
		lambda[i] = 1
	}
	var a []float64
	for range fitRounds {
		for i, z := range zs {
			s := w[i] * math.Sqrt(lambda[i])
			A[i] = make([]float64, n)
			for j, p := 0, s; j < n; j, p = j+1, p*z {
				A[i][j] = p
			}
			b[i] = s * pt[i]
		}
		a = leastSquares(A, b)
		var sum float64
		for i, z := range zs {
			lambda[i] *= math.Abs(w[i] * (horner(a, z) - pt[i]))
			sum += lambda[i]
		}
		for i := range lambda {
			lambda[i] *= fitPoints / sum
		}
	}
	return a
}

// horner returns Σ_j a[j]·zʲ.
func horner(a []float64, z float64) float64 {
	var p float64
	for j := len(a) - 1; j >= 0; j-- {
		p = p*z + a[j]
	}
	return p
}

// erfcxRef returns erfcx(t) for t ≥ 0 to a few ulps: erfc(t)·exp(t²) below
// 2, with t² split exactly into hi + lo and exp(t²) = exp(hi)·(1 + lo), and
// Laplace's continued fraction
// erfcx(t) = (1/√π)/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))) beyond, 4000
// levels deep.
func erfcxRef(t float64) float64 {
	if t < 2 {
		hi := t * t
		lo := math.FMA(t, t, -hi)
		return math.Erfc(t) * math.Exp(hi) * (1 + lo)
	}
	f := t
	for k := 4000; k >= 1; k-- {
		f = t + float64(k)/2/f
	}
	return 1 / math.SqrtPi / f
}
