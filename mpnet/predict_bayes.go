package mpnet

import (
	"sync"

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
	m0, vari0 []T // the first layer's means and variances, K×N
	n0        int // the first layer's N
	// Sets the first layer's mt, sqt, rowSum and floor, which only a dense
	// first layer reads, when one does (not on sparse inputs).
	dense0 sync.Once
	// Per layer, N×K, the matrices the products multiply by (transposed, so
	// that the matrix products read them row by row): the means, and the
	// variances for the first layer (Δ = 0 there), the squared means for
	// the others.
	mt, sqt [][]T
	rowSum  [][]T // per layer, K: the row sums of the variances, plus the floor
	floor   [][]T // per layer, K: the variance floor ops.VarianceFloor
}

// newBayesWeights prepares the Bayesian weights of net from the means and
// variances of its layers (K×N each, read only; the first layer's are
// kept), a layer per goroutine; the first layer's dense form waits for
// its first use (denseFirst).
func newBayesWeights[T ops.Float](net *Network, mean, vari [][]T) *bayesWeights[T] {
	L := net.L()
	bw := &bayesWeights[T]{m0: mean[0], vari0: vari[0], n0: net.layers[0].N, mt: make([][]T, L),
		sqt: make([][]T, L), rowSum: make([][]T, L), floor: make([][]T, L)}
	forEach(L-1, func() func(int) {
		return func(l int) { bw.setLayer(l+1, net.layers[l+1].K, net.layers[l+1].N, mean[l+1], vari[l+1]) }
	})
	return bw
}

// denseFirst prepares the first layer for the dense products, once.
func (bw *bayesWeights[T]) denseFirst() {
	bw.dense0.Do(func() { bw.setLayer(0, len(bw.m0)/bw.n0, bw.n0, bw.m0, bw.vari0) })
}

// transposeRows is the number of rows that setLayer transposes together:
// it reads them side by side, each line of them from the L1 cache once
// loaded, and writes a run of transposeRows values of each output row.
const transposeRows = 8

// setLayer sets mt, sqt, rowSum and floor of layer l from its means m and
// variances vari (K×N). Each row sum is taken in ascending i, in T.
func (bw *bayesWeights[T]) setLayer(l, K, N int, m, vari []T) {
	mt, sqt := make([]T, K*N), make([]T, K*N)
	rowSum, floor := make([]T, K), make([]T, K)
	var sums [transposeRows]T
	for k0 := 0; k0 < K; k0 += transposeRows {
		rows := min(transposeRows, K-k0)
		for k := range rows {
			sums[k], floor[k0+k] = T(ops.VarianceFloor), T(ops.VarianceFloor)
		}
		for i := range N {
			out, sqOut := mt[i*K+k0:i*K+k0+rows], sqt[i*K+k0:i*K+k0+rows]
			for k := range out {
				v, s := m[(k0+k)*N+i], vari[(k0+k)*N+i]
				out[k] = v
				if l == 0 {
					sqOut[k] = s
				} else {
					sqOut[k] = v * v
				}
				sums[k] += s
			}
		}
		copy(rowSum[k0:], sums[:rows])
	}
	bw.mt[l], bw.sqt[l], bw.rowSum[l], bw.floor[l] = mt, sqt, rowSum, floor
}

// convert returns the values of v in the float type T.
func convert[T, S ops.Float](v []S) []T {
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
		bw.denseFirst()
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
