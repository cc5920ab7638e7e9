package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Pattern is the fixed sparsity pattern of a K×N weight matrix (its mask,
// ALGORITHMS §11), for layers that store only their nnz present weights.
// Weight-shaped state is then a vector of length nnz in row-major (CSR)
// order: entry p is weight (k, i) with RowPtr[k] ≤ p < RowPtr[k+1] and
// Col[p] = i. The column view (CSC) lists, for input i, the entries
// ColPos[ColPtr[i]:ColPtr[i+1]] with rows ColRow[...], so that contractions
// over k can be split over i without write conflicts.
type Pattern struct {
	K, N   int
	RowPtr []int32 // K+1 offsets into Col
	Col    []int32 // nnz column indices, increasing within a row
	ColPtr []int32 // N+1 offsets into ColRow and ColPos
	ColRow []int32 // nnz row indices, increasing within a column
	ColPos []int32 // nnz positions in the row-major order
}

// NewPattern returns the pattern of the K×N row-major mask: entries that
// are not 0 are present. It panics if K or N is negative or len(mask) !=
// K·N: a programmer error, as for a slice index out of range.
func NewPattern(K, N int, mask []float64) *Pattern {
	if len(mask) != K*N {
		panic("ops: NewPattern: mask length is not K·N")
	}
	p := &Pattern{K: K, N: N, RowPtr: make([]int32, K+1), ColPtr: make([]int32, N+1)}
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			if mask[k*N+i] != 0 {
				p.Col = append(p.Col, int32(i))
				p.ColPtr[i+1]++
			}
		}
		p.RowPtr[k+1] = int32(len(p.Col))
	}
	for i := 0; i < N; i++ {
		p.ColPtr[i+1] += p.ColPtr[i]
	}
	p.ColRow = make([]int32, len(p.Col))
	p.ColPos = make([]int32, len(p.Col))
	next := append([]int32(nil), p.ColPtr[:N]...)
	for k := 0; k < K; k++ {
		for q := p.RowPtr[k]; q < p.RowPtr[k+1]; q++ {
			i := p.Col[q]
			p.ColRow[next[i]], p.ColPos[next[i]] = int32(k), q
			next[i]++
		}
	}
	return p
}

// NNZ returns the number of present weights.
func (p *Pattern) NNZ() int {
	if p == nil {
		return 0
	}
	return len(p.Col)
}

// Expand writes the nnz values v into the K×N row-major dst, zeros elsewhere.
// Like copy into a slice by index, it panics if dst is shorter than K·N or v
// than NNZ (a programmer error in the inner loops that call it).
func (p *Pattern) Expand(dst, v []float64) {
	clear(dst)
	for k := 0; k < p.K; k++ {
		for q := p.RowPtr[k]; q < p.RowPtr[k+1]; q++ {
			dst[k*p.N+int(p.Col[q])] = v[q]
		}
	}
}

// Compress returns the entries of the K×N row-major full at the pattern. It
// panics if full is shorter than K·N, as Expand does.
func (p *Pattern) Compress(full []float64) []float64 {
	v := make([]float64, p.NNZ())
	for k := 0; k < p.K; k++ {
		for q := p.RowPtr[k]; q < p.RowPtr[k+1]; q++ {
			v[q] = full[k*p.N+int(p.Col[q])]
		}
	}
	return v
}

// spOp is a product involving a sparse weight matrix A with pattern p,
// stored as its nnz values:
//
//	SpMatMul:  C = A·X         (A K×N sparse, X N×B)  → K×B
//	SpMatMulT: C = Aᵀ·G        (G K×B)                → N×B
//	SpSampled: c_p = (G·Xᵀ)[k,i] at every present (k, i) → nnz
//
// Their cost is O(nnz·B) instead of O(K·N·B).
type spOp struct {
	output
	kind spKind
	p    *Pattern
}

type spKind int

const (
	spMatMul spKind = iota
	spMatMulT
	spSampled
)

var spNames = [...]string{"SpMatMul", "SpMatMulT", "SpSampled"}

// SpMatMul returns the node A·X for the sparse A (values a, pattern p) and X (N×B).
func SpMatMul(p *Pattern, a, x *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&spOp{kind: spMatMul, p: p}, a, x)
}

// SpMatMulT returns the node Aᵀ·G for the sparse A (values a, pattern p) and G (K×B).
func SpMatMulT(p *Pattern, a, g *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&spOp{kind: spMatMulT, p: p}, a, g)
}

// SpSampled returns the nnz vector of (G·Xᵀ)[k,i] = Σ_n G[k,n]·X[i,n] at the
// present entries of p, for G K×B and X N×B.
func SpSampled(p *Pattern, g, x *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&spOp{kind: spSampled, p: p}, g, x)
}

func (o *spOp) Arity() int { return 2 }

func (o *spOp) Type() hm.Type {
	if o.kind == spSampled {
		return fnType(1, 2, 2)
	}
	return fnType(2, 1, 2)
}

