package data

import (
	"errors"
	"fmt"

	"gorgonia.org/tensor"
)

// ErrDtype reports a tensor whose element type FromTensor does not accept.
var ErrDtype = errors.New("unsupported element type")

// FromTensor returns a Set holding a copy of the samples in x, one per
// index of its first axis, with the given labels and number of classes:
//
//	x is M×N:    sample i is row i;
//	x is M×H×W:  sample i is the H×W image i flattened row-major (N = H·W).
//
// x must be a *tensor.Dense of float64 or float32 (float32 values are
// converted exactly); views and transposed tensors are read in their
// logical order. labels must hold M labels in the encoding that classes
// selects (see Set); they are copied too. The result is checked with
// Validate, so a bad label or a NaN or ±Inf element gives its *SetError.
// FromTensor never modifies x or labels and reports every problem as an
// error: a *SetError wrapping ErrShape for a nil tensor, a rank other than
// 2 or 3, a label count that is not M or classes < 2, ErrDtype for other
// element types or tensor kinds, ErrLabelRange and ErrNonFinite as above.
func FromTensor(x tensor.Tensor, labels []int, classes int) (*Set, error) {
	const name = "tensor"
	fail := func(sentinel error, format string, args ...any) error {
		return &SetError{Name: name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
	}
	d, ok := x.(*tensor.Dense)
	switch {
	case x == nil || (ok && d == nil):
		return nil, fail(ErrShape, "nil tensor")
	case !ok:
		return nil, fail(ErrDtype, "a %T, want a *tensor.Dense", x)
	}
	shape := d.Shape()
	var M, N int
	switch len(shape) {
	case 2:
		M, N = shape[0], shape[1]
	case 3:
		M, N = shape[0], shape[1]*shape[2]
	default:
		return nil, fail(ErrShape, "tensor shape %v: want M×N or M×H×W", shape)
	}
	if dt := d.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, fail(ErrDtype, "%v, want float64 or float32", dt)
	}
	if len(labels) != M {
		return nil, fail(ErrShape, "%d labels for %d samples", len(labels), M)
	}
	if d.IsMaterializable() { // a view or a transposed tensor
		m, ok := d.Materialize().(*tensor.Dense)
		if !ok {
			return nil, fail(ErrDtype, "cannot materialize the %v view", shape)
		}
		d = m
	}
	X := make([]float64, M*N)
	switch v := d.Data().(type) {
	case []float64:
		if len(v) < len(X) {
			return nil, fail(ErrShape, "%d elements for shape %v", len(v), shape)
		}
		copy(X, v)
	case []float32:
		if len(v) < len(X) {
			return nil, fail(ErrShape, "%d elements for shape %v", len(v), shape)
		}
		for i := range X {
			X[i] = float64(v[i])
		}
	default:
		return nil, fail(ErrDtype, "data of type %T", v)
	}
	s := &Set{X: X, Y: append([]int(nil), labels...), M: M, N: N, Classes: classes, Name: name}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Tensor returns the samples of s as a new M×N float64 *tensor.Dense, one
// sample per row (a copy of X). The error is a *SetError wrapping ErrShape
// if s is inconsistent (see Validate) or if M or N is 0 (the tensor package
// has no empty matrices).
func (s *Set) Tensor() (*tensor.Dense, error) {
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	if s.M < 1 || s.N < 1 {
		return nil, &SetError{Name: s.Name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: Tensor of an empty set: M = %d, N = %d, want both ≥ 1", ErrShape, s.M, s.N)}
	}
	return tensor.New(tensor.WithShape(s.M, s.N), tensor.WithBacking(append([]float64(nil), s.X...))), nil
}
