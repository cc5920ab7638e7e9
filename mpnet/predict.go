package mpnet

import (
	"math"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/ops"
)

// predictChunk is the number of samples propagated together.
const predictChunk = 1024

// tieBreak is added to pre-activations before taking their sign, so that
// ties go to +1 (ALGORITHMS §12.1).
const tieBreak = 1e-10

// Predict writes the point-wise prediction of each of the M = len(dst)
// samples in x (M×N_0, one sample per row) into dst: the network with
// weights W_l = sign(m_l)·mask_l (W_l = m_l·mask_l for a CBPI layer, whose
// weights are continuous) and sign activations (ALGORITHMS §12.1).
// Predictions are ±1 for a sign output and class indices for ArgMax
// (the first maximum on ties).
func (net *Network) Predict(dst []int, x []float64) error {
	return net.predict(dst, x, false)
}

// PredictBayes writes the Bayesian predictions of ALGORITHMS §12.2: one
// moment-propagation pass through the factorised weight posterior,
//
//	ω = m x̂,  s² = σ x̂² + m² Δ + σ Δ + 1e-8,  x̂ ← 2H(−ω/s) − 1,  Δ ← 1 − x̂²,
//
// starting from x̂ = x, Δ = 0; the prediction is sign(x̂_L) or argmax_k x̂_L[k].
func (net *Network) PredictBayes(dst []int, x []float64) error {
	return net.predict(dst, x, true)
}

func (net *Network) predict(dst []int, x []float64, bayes bool) error {
	if err := net.ready(); err != nil {
		return err
	}
	N0 := net.cfg.Widths[0]
	M := len(dst)
	if len(x) != M*N0 {
		return errors.Errorf("mpnet: predict: %d samples need %d inputs, got %d", M, M*N0, len(x))
	}
	// Weights as float64: point-wise sign(m)·mask, or the means and variances.
	mean := make([][]float64, net.L())
	vari := make([][]float64, net.L())
	for l, ly := range net.layers {
		mean[l] = ly.full(ly.m) // a copy
		if bayes {
			vari[l] = ly.full(ly.sigma)
		} else {
			ly.rule.pointWeights(mean[l]) // sign(m), or m for Gaussian weights (§12.1)
		}
	}
	if err := net.devErr(); err != nil {
		return err
	}
	for lo := 0; lo < M; lo += predictChunk {
		hi := min(lo+predictChunk, M)
		net.predictChunk(dst[lo:hi], x[lo*N0:hi*N0], mean, vari, bayes)
	}
	return nil
}

// gemmNT sets c (r×K) = a (r×N) · bᵀ (b is K×N).
func gemmNT(c, a, b []float64, r, N, K int) {
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: r, Cols: N, Stride: N, Data: a},
		blas64.General{Rows: K, Cols: N, Stride: N, Data: b},
		0, blas64.General{Rows: r, Cols: K, Stride: K, Data: c})
}

func (net *Network) predictChunk(dst []int, x []float64, mean, vari [][]float64, bayes bool) {
	r := len(dst)
	h := append([]float64(nil), x...)
	var delta []float64 // nil: Δ = 0
	for l, ly := range net.layers {
		K, N := ly.K, ly.N
		z := make([]float64, r*K)
		gemmNT(z, h, mean[l], r, N, K)
		if !bayes {
			if ly.last {
				h = z
				break
			}
			for j, v := range z {
				z[j] = sign(v + tieBreak)
			}
			h = z
			continue
		}
		// s² = (x̂² + Δ)σᵀ + Δ(m²)ᵀ + 1e-8. Below a sign layer x̂² + Δ = 1,
		// so the first product is the row sum of σ; on the inputs Δ = 0.
		s2 := make([]float64, r*K)
		if delta == nil {
			x2 := make([]float64, r*N)
			for j, v := range h {
				x2[j] = v * v
			}
			gemmNT(s2, x2, vari[l], r, N, K)
		} else {
			m2 := make([]float64, len(mean[l]))
			for j, v := range mean[l] {
				m2[j] = v * v
			}
			gemmNT(s2, delta, m2, r, N, K)
			rowSum := make([]float64, K)
			for k := range rowSum {
				for _, v := range vari[l][k*N : (k+1)*N] {
					rowSum[k] += v
				}
			}
			for j := range s2 {
				s2[j] += rowSum[j%K]
			}
		}
		delta = make([]float64, r*K)
		for j := range z {
			p := ops.H(-z[j] / math.Sqrt(s2[j]+ops.VarianceFloor))
			z[j] = 2*p - 1
			delta[j] = 1 - z[j]*z[j]
		}
		h = z
	}
	tie := 0.0
	if !bayes {
		tie = tieBreak
	}
	Decide(dst, h, net.layers[net.L()-1].K, tie)
}

// Decide writes the prediction for each of the len(dst) rows of scores
// (K values per row, row-major): for K = 1 the sign of the score plus tie
// (±1, 0 for an exact zero), otherwise the index of the first maximum
// (ALGORITHMS §12). Every trainer of the module decides this way. Rows
// that scores does not hold, and every row when K < 1, are left unchanged.
func Decide(dst []int, scores []float64, K int, tie float64) {
	if K < 1 {
		return
	}
	for n := range dst[:min(len(dst), len(scores)/K)] {
		row := scores[n*K : (n+1)*K]
		if K == 1 {
			dst[n] = int(sign(row[0] + tie))
			continue
		}
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		dst[n] = best
	}
}

// Sign returns +1 for v > 0, −1 for v < 0 and 0 for 0 (and NaN): the sign
// of point-wise weights and activations (ALGORITHMS §12.1).
func Sign(v float64) float64 { return sign(v) }

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// Errors returns the point-wise and Bayesian error rates, in percent, of the
// network on the samples x (M×N_0) with labels y (±1 or class indices).
func (net *Network) Errors(x []float64, y []int) (pointwise, bayes float64, err error) {
	if len(y) == 0 {
		return 0, 0, errors.New("mpnet: Errors: no samples")
	}
	pred := make([]int, len(y))
	rate := func() float64 {
		wrong := 0
		for n, p := range pred {
			if p != y[n] {
				wrong++
			}
		}
		return 100 * float64(wrong) / float64(len(y))
	}
	if err := net.Predict(pred, x); err != nil {
		return 0, 0, err
	}
	pointwise = rate()
	if err := net.PredictBayes(pred, x); err != nil {
		return 0, 0, err
	}
	return pointwise, rate(), nil
}
