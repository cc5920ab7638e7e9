package mpnet

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/ops"
)

// bayesWeights are the weights of the Bayesian prediction (ALGORITHMS
// §12.2) in the float type T of the network's messages: a float32 network
// holds its means and variances in float32, and its prediction runs on the
// twice faster float32 products (the results differ from a float64 pass by
// the float32 rounding of the sums).
type bayesWeights[T ops.Float] struct {
	m, vari [][]T // per layer, K×N: means and variances
	// Per layer, N×K, the matrices the products multiply by (transposed, so
	// that the matrix products read them row by row): the means, and the
	// variances for the first layer (Δ = 0 there), the squared means for
	// the others.
	mt, sqt [][]T
	rowSum  [][]T // per layer, K: the row sums of the variances, plus the floor
	floor   [][]T // per layer, K: the variance floor ops.VarianceFloor
}

// newBayesWeights converts the means and variances of the layers of net.
func newBayesWeights[T ops.Float](net *Network, mean, vari [][]float64) *bayesWeights[T] {
	L := net.L()
	bw := &bayesWeights[T]{m: make([][]T, L), vari: make([][]T, L), mt: make([][]T, L), sqt: make([][]T, L),
		rowSum: make([][]T, L), floor: make([][]T, L)}
	for l, ly := range net.layers {
		K, N := ly.K, ly.N
		bw.m[l], bw.vari[l] = convert[T](mean[l]), convert[T](vari[l])
		bw.mt[l], bw.sqt[l] = make([]T, K*N), make([]T, K*N)
		bw.rowSum[l], bw.floor[l] = make([]T, K), make([]T, K)
		for k := range K {
			s := T(ops.VarianceFloor)
			for i, v := range bw.m[l][k*N : (k+1)*N] {
				bw.mt[l][i*K+k] = v
				sq := v * v
				if l == 0 {
					sq = bw.vari[l][k*N+i]
				}
				bw.sqt[l][i*K+k] = sq
				s += bw.vari[l][k*N+i]
			}
			bw.rowSum[l][k], bw.floor[l][k] = s, T(ops.VarianceFloor)
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

// gemmOf sets c (r×K) = a (r×N, rows lda apart) · b (N×K) + β·c in
// float32 or float64.
func gemmOf[T ops.Float](c, a, b []T, r, N, K, lda int, beta T) {
	switch c := any(c).(type) {
	case []float64:
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: r, Cols: N, Stride: lda, Data: any(a).([]float64)},
			blas64.General{Rows: N, Cols: K, Stride: K, Data: any(b).([]float64)},
			float64(beta), blas64.General{Rows: r, Cols: K, Stride: K, Data: c})
	case []float32:
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas32.General{Rows: r, Cols: N, Stride: lda, Data: any(a).([]float32)},
			blas32.General{Rows: N, Cols: K, Stride: K, Data: any(b).([]float32)},
			float32(beta), blas32.General{Rows: r, Cols: K, Stride: K, Data: c})
	}
}

// bayesScratch is the scratch space of the Bayesian pass of one goroutine.
type bayesScratch[T ops.Float] struct {
	vals, out       []T // sparse first layer: the values and the products
	h, x2, z, s2, d []T // activations, squared inputs, ω, s², Δ
	h2, d2          []T // the activations and Δ of the layer below
}

// scores returns, in dst (reallocated if too short), the outputs x̂_L
// (r×K_L) of the r samples x. The first layer runs on the foreground
// entries sp with the product first when both are not nil, on the dense
// inputs otherwise.
func (bw *bayesWeights[T]) scores(ws *bayesScratch[T], dst []float64, net *Network, x []float64, r int,
	sp *sparseInputs, first *ops.SparseProduct[T]) []float64 {
	var h, delta []T // x̂ and Δ of the layer below (rows ld apart); Δ = nil: 0
	ld, start := net.cfg.Widths[0], 0
	if sp != nil && first != nil {
		h, delta, ld = bw.sparseFirst(ws, first, sp, net.layers[0].K, r), ws.d2, first.Stride()/2
		start = 1
	} else {
		ws.h2 = growSlice(ws.h2, len(x))
		for j, v := range x {
			ws.h2[j] = T(v)
		}
		h = ws.h2
	}
	for l, ly := range net.layers[start:] {
		l += start
		K, N := ly.K, ly.N
		z, s2 := growSlice(ws.z, r*K), growSlice(ws.s2, r*K)
		ws.z, ws.s2 = z, s2
		gemmOf(z, h, bw.mt[l], r, N, K, ld, 0)
		// s² = (x̂² + Δ)σᵀ + Δ(m²)ᵀ + floor. Below a sign layer x̂² + Δ = 1,
		// so the first product is the row sum of σ; on the inputs Δ = 0.
		if delta == nil {
			x2 := growSlice(ws.x2, r*N)
			ws.x2 = x2
			for j, v := range h[:r*N] {
				x2[j] = v * v
			}
			fillRows(s2, bw.floor[l])
			gemmOf(s2, x2, bw.sqt[l], r, N, K, N, 1)
		} else {
			fillRows(s2, bw.rowSum[l])
			gemmOf(s2, delta, bw.sqt[l], r, N, K, ld, 1)
		}
		ws.h, ws.d = growSlice(ws.h, r*K), growSlice(ws.d, r*K)
		ops.ErfRatio(ws.h, ws.d, z, s2) // x̂ = 2H(−ω/s) − 1 = erf(ω/(s√2))
		h, delta, ld = ws.h, ws.d, K
		ws.h, ws.h2, ws.d, ws.d2 = ws.h2, ws.h, ws.d2, ws.d
	}
	dst = growSlice(dst, len(h[:r*ld]))
	for j, v := range h[:r*ld] {
		dst[j] = float64(v)
	}
	return dst
}

// fillRows sets the rows of s to row.
func fillRows[T any](s, row []T) {
	for j := 0; j < len(s); j += len(row) {
		copy(s[j:], row)
	}
}

// sparseFirst runs the first layer on the foreground entries sp of r
// samples: it returns x̂ (r rows of kp, kp ≥ K) and leaves Δ in ws.d2.
func (bw *bayesWeights[T]) sparseFirst(ws *bayesScratch[T], first *ops.SparseProduct[T], sp *sparseInputs, K, r int) []T {
	stride := first.Stride()
	kp := stride / 2
	ws.vals = bayesVals(ws.vals, sp)
	ws.out = growSlice(ws.out, r*stride)
	if err := first.Apply(ws.out, sp.idx, ws.vals, sp.starts); err != nil {
		panic(err) // the entries come from build: a bug
	}
	ws.h2, ws.d2 = growSlice(ws.h2, r*kp), growSlice(ws.d2, r*kp)
	for j := range r {
		row := ws.out[j*stride : (j+1)*stride]
		ops.ErfRatio(ws.h2[j*kp:(j+1)*kp], ws.d2[j*kp:(j+1)*kp], row[:kp], row[kp:])
	}
	return ws.h2
}
