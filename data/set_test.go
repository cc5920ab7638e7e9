package data

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := func() *Set { return tinySet() }
	for _, tc := range []struct {
		name      string
		s         *Set
		want      error
		wantField string
		wantIndex int
	}{
		{"valid", ok(), nil, "", 0},
		{"nil", nil, ErrShape, "shape", -1},
		{"short X", func() *Set { s := ok(); s.X = s.X[:11]; return s }(), ErrShape, "shape", -1},
		{"short Y", func() *Set { s := ok(); s.Y = s.Y[:2]; return s }(), ErrShape, "shape", -1},
		{"negative M", func() *Set { s := ok(); s.M = -1; return s }(), ErrShape, "shape", -1},
		{"Classes 1", func() *Set { s := ok(); s.Classes = 1; return s }(), ErrShape, "shape", -1},
		{"label 10", func() *Set { s := ok(); s.Y[2] = 10; return s }(), ErrLabelRange, "Y", 2},
		{"label -1", func() *Set { s := ok(); s.Y[1] = -1; return s }(), ErrLabelRange, "Y", 1},
		{"sign label 0", &Set{X: []float64{0, 0}, Y: []int{1, 0}, M: 2, N: 1, Classes: 2}, ErrLabelRange, "Y", 1},
		{"sign labels", &Set{X: []float64{0, 0}, Y: []int{1, -1}, M: 2, N: 1, Classes: 2}, nil, "", 0},
		{"NaN", func() *Set { s := ok(); s.X[7] = math.NaN(); return s }(), ErrNonFinite, "X", 7},
		{"Inf", func() *Set { s := ok(); s.X[0] = math.Inf(-1); return s }(), ErrNonFinite, "X", 0},
		{"empty", &Set{Classes: 10}, nil, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Validate = %v, want %v", err, tc.want)
			}
			if err == nil {
				return
			}
			var se *SetError
			if !errors.As(err, &se) || se.Field != tc.wantField || se.Index != tc.wantIndex {
				t.Errorf("Validate = %#v, want field %s index %d", err, tc.wantField, tc.wantIndex)
			}
		})
	}
}

func TestSubsetCopies(t *testing.T) {
	s := tinySet()
	sub := must(s.Subset([]int{2, 0, 2}))(t)
	if sub.M != 3 || !slices.Equal(sub.Y, []int{9, 3, 9}) || !slices.Equal(sub.Row(1), s.Row(0)) {
		t.Fatalf("Subset = %+v", sub)
	}
	sub.X[0] = -1
	if s.X[8] == -1 {
		t.Error("Subset shares X with its input")
	}
	for _, idx := range [][]int{{3}, {0, -1}} {
		if got, err := s.Subset(idx); got != nil || !errors.Is(err, ErrCount) {
			t.Errorf("Subset(%v) of 3 samples = %v, %v; want ErrCount", idx, got, err)
		}
	}
	if got, err := (&Set{X: []float64{1}, Y: []int{0, 1}, M: 1, N: 1, Classes: 3}).Subset([]int{0}); got != nil || !errors.Is(err, ErrShape) {
		t.Errorf("Subset of an inconsistent set = %v, %v; want ErrShape", got, err)
	}
}

// TestSetOpsNil checks that the operations on sets report nil and
// inconsistent arguments as errors instead of panicking.
func TestSetOpsNil(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	short := &Set{X: []float64{1}, Y: []int{0, 1}, M: 2, N: 1, Classes: 3}
	for _, tc := range []struct {
		name string
		f    func() (*Set, error)
		want error
	}{
		{"Subset nil", func() (*Set, error) { return (*Set)(nil).Subset([]int{0}) }, ErrShape},
		{"Shuffle nil rng", func() (*Set, error) { return Shuffle(tinySet(), nil) }, ErrNil},
		{"Shuffle nil set", func() (*Set, error) { return Shuffle(nil, rng) }, ErrShape},
		{"Shuffle short X", func() (*Set, error) { return Shuffle(short, rng) }, ErrShape},
		{"EvenOdd nil", func() (*Set, error) { return EvenOdd(nil) }, ErrShape},
		{"EvenOdd short X", func() (*Set, error) { return EvenOdd(short) }, ErrShape},
		{"TwoClass nil train", func() (*Set, error) { s, _, err := TwoClass(nil, tinySet()); return s, err }, ErrShape},
		{"TwoClass bad test", func() (*Set, error) { s, _, err := TwoClass(tinySet(), short); return s, err }, ErrShape},
		{"Apply nil", func() (*Set, error) { return Stats{Std: 1}.Apply(nil) }, ErrShape},
		{"Apply NaN mean", func() (*Set, error) { return Stats{Mean: math.NaN(), Std: 1}.Apply(tinySet()) }, ErrNonFinite},
		{"Apply negative std", func() (*Set, error) { return Stats{Std: -1}.Apply(tinySet()) }, ErrNonFinite},
		{"Apply overflow", func() (*Set, error) { return Stats{Mean: -math.MaxFloat64, Std: 0}.Apply(tinySet()) }, ErrNonFinite},
	} {
		got, err := tc.f()
		if got != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s = %v, %v; want an error wrapping %v", tc.name, got, err, tc.want)
		}
	}
	if (*Set)(nil).Clone() != nil {
		t.Error("Clone of nil is not nil")
	}
}

