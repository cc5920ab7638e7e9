package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Float is the element type of every message tensor.
type Float interface{ ~float32 | ~float64 }

// output is embedded by every op of this package. It holds the op's output
// tensor, allocated on the first Do and overwritten by every later one, so
// that a warmed-up sweep allocates no tensor memory (Gorgonia's TapeMachine
// drops its registers on Reset, which would otherwise reallocate every output
// on every run). One op value belongs to one graph node: the node
// constructors of this package build a fresh op for every node.
//
// It also supplies the parts of gorgonia.Op that are the same for every op
// here: no pointer returns, no external calls on the CPU, no overwritten input.
type output struct {
	out *tensor.Dense
}

// ReturnsPtr reports false: results are values.
func (*output) ReturnsPtr() bool { return false }

// CallsExtern reports false: the CPU kernels are pure Go.
func (*output) CallsExtern() bool { return false }

// OverwritesInput reports -1: no op writes into its inputs.
func (*output) OverwritesInput() int { return -1 }

// dst returns the op's output tensor with the given dtype and shape,
// allocating it on first use. A preallocated tensor handed in by the machine
// is used when it matches.
func (o *output) dst(prealloc gorgonia.Value, dt tensor.Dtype, shape tensor.Shape) *tensor.Dense {
	if p, ok := prealloc.(*tensor.Dense); ok && p.Dtype() == dt && p.Shape().Eq(shape) {
		return p
	}
	if o.out == nil || o.out.Dtype() != dt || !o.out.Shape().Eq(shape) {
		o.out = tensor.New(tensor.WithShape(shape.Clone()...), tensor.Of(dt))
	}
	return o.out
}

// hashOf is the Hashcode of an op whose String prints every field.
func hashOf(op fmt.Stringer) uint32 {
	h := fnv.New32a()
	io.WriteString(h, op.String())
	return h.Sum32()
}

// writeHash is the WriteHash of an op whose String prints every field.
func writeHash(h hash.Hash, op fmt.Stringer) { io.WriteString(h, op.String()) }

// dtypeVar is the type variable shared by the element types of an op's
// inputs and output: all message tensors of one network have one dtype.
const dtypeVar = hm.TypeVariable('a')

// tt is the Gorgonia type of a tensor with dims dimensions of the shared dtype.
func tt(dims int) gorgonia.TensorType { return gorgonia.TensorType{Dims: dims, Of: dtypeVar} }

// fnType is the type of an op with the given input and output ranks.
func fnType(out int, in ...int) hm.Type {
	ts := make([]hm.Type, 0, len(in)+1)
	for _, d := range in {
		ts = append(ts, tt(d))
	}
	ts = append(ts, tt(out))
	return hm.NewFnType(ts...)
}

// dense returns the inputs as dense tensors of one float dtype with the given
// ranks (-1: any rank), or an error naming the op and the offending input.
func dense(name string, ranks []int, vs []gorgonia.Value) ([]*tensor.Dense, tensor.Dtype, error) {
	if len(vs) != len(ranks) {
		return nil, tensor.Dtype{}, errors.Errorf("ops: %s takes %d inputs, got %d", name, len(ranks), len(vs))
	}
	ds := make([]*tensor.Dense, len(vs))
	var dt tensor.Dtype
	for i, v := range vs {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, dt, errors.Errorf("ops: %s input %d is %T, want *tensor.Dense", name, i, v)
		}
		if i == 0 {
			dt = d.Dtype()
			if dt != tensor.Float64 && dt != tensor.Float32 {
				return nil, dt, errors.Errorf("ops: %s input 0 has dtype %v, want float32 or float64", name, dt)
			}
		} else if d.Dtype() != dt {
			return nil, dt, errors.Errorf("ops: %s input %d has dtype %v, input 0 has %v", name, i, d.Dtype(), dt)
		}
		if ranks[i] >= 0 && d.Dims() != ranks[i] {
			return nil, dt, errors.Errorf("ops: %s input %d has shape %v, want %d dimensions", name, i, d.Shape(), ranks[i])
		}
		ds[i] = d
	}
	return ds, dt, nil
}

// anyRanks returns the ranks of n inputs of any rank, for dense.
func anyRanks(n int) []int {
	ranks := make([]int, n)
	for i := range ranks {
		ranks[i] = -1
	}
	return ranks
}

// shapes returns the shapes passed to InferShape, checking their number.
func shapes(name string, n int, ds []gorgonia.DimSizer) ([]tensor.Shape, error) {
	if len(ds) != n {
		return nil, errors.Errorf("ops: %s takes %d inputs, got %d shapes", name, n, len(ds))
	}
	ss := make([]tensor.Shape, n)
	for i, d := range ds {
		s, ok := d.(tensor.Shape)
		if !ok {
			return nil, errors.Errorf("ops: %s input %d: shape %v is not a tensor.Shape", name, i, d)
		}
		ss[i] = s
	}
	return ss, nil
}

// sameShape checks that shapes a and b are equal.
func sameShape(name string, what string, a, b tensor.Shape) error {
	if !a.Eq(b) {
		return errors.Errorf("ops: %s: %s: shapes %v and %v differ", name, what, a, b)
	}
	return nil
}

// f64 and f32 return the backing slices.
func f64(d *tensor.Dense) []float64 { return d.Float64s() }
func f32(d *tensor.Dense) []float32 { return d.Float32s() }

// apply adds op to the graph with the given children.
func apply(op gorgonia.Op, children ...*gorgonia.Node) (*gorgonia.Node, error) {
	for i, c := range children {
		if c == nil {
			return nil, errors.Errorf("ops: %v: input %d is a nil node", op, i)
		}
	}
	n, err := gorgonia.ApplyOp(op, children...)
	if err != nil {
		return nil, errors.Wrapf(err, "ops: %v", op)
	}
	return n, nil
}
