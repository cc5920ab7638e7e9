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
	off, rows, cols int
}

// Section returns the rows×cols matrix x[off : off+rows·cols] (row-major):
// it takes the fields apart that BPICavity returns in one vector.
func Section(x *gorgonia.Node, off, rows, cols int) (*gorgonia.Node, error) {
	if off < 0 || rows < 0 || cols < 0 {
		return nil, errors.Errorf("ops: Section: negative offset or size (%d, %d, %d)", off, rows, cols)
	}
	return apply(&sectionOp{off: off, rows: rows, cols: cols}, x)
}

func (o *sectionOp) Arity() int    { return 1 }
func (o *sectionOp) Type() hm.Type { return fnType(2, 1) }

func (o *sectionOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 1, ds)
	if err != nil {
		return nil, err
	}
	if ss[0].TotalSize() < o.off+o.rows*o.cols {
		return nil, errors.Errorf("ops: %v: input of %d elements is too short", o, ss[0].TotalSize())
	}
	return tensor.Shape{o.rows, o.cols}, nil
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
	end := o.off + o.rows*o.cols
	if ts[0].Shape().TotalSize() < end {
		return nil, errors.Errorf("ops: %v: input of %d elements is too short", o, ts[0].Shape().TotalSize())
	}
	dst := o.dst(prealloc, dt, tensor.Shape{o.rows, o.cols})
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
	return fmt.Sprintf("Section{off=%d, rows=%d, cols=%d}", o.off, o.rows, o.cols)
}

var _ gorgonia.UsePreallocDoer = (*sectionOp)(nil)
