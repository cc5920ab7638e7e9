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
	sub := s.Subset([]int{2, 0, 2})
	if sub.M != 3 || !slices.Equal(sub.Y, []int{9, 3, 9}) || !slices.Equal(sub.Row(1), s.Row(0)) {
		t.Fatalf("Subset = %+v", sub)
	}
	sub.X[0] = -1
	if s.X[8] == -1 {
		t.Error("Subset shares X with its input")
	}
	defer func() {
		if recover() == nil {
			t.Error("Subset with index 3 of 3 did not panic")
		}
	}()
	s.Subset([]int{3})
}

func TestShuffleDeterministic(t *testing.T) {
	s := tinySet()
	a := Shuffle(s, rand.New(rand.NewPCG(1, 2)))
	b := Shuffle(s, rand.New(rand.NewPCG(1, 2)))
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
	got := EvenOdd(s)
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
	if again := EvenOdd(got); !slices.Equal(again.Y, want) {
		t.Errorf("EvenOdd twice = %v, want %v", again.Y, want)
	}
}

func TestTwoClass(t *testing.T) {
	train, test := tinySet(), tinySet()
	a, at := TwoClass(train, test)
	b, _ := TwoClass(train, nil)
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
