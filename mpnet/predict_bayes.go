package mpnet

import (
	"math"

	"github.com/fbpgo/fbp/ops"
)

// bayesTerms returns m² and the row sums of σ of a K×N layer with means m
// and variances σ.
func bayesTerms(m, vari []float64, K, N int) (m2, rowSum []float64) {
	m2 = make([]float64, len(m))
	for j, v := range m {
		m2[j] = v * v
	}
	rowSum = make([]float64, K)
	for k := range rowSum {
		for _, v := range vari[k*N : (k+1)*N] {
			rowSum[k] += v
		}
	}
	return m2, rowSum
}

// bayesChunk writes the Bayesian predictions (ALGORITHMS §12.2) of the
// len(dst) samples x.
func (p *predictor) bayesChunk(dst []int, x []float64) {
	r := len(dst)
	h := x
	var delta []float64 // nil: Δ = 0
	for l, ly := range p.net.layers {
		K, N := ly.K, ly.N
		z := make([]float64, r*K)
		gemmNT(z, h, p.w[l], r, N, K)
		// s² = (x̂² + Δ)σᵀ + Δ(m²)ᵀ + 1e-8. Below a sign layer x̂² + Δ = 1,
		// so the first product is the row sum of σ; on the inputs Δ = 0.
		s2 := make([]float64, r*K)
		if delta == nil {
			x2 := make([]float64, r*N)
			for j, v := range h {
				x2[j] = v * v
			}
			gemmNT(s2, x2, p.vari[l], r, N, K)
		} else {
			gemmNT(s2, delta, p.m2[l], r, N, K)
			rowSum := p.rowSum[l]
			for j := range s2 {
				s2[j] += rowSum[j%K]
			}
		}
		delta = make([]float64, r*K)
		for j := range z {
			q := ops.H(-z[j] / math.Sqrt(s2[j]+ops.VarianceFloor))
			z[j] = 2*q - 1
			delta[j] = 1 - z[j]*z[j]
		}
		h = z
	}
	Decide(dst, h, p.net.layers[p.net.L()-1].K, 0)
}