func (o *spOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 2, ds)
	if err != nil {
		return nil, err
	}
	return o.outShape(ss[0], ss[1])
}

// outShape checks the input shapes against the pattern.
func (o *spOp) outShape(a, b tensor.Shape) (tensor.Shape, error) {
	p := o.p
	bad := errors.Errorf("ops: %v: shapes %v and %v do not fit a %d×%d pattern with %d entries", o, a, b, p.K, p.N, p.NNZ())
	if len(b) != 2 {
		return nil, bad
	}
	B := b[1]
	switch o.kind {
	case spMatMul:
		if a.TotalSize() != p.NNZ() || len(a) != 1 || b[0] != p.N {
			return nil, bad
		}
		return tensor.Shape{p.K, B}, nil
	case spMatMulT:
		if a.TotalSize() != p.NNZ() || len(a) != 1 || b[0] != p.K {
			return nil, bad
		}
		return tensor.Shape{p.N, B}, nil
	}
	if len(a) != 2 || a[0] != p.K || b[0] != p.N || a[1] != B {
		return nil, bad
	}
	return tensor.Shape{p.NNZ()}, nil
}

func (o *spOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) { return o.UsePreallocDo(nil, vs...) }

// UsePreallocDo computes the product into prealloc when it fits.
func (o *spOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.String(), []int{-1, 2}, vs)
	if err != nil {
		return nil, err
	}
	out, err := o.outShape(ts[0].Shape(), ts[1].Shape())
	if err != nil {
		return nil, err
	}
	if err := hostOnly(o.String(), "sparse storage", ts); err != nil {
		return nil, err
	}
	dst := o.dst(prealloc, dt, out)
	B := ts[1].Shape()[1]
	if dt == tensor.Float64 {
		spKernel(o.kind, o.p, f64(dst), f64(ts[0]), f64(ts[1]), B)
	} else {
		spKernel(o.kind, o.p, f32(dst), f32(ts[0]), f32(ts[1]), B)
	}
	return dst, nil
}

// spKernel runs the product kind; a and b are the two inputs.
func spKernel[T Float](kind spKind, p *Pattern, dst, a, b []T, B int) {
	perRow := max(p.NNZ()/max(p.K, 1), 1) * B
	switch kind {
	case spMatMul: // C[k,:] = Σ_q a_q X[Col_q,:]
		parallelFor(p.K, perRow, func(lo, hi int) {
			for k := lo; k < hi; k++ {
				c := dst[k*B : (k+1)*B]
				clear(c)
				for q := p.RowPtr[k]; q < p.RowPtr[k+1]; q++ {
					axpy(c, a[q], b[int(p.Col[q])*B:])
				}
			}
		})
	case spMatMulT: // C[i,:] = Σ_{k: (k,i) present} a_(k,i) G[k,:]
		perCol := max(p.NNZ()/max(p.N, 1), 1) * B
		parallelFor(p.N, perCol, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				c := dst[i*B : (i+1)*B]
				clear(c)
				for q := p.ColPtr[i]; q < p.ColPtr[i+1]; q++ {
					axpy(c, a[p.ColPos[q]], b[int(p.ColRow[q])*B:])
				}
			}
		})
	default: // c_q = G[k,:]·X[Col_q,:]
		parallelFor(p.K, perRow, func(lo, hi int) {
			for k := lo; k < hi; k++ {
				g := a[k*B : (k+1)*B]
				for q := p.RowPtr[k]; q < p.RowPtr[k+1]; q++ {
					dst[q] = dot(g, b[int(p.Col[q])*B:])
				}
			}
		})
	}
}

// axpy sets c += a·x[:len(c)], with gonum's assembly kernels.
func axpy[T Float](c []T, a T, x []T) {
	switch cc := any(c).(type) {
	case []float64:
		blasImpl.Daxpy(len(cc), float64(a), any(x).([]float64), 1, cc, 1)
	case []float32:
		blasImpl.Saxpy(len(cc), float32(a), any(x).([]float32), 1, cc, 1)
	}
}

// dot returns g·x[:len(g)], with gonum's assembly kernels.
func dot[T Float](g, x []T) T {
	switch gg := any(g).(type) {
	case []float64:
		return T(blasImpl.Ddot(len(gg), gg, 1, any(x).([]float64), 1))
	case []float32:
		return T(blasImpl.Sdot(len(gg), gg, 1, any(x).([]float32), 1))
	}
	return 0
}

// blasImpl is gonum's pure-Go BLAS (assembly level-1 kernels on amd64).
var blasImpl gonumblas.Implementation

func (o *spOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *spOp) Hashcode() uint32      { return hashOf(o) }
func (o *spOp) String() string {
	return fmt.Sprintf("%s{%d×%d, nnz=%d, pattern=%p}", spNames[o.kind], o.p.K, o.p.N, o.p.NNZ(), o.p)
}

var _ gorgonia.UsePreallocDoer = (*spOp)(nil)
