package mpnet

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Overlaps holds the diagnostics of one layer (ALGORITHMS §13), computed
// from its K×N means m and divided by the full fan-in N:
//
//	q0[k]     = (1/N) Σ_i m[k,i]²
//	qab[k,p]  = (1/N) Σ_i m[k,i]·m[p,i]
type Overlaps struct {
	Q0      []float64 // q0[k], the polarization of each unit
	MeanQ0  float64   // mean_k q0[k]
	MeanQab float64   // mean of the whole K×K matrix qab, diagonal included (the reference's log)
	OffDiag float64   // mean of qab over k ≠ p (0 when K = 1)
}

// Overlaps returns the polarization and overlap diagnostics of layer l.
func (net *Network) Overlaps(l int) Overlaps {
	ly := net.layer(l)
	if ly == nil {
		return Overlaps{}
	}
	K, N := ly.K, ly.N
	m := ly.full(ly.m)
	q := make([]float64, K*K)
	a := blas64.General{Rows: K, Cols: N, Stride: N, Data: m}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1/float64(N), a, a, 0, blas64.General{Rows: K, Cols: K, Stride: K, Data: q})
	o := Overlaps{Q0: make([]float64, K)}
	var all, diag float64
	for k := 0; k < K; k++ {
		o.Q0[k] = q[k*K+k]
		diag += q[k*K+k]
	}
	for _, v := range q {
		all += v
	}
	o.MeanQ0 = diag / float64(K)
	o.MeanQab = all / float64(K*K)
	if K > 1 {
		o.OffDiag = (all - diag) / float64(K*(K-1))
	}
	return o
}
