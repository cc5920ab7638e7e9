package ops

import "gorgonia.org/gorgonia"

// This file holds the element-wise updates of the continuous-weight BPI
// layer (ALGORITHMS §4.2, §7.6): Gaussian weights with natural parameters
// H (linear field) and Ω (precision), mean m = H/Ω and variance σ = 1/Ω.
// The cavity contractions Hin and B of that layer are those of BPI
// (BPICavity); the products Γ(x̂² + Δ)ᵀ and (g²)Δᵀ are MatMul.

// PrecisionFloor is the lower bound 1e-6 on the precision Ω of a Gaussian
// weight (ALGORITHMS §4.2): it keeps m = H/Ω and σ = 1/Ω finite when the
// data term Ωin is negative (Γ < g² for inputs with Δ > 0).
const PrecisionFloor = 1e-6

// FiniteGamma returns the node Γ = g(ω/V + g) of the sign channel with every
// non-finite entry set to 0 (ALGORITHMS §7.6: the reference zeroes them).
func FiniteGamma(g, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(finiteGammaK, g, omega, v)
}

var finiteGammaK = newKernel("FiniteGamma", 3, 0, 3, finiteGamma[float64], finiteGamma[float32])

// finiteGamma: dst = g·(ω/V + g), or 0 where that is NaN or ±Inf.
func finiteGamma[T Float](dst []T, in [][]T, _ []T) {
	g, omega, v := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)]
	for j := range dst {
		x := g[j] * (omega[j]/v[j] + g[j])
		if x-x != 0 { // NaN or ±Inf
			x = 0
		}
		dst[j] = x
	}
}

// Precision returns the node of the posterior precision of a Gaussian weight
// after one backward step (ALGORITHMS §7.6, §10.2):
//
//	Ω = max(1e-6, Ωin + Ωext + r·Ω_old),   Ωin = a − b,
//
// where a = Γ(x̂² + Δ)ᵀ and b = (g²)Δᵀ are the two K×N products of the
// data term and r is a scalar (the reinforcement).
func Precision(a, b, omegaExt, omegaOld, r *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(precisionK, a, b, omegaExt, omegaOld, r)
}

var precisionK = newKernel("Precision", 4, 1, 2, precision[float64], precision[float32])

// precision: dst = max(PrecisionFloor, a − b + Ωext + r·Ωold). A NaN stays NaN.
func precision[T Float](dst []T, in [][]T, p []T) {
	a, b, ext, old, r := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], in[3][:len(dst)], p[0]
	for j := range dst {
		x := a[j] - b[j] + ext[j] + r*old[j]
		if x < PrecisionFloor {
			x = PrecisionFloor
		}
		dst[j] = x
	}
}

// DampedGaussianMean returns the node (ψ·m + (1−ψ)·H/Ω) ⊙ mask: the damped
// mean of a Gaussian weight with field H and precision Ω (ALGORITHMS §7.6,
// §10.1); psi is a scalar.
func DampedGaussianMean(m, h, omega, mask, psi *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(dampedGaussianMeanK, m, h, omega, mask, psi)
}

var dampedGaussianMeanK = newKernel("DampedGaussianMean", 4, 1, 3, dampedGaussianMean[float64], dampedGaussianMean[float32])

// dampedGaussianMean: dst = (ψ·m + (1−ψ)·H/Ω)·mask.
func dampedGaussianMean[T Float](dst []T, in [][]T, p []T) {
	m, h, omega, mask, psi := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], in[3][:len(dst)], p[0]
	for j := range dst {
		dst[j] = (psi*m[j] + (1-psi)*(h[j]/omega[j])) * mask[j]
	}
}

// GaussianVariance returns the node σ = (1/Ω) ⊙ mask, the variance of a
// Gaussian weight of precision Ω (ALGORITHMS §4.2, §4.3; not damped).
func GaussianVariance(omega, mask *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(gaussianVarianceK, omega, mask)
}

var gaussianVarianceK = newKernel("GaussianVariance", 2, 0, 2, gaussianVariance[float64], gaussianVariance[float32])

// gaussianVariance: dst = mask/Ω.
func gaussianVariance[T Float](dst []T, in [][]T, _ []T) {
	omega, mask := in[0][:len(dst)], in[1][:len(dst)]
	for j := range dst {
		dst[j] = mask[j] / omega[j]
	}
}
