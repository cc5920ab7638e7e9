package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A kernel is an element-wise message update: dst[j] = f(in[0][j], ...,
// in[arity-1][j]; p...), where the p are scalar parameters (damping ψ,
// reinforcement r) read from one-element tensors that follow the array
// inputs. Every array input has the shape of the output.
type kernel struct {
	name   string
	arity  int // array inputs
	params int // scalar inputs after the arrays
	cost   int // rough cost of one element, in units of a multiply-add
	k64    func(dst []float64, in [][]float64, p []float64)
	k32    func(dst []float32, in [][]float32, p []float32)
}

// newKernel instantiates the generic element kernel k for both dtypes.
func newKernel(name string, arity, params, cost int, k64 func([]float64, [][]float64, []float64), k32 func([]float32, [][]float32, []float32)) *kernel {
	return &kernel{name: name, arity: arity, params: params, cost: cost, k64: k64, k32: k32}
}

// mapOp applies a kernel element by element, in parallel over the elements.
type mapOp struct {
	output
	k *kernel
}

// mapNode adds a mapOp for k to the graph: arrays first, then scalar params.
func mapNode(k *kernel, inputs ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(inputs) != k.arity+k.params {
		return nil, errors.Errorf("ops: %s takes %d inputs, got %d", k.name, k.arity+k.params, len(inputs))
	}
	return apply(&mapOp{k: k}, inputs...)
}

func (o *mapOp) Arity() int { return o.k.arity + o.k.params }

func (o *mapOp) Type() hm.Type {
	ts := make([]hm.Type, 0, o.Arity()+1)
	a := hm.TypeVariable('b')
	for i := 0; i < o.k.arity; i++ {
		ts = append(ts, a)
	}
	for i := 0; i < o.k.params; i++ {
		ts = append(ts, tt(1))
	}
	return hm.NewFnType(append(ts, a)...)
}

func (o *mapOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.k.name, o.Arity(), ds)
	if err != nil {
		return nil, err
	}
	for i := 1; i < o.k.arity; i++ {
		if err := sameShape(o.k.name, fmt.Sprintf("inputs 0 and %d", i), ss[0], ss[i]); err != nil {
			return nil, err
		}
	}
	for i := o.k.arity; i < o.Arity(); i++ {
		if ss[i].TotalSize() != 1 {
			return nil, errors.Errorf("ops: %s: parameter input %d has shape %v, want one element", o.k.name, i, ss[i])
		}
	}
	return ss[0].Clone(), nil
}

func (o *mapOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) { return o.UsePreallocDo(nil, vs...) }

// UsePreallocDo runs the kernel into prealloc when it fits.
func (o *mapOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.k.name, anyRanks(o.Arity()), vs)
	if err != nil {
		return nil, err
	}
	shape := ts[0].Shape()
	for i := 1; i < o.k.arity; i++ {
		if !ts[i].Shape().Eq(shape) {
			return nil, errors.Errorf("ops: %s: input %d has shape %v, input 0 has %v", o.k.name, i, ts[i].Shape(), shape)
		}
	}
	for i := o.k.arity; i < len(ts); i++ {
		if ts[i].Shape().TotalSize() != 1 {
			return nil, errors.Errorf("ops: %s: parameter input %d has shape %v, want one element", o.k.name, i, ts[i].Shape())
		}
	}
	if v, ok, err := o.onDevice(o.k.name, ts, prealloc, dt, shape, func(d deviceKernels, dst *tensor.Dense) error {
		return d.mapKernel(o.k, dst, ts)
	}); ok {
		return v, err
	}
	dst := o.dst(prealloc, dt, shape)
	switch dt {
	case tensor.Float64:
		runKernel(o.k.k64, o.k.cost, f64(dst), ts, o.k.arity, f64)
	default:
		runKernel(o.k.k32, o.k.cost, f32(dst), ts, o.k.arity, f32)
	}
	return dst, nil
}

// runKernel splits the element range over goroutines.
func runKernel[T Float](k func([]T, [][]T, []T), cost int, dst []T, ts []*tensor.Dense, arity int, data func(*tensor.Dense) []T) {
	var ins [8][]T
	var ps [4]T
	for i, t := range ts {
		if i < arity {
			ins[i] = data(t)
		} else {
			ps[i-arity] = data(t)[0]
		}
	}
	in, p := ins[:arity], ps[:len(ts)-arity]
	parallelFor(len(dst), cost, func(lo, hi int) {
		var sub [8][]T
		for i := range in {
			sub[i] = in[i][lo:hi]
		}
		k(dst[lo:hi], sub[:len(in)], p)
	})
}

func (o *mapOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *mapOp) Hashcode() uint32      { return hashOf(o) }
func (o *mapOp) String() string        { return o.k.name }

var _ gorgonia.UsePreallocDoer = (*mapOp)(nil)
