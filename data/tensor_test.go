package data

import (
	"errors"
	"math"
	"testing"

	"gorgonia.org/tensor"
)

func TestFromTensor(t *testing.T) {
	x := []float64{0, 0.5, 1, -2, 3, 4}
	d := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(append([]float64(nil), x...)))
	labels := []int{2, 0, 1}
	s, err := FromTensor(d, labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.M != 3 || s.N != 2 || s.Classes != 3 {
		t.Fatalf("M, N, Classes = %d, %d, %d, want 3, 2, 3", s.M, s.N, s.Classes)
	}
	for i, v := range x {
		if s.X[i] != v {
			t.Fatalf("X[%d] = %v, want %v", i, s.X[i], v)
		}
	}
	// Copies: changing the set changes neither the tensor nor the labels.
	s.X[0], s.Y[0] = 9, 0
	if d.Float64s()[0] != 0 || labels[0] != 2 {
		t.Error("FromTensor shares memory with its arguments")
	}
	// Round trip.
	back := must(s.Tensor())(t)
	if sh := back.Shape(); sh[0] != 3 || sh[1] != 2 || back.Dtype() != tensor.Float64 {
		t.Fatalf("Tensor: shape %v dtype %v, want (3, 2) float64", sh, back.Dtype())
	}
	back.Float64s()[1] = 7
	if s.X[1] != 0.5 {
		t.Error("Tensor shares memory with the set")
	}
}

func TestFromTensorLayouts(t *testing.T) {
	// float32, exact conversion.
	f := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{0.1, -1, 2.5, 3}))
	s, err := FromTensor(f, []int{-1, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []float32{0.1, -1, 2.5, 3} {
		if s.X[i] != float64(v) {
			t.Errorf("float32: X[%d] = %v, want %v", i, s.X[i], float64(v))
		}
	}
	// M×H×W images are flattened row-major.
	img := make([]float64, 2*3*4)
	for i := range img {
		img[i] = float64(i)
	}
	s, err = FromTensor(tensor.New(tensor.WithShape(2, 3, 4), tensor.WithBacking(img)), []int{0, 9}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if s.M != 2 || s.N != 12 || s.X[13] != 13 {
		t.Errorf("3-D: M = %d, N = %d, X[13] = %v, want 2, 12, 13", s.M, s.N, s.X[13])
	}
	// A transposed tensor is read in its logical order.
	d := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6}))
	if err := d.T(); err != nil {
		t.Fatal(err)
	}
	s, err = FromTensor(d, []int{0, 1, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 4, 2, 5, 3, 6}
	for i, v := range want {
		if s.X[i] != v {
			t.Fatalf("transposed: X = %v, want %v", s.X, want)
		}
	}
	// A column slice (a strided view).
	d = tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6}))
	v, err := d.Slice(nil, tensor.S(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	s, err = FromTensor(v, []int{0, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want = []float64{2, 3, 5, 6}
	for i, w := range want {
		if s.X[i] != w {
			t.Fatalf("view: X = %v, want %v", s.X, want)
		}
	}
}

func TestFromTensorErrors(t *testing.T) {
	m := func(shape []int, v any) *tensor.Dense {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	good := m([]int{2, 2}, []float64{1, 2, 3, 4})
	var nilDense *tensor.Dense
	for _, tc := range []struct {
		name    string
		x       tensor.Tensor
		labels  []int
		classes int
		want    error
	}{
		{"nil", nil, []int{0, 1}, 3, ErrShape},
		{"nil dense", nilDense, []int{0, 1}, 3, ErrShape},
		{"rank 1", m([]int{4}, []float64{1, 2, 3, 4}), []int{0, 1}, 3, ErrShape},
		{"rank 4", m([]int{1, 1, 2, 2}, []float64{1, 2, 3, 4}), []int{0}, 3, ErrShape},
		{"scalar", tensor.New(tensor.FromScalar(1.0)), []int{0}, 3, ErrShape},
		{"int", m([]int{2, 2}, []int{1, 2, 3, 4}), []int{0, 1}, 3, ErrDtype},
		{"complex", m([]int{2, 1}, []complex128{1, 2}), []int{0, 1}, 3, ErrDtype},
		{"too few labels", good, []int{0}, 3, ErrShape},
		{"too many labels", good, []int{0, 1, 2}, 3, ErrShape},
		{"no classes", good, []int{0, 1}, 1, ErrShape},
		{"label range", good, []int{0, 3}, 3, ErrLabelRange},
		{"label 0 for ±1", good, []int{1, 0}, 2, ErrLabelRange},
		{"NaN", m([]int{2, 2}, []float64{1, math.NaN(), 3, 4}), []int{0, 1}, 3, ErrNonFinite},
		{"Inf32", m([]int{2, 2}, []float32{1, 2, float32(math.Inf(-1)), 4}), []int{0, 1}, 3, ErrNonFinite},
	} {
		s, err := func() (s *Set, err error) {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: FromTensor panicked: %v", tc.name, p)
				}
			}()
			return FromTensor(tc.x, tc.labels, tc.classes)
		}()
		var se *SetError
		switch {
		case s != nil || err == nil:
			t.Errorf("%s: FromTensor = %v, %v; want an error", tc.name, s, err)
		case !errors.Is(err, tc.want):
			t.Errorf("%s: error %v does not wrap %v", tc.name, err, tc.want)
		case !errors.As(err, &se):
			t.Errorf("%s: error %T is not a *SetError", tc.name, err)
		}
	}
}

func TestSetTensorErrors(t *testing.T) {
	for _, s := range []*Set{
		{X: []float64{1, 2, 3}, Y: []int{0}, M: 1, N: 2, Classes: 3},
		{M: 0, N: 4, Classes: 3},
		nil,
	} {
		d, err := s.Tensor()
		var se *SetError
		if d != nil || !errors.Is(err, ErrShape) || !errors.As(err, &se) {
			t.Errorf("Tensor of %+v = %v, %v; want a *SetError wrapping ErrShape", s, d, err)
		}
	}
}
