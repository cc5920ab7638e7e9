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
// far better: 19 fitted terms are more accurate than 30 of his (6e-15
// against 1.7e-14). The
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

// fitPoints is the number of Chebyshev points fitErfcx fits at.
const fitPoints = 1500

// fitErfcx returns the n coefficients of P for the constant L. Writing the
// relative error of erfcx at t as
//
//	e(t) = w(t)·(P̃(Z) − P(Z)),   w(t) = 2r²/erfcx(t),   P(Z) = (erfcx(t)/r − 1/√π)/(2r),
//
// it fits P at the Chebyshev points Zᵢ of [−1, 1] (tᵢ = L·(1 − Zᵢ)/(1 + Zᵢ))
// with weights w(tᵢ) (see minimax).
func fitErfcx(n int, L float64) []float64 {
	zs, w, pt := chebPoints(fitPoints, 1), make([]float64, fitPoints), make([]float64, fitPoints)
	for i, z := range zs {
		t := L * (1 - z) / (1 + z)
		r, e := 1/(L+t), erfcxRef(t)
		w[i], pt[i] = 2*r*r/e, (e/r-1/math.SqrtPi)/(2*r)
	}
	return minimax(n, zs, w, pt)
}

// chebPoints returns the m Chebyshev points of [−h, h].
func chebPoints(m int, h float64) []float64 {
	zs := make([]float64, m)
	for i := range zs {
		zs[i] = h * math.Cos(math.Pi*(float64(i)+0.5)/float64(m))
	}
	return zs
}

// minimaxRounds is the number of rounds of Lawson's reweighting. The fits
// here reach the rounding errors of float64 within a few rounds; past them,
// the weights follow that noise and the largest error grows again (12
// rounds: 4e-14 instead of 6e-15 for erfcx in float64).
const minimaxRounds = 6

// minimax returns the n coefficients a[j] of the polynomial that makes the
// weighted errors eᵢ = w[i]·(Σ_j a[j]·zᵢʲ − f[i]) nearly equioscillate: it
// solves the least-squares problem Σ λᵢ·eᵢ² → min, multiplies each λᵢ by
// |eᵢ| and solves again (Lawson's algorithm), which drives the solution
// towards the one of least max |eᵢ|.
func minimax(n int, z, w, f []float64) []float64 {
	m := len(z)
	A, b := make([][]float64, m), make([]float64, m)
	lambda := make([]float64, m)
	for i := range lambda {
		lambda[i] = 1
	}
	var a []float64
	for range minimaxRounds {
		for i := range z {
			s := w[i] * math.Sqrt(lambda[i])
			A[i] = make([]float64, n)
			for j, p := 0, s; j < n; j, p = j+1, p*z[i] {
				A[i][j] = p
			}
			b[i] = s * f[i]
		}
		a = leastSquares(A, b)
		var sum float64
		for i := range z {
			lambda[i] *= math.Abs(w[i] * (horner(a, z[i]) - f[i]))
			sum += lambda[i]
		}
		for i := range lambda {
			lambda[i] *= float64(m) / sum
		}
	}
	return a
}

// expCoef returns the coefficients of the polynomial of degree deg that
// approximates exp on |r| ≤ ln2/2 with the least largest relative error
// (minimax with weights 1/exp(r)): a small fraction of the Taylor
// polynomial's error, 1.6e-15 at degree 10 against 8.8e-15 for Taylor's at
// 11, 1.9e-9 at degree 6 against 5e-9 at 7.
func expCoef(deg int) []float64 {
	rs := chebPoints(2000, math.Ln2/2)
	w, f := make([]float64, len(rs)), make([]float64, len(rs))
	for i, r := range rs {
		f[i] = math.Exp(r)
		w[i] = 1 / f[i]
	}
	return minimax(deg+1, rs, w, f)
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