func TestShuffleDeterministic(t *testing.T) {
	s := tinySet()
	a := must(Shuffle(s, rand.New(rand.NewPCG(1, 2))))(t)
	b := must(Shuffle(s, rand.New(rand.NewPCG(1, 2))))(t)
	if !slices.Equal(a.X, b.X) || !slices.Equal(a.Y, b.Y) {
		t.Error("same seed gave different orders")
	}
	if !slices.Equal(s.Y, tinySet().Y) {
		t.Error("Shuffle modified its input")
	}
	// Rows stay attached to their labels.
	for i := range a.M {
		j := slices.Index(s.Y, a.Y[i])
		if !slices.Equal(a.Row(i), s.Row(j)) {
			t.Errorf("row %d (label %d) does not match its label", i, a.Y[i])
		}
	}
}

func TestEvenOdd(t *testing.T) {
	s := &Set{X: make([]float64, 10), Y: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, M: 10, N: 1, Classes: 10}
	got := must(EvenOdd(s))(t)
	want := []int{-1, 1, -1, 1, -1, 1, -1, 1, -1, 1}
	if !slices.Equal(got.Y, want) || got.Classes != 2 {
		t.Errorf("EvenOdd labels %v Classes %d, want %v, 2", got.Y, got.Classes, want)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
	if s.Y[1] != 1 || s.Classes != 10 {
		t.Error("EvenOdd modified its input")
	}
	if again := must(EvenOdd(got))(t); !slices.Equal(again.Y, want) {
		t.Errorf("EvenOdd twice = %v, want %v", again.Y, want)
	}
}

func TestTwoClass(t *testing.T) {
	train, test := tinySet(), tinySet()
	a, at, err := TwoClass(train, test)
	if err != nil {
		t.Fatal(err)
	}
	b, bt, err := TwoClass(train, nil)
	if err != nil || bt != nil {
		t.Fatalf("TwoClass(train, nil) = _, %v, %v; want a nil test set", bt, err)
	}
	if !slices.Equal(a.Y, b.Y) || !slices.Equal(a.X, b.X) {
		t.Error("TwoClass is not deterministic")
	}
	if !slices.Equal(at.Y, []int{1, -1, 1}) || !slices.Equal(at.X, test.X) {
		t.Errorf("test set relabelled to %v or reordered", at.Y)
	}
	wantOrder := rand.New(rand.NewPCG(TwoClassSeed, 0)).Perm(3)
	for i, j := range wantOrder {
		if !slices.Equal(a.Row(i), train.Row(j)) {
			t.Errorf("train row %d is not input row %d", i, j)
		}
	}
}

func TestHead(t *testing.T) {
	s := &Set{X: []float64{1, 2, 3, 4, 5, 6}, Y: []int{0, 1, 0}, M: 3, N: 2, Classes: 2, Name: "s"}
	h, err := s.Head(2)
	if err != nil || h.M != 2 || !slices.Equal(h.X, s.X[:4]) || !slices.Equal(h.Y, s.Y[:2]) {
		t.Fatalf("Head(2) = %+v, %v; want the first two samples", h, err)
	}
	h.X[0] = 9
	if s.X[0] != 1 {
		t.Error("Head shares its pixels with s")
	}
	for _, n := range []int{-1, 0, 4} {
		if _, err := s.Head(n); !errors.Is(err, ErrCount) {
			t.Errorf("Head(%d): error %v, want ErrCount", n, err)
		}
	}
}
