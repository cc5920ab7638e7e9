package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPermute(t *testing.T) {
	s := &Set{X: []float64{1, 2, 3, 4, 5, 6}, Y: []int{0, 2}, M: 2, N: 3, Classes: 3, Name: "tiny"}
	orig := s.Clone()
	got := Permute(s, []int{2, 0, 1})
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
	if got := Permute(s, id); !slices.Equal(got.X, s.X) {
		t.Fatal("identity permutation changed X")
	}
	p := PixelPermutation(rng, s.N)
	inv := make([]int, len(p))
	for i, v := range p {
		inv[v] = i
	}
	if got := Permute(Permute(s, p), inv); !slices.Equal(got.X, s.X) {
		t.Fatal("Permute by p then by its inverse is not the identity")
	}
}

func TestPermuteEmpty(t *testing.T) {
	s := &Set{N: 2, Classes: 10}
	if got := Permute(s, []int{1, 0}); got.M != 0 || len(got.X) != 0 {
		t.Fatalf("empty set: %+v", got)
	}
}

func TestPermutePanics(t *testing.T) {
	s := &Set{X: []float64{1, 2, 3}, Y: []int{0}, M: 1, N: 3, Classes: 10}
	for _, perm := range [][]int{nil, {0, 1}, {0, 1, 2, 3}, {0, 1, 1}, {0, 1, 3}, {-1, 0, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Permute(%v) did not panic", perm)
				}
			}()
			Permute(s, perm)
		}()
	}
}

func TestPixelPermutation(t *testing.T) {
	a := PixelPermutation(rand.New(rand.NewPCG(1, 0)), 784)
	b := PixelPermutation(rand.New(rand.NewPCG(1, 0)), 784)
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
	c := PixelPermutation(rand.New(rand.NewPCG(2, 0)), 784)
	if slices.Equal(a, c) {
		t.Fatal("different seeds, same permutation")
	}
}
