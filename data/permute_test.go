package data

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPermute(t *testing.T) {
	s := &Set{X: []float64{1, 2, 3, 4, 5, 6}, Y: []int{0, 2}, M: 2, N: 3, Classes: 3, Name: "tiny"}
	orig := s.Clone()
	got := must(Permute(s, []int{2, 0, 1}))(t)
	if want := []float64{3, 1, 2, 6, 4, 5}; !slices.Equal(got.X, want) {
		t.Fatalf("X = %v, want %v", got.X, want)
	}
	if !slices.Equal(got.Y, s.Y) || got.M != 2 || got.N != 3 || got.Classes != 3 || got.Name != "tiny" {
		t.Fatalf("metadata changed: %+v", got)
	}
	if !slices.Equal(s.X, orig.X) || !slices.Equal(s.Y, orig.Y) {
		t.Fatal("Permute modified its input")
	}
	got.X[0], got.Y[0] = -1, 1
	if s.X[2] != 3 || s.Y[0] != 0 {
		t.Fatal("result shares memory with the input")
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestPermuteIdentityAndInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := &Set{X: make([]float64, 5*7), Y: make([]int, 5), M: 5, N: 7, Classes: 10}
	for i := range s.X {
		s.X[i] = rng.NormFloat64()
	}
	id := []int{0, 1, 2, 3, 4, 5, 6}
	if got := must(Permute(s, id))(t); !slices.Equal(got.X, s.X) {
		t.Fatal("identity permutation changed X")
	}
	p := must(PixelPermutation(rng, s.N))(t)
	inv := make([]int, len(p))
	for i, v := range p {
		inv[v] = i
	}
	if got := must(Permute(must(Permute(s, p))(t), inv))(t); !slices.Equal(got.X, s.X) {
		t.Fatal("Permute by p then by its inverse is not the identity")
	}
}

func TestPermuteEmpty(t *testing.T) {
	s := &Set{N: 2, Classes: 10}
	if got := must(Permute(s, []int{1, 0}))(t); got.M != 0 || len(got.X) != 0 {
		t.Fatalf("empty set: %+v", got)
	}
}

func TestPermuteErrors(t *testing.T) {
	s := &Set{X: []float64{1, 2, 3}, Y: []int{0}, M: 1, N: 3, Classes: 10}
	for _, perm := range [][]int{nil, {0, 1}, {0, 1, 2, 3}, {0, 1, 1}, {0, 1, 3}, {-1, 0, 1}} {
		got, err := Permute(s, perm)
		var se *SetError
		if got != nil || !errors.Is(err, ErrShape) || !errors.As(err, &se) {
			t.Errorf("Permute(%v) = %v, %v; want a *SetError wrapping ErrShape", perm, got, err)
		}
	}
	for _, bad := range []*Set{nil, {X: []float64{1, 2}, Y: []int{0}, M: 1, N: 3, Classes: 10}} {
		if got, err := Permute(bad, []int{0, 1, 2}); got != nil || !errors.Is(err, ErrShape) {
			t.Errorf("Permute(inconsistent set) = %v, %v; want ErrShape", got, err)
		}
	}
}

func TestPixelPermutationErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tc := range []struct {
		rng  *rand.Rand
		n    int
		want error
	}{{nil, 3, ErrNil}, {rng, -1, ErrShape}, {rng, MaxFeatures + 1, ErrShape}} {
		if p, err := PixelPermutation(tc.rng, tc.n); p != nil || !errors.Is(err, tc.want) {
			t.Errorf("PixelPermutation(%v, %d) = %v, %v; want %v", tc.rng, tc.n, p, err, tc.want)
		}
	}
	if p, err := PixelPermutation(rng, 0); err != nil || len(p) != 0 {
		t.Errorf("PixelPermutation(rng, 0) = %v, %v; want an empty permutation", p, err)
	}
}

func TestPixelPermutation(t *testing.T) {
	a := must(PixelPermutation(rand.New(rand.NewPCG(1, 0)), 784))(t)
	b := must(PixelPermutation(rand.New(rand.NewPCG(1, 0)), 784))(t)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different permutations")
	}
	sorted := slices.Sorted(slices.Values(a))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("not a permutation of 0…783: sorted[%d] = %d", i, v)
		}
	}
	if slices.Equal(a, sorted) {
		t.Fatal("permutation of 784 elements is the identity")
	}
	c := must(PixelPermutation(rand.New(rand.NewPCG(2, 0)), 784))(t)
	if slices.Equal(a, c) {
		t.Fatal("different seeds, same permutation")
	}
}

// must returns a function that returns v, failing the test if err is not
// nil: must(f())(t) for an f that returns a value and an error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
