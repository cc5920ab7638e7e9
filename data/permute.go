package data

import (
	"fmt"
	"math/rand/v2"
)

// Permute returns a copy of s whose features are reordered by perm, the
// same reordering for every sample:
//
//	out.X[n*N+i] = s.X[n*N+perm[i]]
//
// so that feature i of the result is feature perm[i] of s. Labels, M, N,
// Classes and Name are kept. Applied to MNIST with one fixed random perm per
// task it gives the permuted-MNIST tasks of continual learning: every task
// has the same pixel statistics and labels, and a different pixel order.
//
// perm must be a permutation of 0 … s.N−1 (see PixelPermutation). The error
// is a *SetError wrapping ErrShape if s is inconsistent (see Validate) or
// perm is not such a permutation. The result shares no memory with s.
func Permute(s *Set, perm []int) (*Set, error) {
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return &SetError{Name: s.Name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: Permute: "+format, append([]any{ErrShape}, args...)...)}
	}
	if len(perm) != s.N {
		return nil, bad("permutation of length %d for %d features", len(perm), s.N)
	}
	seen := make([]bool, s.N)
	for i, p := range perm {
		if p < 0 || p >= s.N || seen[p] {
			return nil, bad("perm[%d] = %d: not a permutation of 0…%d", i, p, s.N-1)
		}
		seen[p] = true
	}
	out := &Set{
		X:       make([]float64, len(s.X)),
		Y:       append([]int(nil), s.Y...),
		M:       s.M,
		N:       s.N,
		Classes: s.Classes,
		Name:    s.Name,
	}
	N := s.N
	for n := 0; n < s.M; n++ {
		src, dst := s.X[n*N:(n+1)*N], out.X[n*N:(n+1)*N]
		for i, p := range perm {
			dst[i] = src[p]
		}
	}
	return out, nil
}

// MaxFeatures bounds the length of a permutation drawn by PixelPermutation:
// MaxIDXDim², the most pixels an IDX image may have.
const MaxFeatures = MaxIDXDim * MaxIDXDim

// PixelPermutation draws one uniformly random permutation of 0 … n−1 from
// rng (rng.Perm(n)), for Permute. Drawing the permutations of successive
// tasks from one generator, e.g. rand.New(rand.NewPCG(seed, 0)), makes the
// task sequence reproducible from the seed. The error wraps ErrNil for a nil
// rng and ErrShape for n outside [0, MaxFeatures].
func PixelPermutation(rng *rand.Rand, n int) ([]int, error) {
	switch {
	case rng == nil:
		return nil, fmt.Errorf("data: PixelPermutation: %w: rng is nil", ErrNil)
	case n < 0 || n > MaxFeatures:
		return nil, fmt.Errorf("data: PixelPermutation: %w: n = %d, want 0 ≤ n ≤ %d (MaxFeatures)", ErrShape, n, MaxFeatures)
	}
	return rng.Perm(n), nil
}
