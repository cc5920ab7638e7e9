//go:build fbpcuda

package ops

import (
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/tensor"
)

// devSlice32 and devSlice64 view device memory as Go slices for cu/blas,
// which passes &s[0] to cuBLAS; they must never be read from Go.
func devSlice32(t *tensor.Dense) []float32 {
	p := t.Uintptr()
	return unsafe.Slice(*(**float32)(unsafe.Pointer(&p)), t.Shape().TotalSize())
}

func devSlice64(t *tensor.Dense) []float64 {
	p := t.Uintptr()
	return unsafe.Slice(*(**float64)(unsafe.Pointer(&p)), t.Shape().TotalSize())
}

// matMul sets the row-major c (m×n) = op(a)·op(b) with cuBLAS, which is
// column-major: it computes cᵀ = op(b)ᵀ·op(a)ᵀ, swapping the operands.
func (d *CUDA) matMul(c, a, b *tensor.Dense, transA, transB bool, m, n, k int) error {
	if m == 0 || n == 0 {
		return d.err
	}
	if k == 0 {
		return d.Fill(c, 0)
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	lda, ldb := a.Shape()[1], b.Shape()[1]
	defer d.enter()()
	if d.err != nil {
		return d.err
	}
	if c.Dtype() == tensor.Float64 {
		d.blas.Dgemm(tb, ta, n, m, k, 1, devSlice64(b), ldb, devSlice64(a), lda, 0, devSlice64(c), n)
	} else {
		d.blas.Sgemm(tb, ta, n, m, k, 1, devSlice32(b), ldb, devSlice32(a), lda, 0, devSlice32(c), n)
	}
	return d.setErr(d.blas.Err(), "gemm")
}
