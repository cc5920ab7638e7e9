package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// sectionOp copies a contiguous section of a vector into a matrix.
type sectionOp struct {
	output
	off   int
	shape tensor.Shape
}

// Section returns x[off : off+size] (row-major) as a tensor of the given
// shape (a vector or a matrix): it takes apart the fields that BPICavity
// returns in one vector.
func Section(x *gorgonia.Node, off int, shape ...int) (*gorgonia.Node, error) {
	if off < 0 || len(shape) < 1 || len(shape) > 2 {
		return nil, errors.Errorf("ops: Section: offset %d, shape %v: want an offset ≥ 0 and 1 or 2 dimensions", off, shape)
	}
	for _, d := range shape {
		if d < 0 {
			return nil, errors.Errorf("ops: Section: negative size in shape %v", shape)
		}
	}
	return apply(&sectionOp{off: off, shape: tensor.Shape(shape).Clone()}, x)
}

func (o *sectionOp) size() int { return o.shape.TotalSize() }

func (o *sectionOp) Arity() int    { return 1 }
func (o *sectionOp) Type() hm.Type { return fnType(len(o.shape), 1) }

func (o *sectionOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 1, ds)
	if err != nil {
		return nil, err
	}
	if ss[0].TotalSize() < o.off+o.size() {
		return nil, errors.Errorf("ops: %v: input of %d elements is too short", o, ss[0].TotalSize())
	}
	return o.shape.Clone(), nil
}

func (o *sectionOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return o.UsePreallocDo(nil, vs...)
}

// UsePreallocDo copies the section into prealloc when it fits.
func (o *sectionOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.String(), []int{1}, vs)
	if err != nil {
		return nil, err
	}
	end := o.off + o.size()
	if ts[0].Shape().TotalSize() < end {
		return nil, errors.Errorf("ops: %v: input of %d elements is too short", o, ts[0].Shape().TotalSize())
	}
	if v, ok, err := o.onDevice(o.String(), ts, prealloc, dt, o.shape, func(d deviceKernels, dst *tensor.Dense) error {
		return d.section(dst, ts[0], o.off)
	}); ok {
		return v, err
	}
	dst := o.dst(prealloc, dt, o.shape)
	if dt == tensor.Float64 {
		copy(f64(dst), f64(ts[0])[o.off:end])
	} else {
		copy(f32(dst), f32(ts[0])[o.off:end])
	}
	return dst, nil
}

func (o *sectionOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *sectionOp) Hashcode() uint32      { return hashOf(o) }
func (o *sectionOp) String() string {
	return fmt.Sprintf("Section{off=%d, shape=%v}", o.off, o.shape)
}

var _ gorgonia.UsePreallocDoer = (*sectionOp)(nil)
