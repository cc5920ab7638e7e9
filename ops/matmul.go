package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
)

// matMulOp is the matrix product C = op(A)·op(B), where op transposes its
// argument when the matching flag is set. All matrices are row-major; the
// CPU kernel is the BLAS of gonum's blas64 / blas32 (package gemm by default,
// see blas.go).
type matMulOp struct {
	output
	transA, transB bool

	at   []float64 // scratch for Aᵀ (float64), see UsePreallocDo
	at32 []float32
}

// MatMul returns the node C = op(a)·op(b). op(a) is aᵀ when transA is set and
// a otherwise, and likewise for b. The inner dimensions must agree.
func MatMul(a, b *gorgonia.Node, transA, transB bool) (*gorgonia.Node, error) {
	return apply(&matMulOp{transA: transA, transB: transB}, a, b)
}

func (o *matMulOp) Arity() int    { return 2 }
func (o *matMulOp) Type() hm.Type { return fnType(2, 2, 2) }

func (o *matMulOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 2, ds)
	if err != nil {
		return nil, err
	}
	m, k, k2, n, err := o.dims(ss[0], ss[1])
	if err != nil {
		return nil, err
	}
	if k != k2 {
		return nil, errors.Errorf("ops: %v: inner dimensions %d and %d differ (shapes %v, %v)", o, k, k2, ss[0], ss[1])
	}
	return tensor.Shape{m, n}, nil
}

// dims returns op(A) = m×k and op(B) = k2×n.
func (o *matMulOp) dims(a, b tensor.Shape) (m, k, k2, n int, err error) {
	if len(a) != 2 || len(b) != 2 {
		return 0, 0, 0, 0, errors.Errorf("ops: %v: want matrices, got shapes %v and %v", o, a, b)
	}
	m, k = a[0], a[1]
	if o.transA {
		m, k = k, m
	}
	k2, n = b[0], b[1]
	if o.transB {
		k2, n = n, k2
	}
	return m, k, k2, n, nil
}

func (o *matMulOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return o.UsePreallocDo(nil, vs...)
}

// UsePreallocDo computes the product into prealloc when it fits.
func (o *matMulOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.String(), []int{2, 2}, vs)
	if err != nil {
		return nil, err
	}
	a, b := ts[0], ts[1]
	m, k, k2, n, err := o.dims(a.Shape(), b.Shape())
	if err != nil {
		return nil, err
	}
	if k != k2 {
		return nil, errors.Errorf("ops: %v: inner dimensions %d and %d differ", o, k, k2)
	}
	if v, ok, err := o.onDevice(o.String(), ts, prealloc, dt, tensor.Shape{m, n}, func(d deviceKernels, c *tensor.Dense) error {
		return d.matMul(c, a, b, o.transA, o.transB, m, n, k)
	}); ok {
		return v, err
	}
	c := o.dst(prealloc, dt, tensor.Shape{m, n})
	o.gemm(c, a, b, dt, m, n, k)
	return c, nil
}

// gemm is the CPU half of UsePreallocDo: c (m×n) = op(a)·op(b), with inner
// dimension k.
func (o *matMulOp) gemm(c, a, b *tensor.Dense, dt tensor.Dtype, m, n, k int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if o.transA {
		ta = blas.Trans
	}
	if o.transB {
		tb = blas.Trans
	}
	as, bs := a.Shape(), b.Shape()
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		c.Zero()
		return
	}
	// gonum's product with a transposed first operand and a plain second one
	// runs at about half the speed of the plain one; transposing A into
	// scratch first (K·N copies against K·N·B multiply-adds) is faster.
	// Package gemm packs a transposed A itself.
	var ad64 []float64
	var ad32 []float32
	if ta == blas.Trans && tb == blas.NoTrans && !gemm.Registered() {
		ta, as = blas.NoTrans, tensor.Shape{as[1], as[0]}
		if dt == tensor.Float64 {
			o.at = transpose(o.at, f64(a), as[1], as[0])
			ad64 = o.at
		} else {
			o.at32 = transpose(o.at32, f32(a), as[1], as[0])
			ad32 = o.at32
		}
	} else if dt == tensor.Float64 {
		ad64 = f64(a)
	} else {
		ad32 = f32(a)
	}
	switch dt {
	case tensor.Float64:
		blas64.Gemm(ta, tb, 1,
			blas64.General{Rows: as[0], Cols: as[1], Stride: as[1], Data: ad64},
			blas64.General{Rows: bs[0], Cols: bs[1], Stride: bs[1], Data: f64(b)},
			0, blas64.General{Rows: m, Cols: n, Stride: n, Data: f64(c)})
	default:
		blas32.Gemm(ta, tb, 1,
			blas32.General{Rows: as[0], Cols: as[1], Stride: as[1], Data: ad32},
			blas32.General{Rows: bs[0], Cols: bs[1], Stride: bs[1], Data: f32(b)},
			0, blas32.General{Rows: m, Cols: n, Stride: n, Data: f32(c)})
	}
}

// transpose returns the c×r transpose of the r×c matrix a in dst, grown as needed.
func transpose[T Float](dst, a []T, r, c int) []T {
	if cap(dst) < r*c {
		dst = make([]T, r*c)
	}
	dst = dst[:r*c]
	const tile = 32
	for i0 := 0; i0 < r; i0 += tile {
		for j0 := 0; j0 < c; j0 += tile {
			for i := i0; i < min(i0+tile, r); i++ {
				for j := j0; j < min(j0+tile, c); j++ {
					dst[j*r+i] = a[i*c+j]
				}
			}
		}
	}
	return dst
}

func (o *matMulOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *matMulOp) Hashcode() uint32      { return hashOf(o) }
func (o *matMulOp) String() string {
	return fmt.Sprintf("MatMul{transA=%t, transB=%t}", o.transA, o.transB)
}

var _ gorgonia.UsePreallocDoer = (*matMulOp)(nil)
