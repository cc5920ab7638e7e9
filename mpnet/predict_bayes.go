package mpnet

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/fbpgo/fbp/ops"
)

// bayesWeights are the weights of the Bayesian prediction (ALGORITHMS
// §12.2) in the float type T of the network's messages: a float32 network
// holds its means and variances in float32, and its prediction runs on the
// twice faster float32 products (the results differ from a float64 pass by
// the float32 rounding of the sums).
type bayesWeights[T ops.Float] struct {
	m, vari, m2 [][]T // per layer, K×N: means, variances, squared means
	rowSum      [][]T // per layer, K: the row sums of the variances
}

// newBayesWeights converts the means and variances of the layers of net.
func newBayesWeights[T ops.Float](net *Network, mean, vari [][]float64) *bayesWeights[T] {
	L := net.L()
	bw := &bayesWeights[T]{m: make([][]T, L), vari: make([][]T, L), m2: make([][]T, L), rowSum: make([][]T, L)}
	for l, ly := range net.layers {
		bw.m[l], bw.vari[l] = convert[T](mean[l]), convert[T](vari[l])
		bw.m2[l] = make([]T, len(mean[l]))
		for j, v := range bw.m[l] {
			bw.m2[l][j] = v * v
		}
		bw.rowSum[l] = make([]T, ly.K)
		for k := range bw.rowSum[l] {
			for _, v := range bw.vari[l][k*ly.N : (k+1)*ly.N] {
				bw.rowSum[l][k] += v
			}
		}
	}
	return bw
}

func convert[T ops.Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// gemmNTOf sets c (r×K) = a (r×N) · bᵀ (b is K×N) in float32 or float64.
func gemmNTOf[T ops.Float](c, a, b []T, r, N, K int) {
	switch c := any(c).(type) {
	case []float64:
		gemmNT(c, any(a).([]float64), any(b).([]float64), r, N, K)
	case []float32:
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: r, Cols: N, Stride: N, Data: any(a).([]float32)},
			blas32.General{Rows: K, Cols: N, Stride: N, Data: any(b).([]float32)},
			0, blas32.General{Rows: r, Cols: K, Stride: K, Data: c})
	}
}

// scores returns the outputs x̂_L (r×K_L) of the r samples x.
func (bw *bayesWeights[T]) scores(net *Network, x []float64, r int) []float64 {
	h := convert[T](x)
	var delta []T // nil: Δ = 0
	for l, ly := range net.layers {
		K, N := ly.K, ly.N
		z := make([]T, r*K)
		gemmNTOf(z, h, bw.m[l], r, N, K)
		// s² = (x̂² + Δ)σᵀ + Δ(m²)ᵀ + 1e-8. Below a sign layer x̂² + Δ = 1,
		// so the first product is the row sum of σ; on the inputs Δ = 0.
		s2 := make([]T, r*K)
		if delta == nil {
			x2 := make([]T, r*N)
			for j, v := range h {
				x2[j] = v * v
			}
			gemmNTOf(s2, x2, bw.vari[l], r, N, K)
		} else {
			gemmNTOf(s2, delta, bw.m2[l], r, N, K)
			rowSum := bw.rowSum[l]
			for j := range s2 {
				s2[j] += rowSum[j%K]
			}
		}
		// x̂ = 2H(−ω/s) − 1 = erf(ω/(s√2)).
		delta = make([]T, r*K)
		for j := range z {
			z[j] = T(math.Erf(float64(z[j]) / math.Sqrt(2*(float64(s2[j])+ops.VarianceFloor))))
			delta[j] = 1 - z[j]*z[j]
		}
		h = z
	}
	scores := make([]float64, len(h))
	for j, v := range h {
		scores[j] = float64(v)
	}
	return scores
}
