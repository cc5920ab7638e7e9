package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file holds the synthetic problems of EXPERIMENTS §II.1 and the
// teacher–student sets used to test the learning algorithms: inputs are
// i.i.d. uniform ±1 and every set uses the ±1 label encoding (Classes = 2).

// RandomPatterns returns the random classification problem of EXPERIMENTS
// §II.1: M patterns ξ ∈ {±1}^N with i.i.d. uniform entries and i.i.d.
// uniform labels σ ∈ {±1}, drawn from rng in the order ξ_1, σ_1, ξ_2, σ_2, ….
// The load of a network with S synapses is α = M/S (for a committee machine
// with K units of N inputs, S = N·K).
//
// It returns an error wrapping ErrShape when N < 1, M < 0 or
// M·N > MaxSyntheticElems, and one wrapping ErrNil when rng is nil.
func RandomPatterns(rng *rand.Rand, N, M int) (*Set, error) {
	if err := checkSynthetic("RandomPatterns", rng, N, M); err != nil {
		return nil, err
	}
	s := newSigns(fmt.Sprintf("random patterns N=%d M=%d", N, M), N, M)
	for n := 0; n < M; n++ {
		fillSigns(rng, s.Row(n))
		s.Y[n] = 2*rng.IntN(2) - 1
	}
	return s, nil
}

// RandomTeacher returns a perceptron teacher w ∈ {±1}^N with i.i.d. uniform
// entries. It returns an error wrapping ErrShape when N < 1 or
// N > MaxSyntheticElems, and one wrapping ErrNil when rng is nil.
func RandomTeacher(rng *rand.Rand, N int) ([]float64, error) {
	if err := checkSynthetic("RandomTeacher", rng, N, 1); err != nil {
		return nil, err
	}
	w := make([]float64, N)
	fillSigns(rng, w)
	return w, nil
}

// TeacherPatterns returns M patterns ξ ∈ {±1}^N (N = len(w)), i.i.d.
// uniform, labelled by the perceptron teacher w:
//
//	σ = sign(w·ξ),   sign(0) = +1
//
// (with ±1 weights and N odd there are no ties). It returns an error
// wrapping ErrShape when w is empty, M < 0 or M·N > MaxSyntheticElems, one
// wrapping ErrNonFinite when an entry of w is NaN or ±Inf, and one wrapping
// ErrNil when rng is nil.
func TeacherPatterns(rng *rand.Rand, w []float64, M int) (*Set, error) {
	N := len(w)
	if err := checkSynthetic("TeacherPatterns", rng, N, M); err != nil {
		return nil, err
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &SetError{Name: "TeacherPatterns", Field: "w", Index: i, Err: fmt.Errorf("%w: teacher weight %v", ErrNonFinite, v)}
		}
	}
	s := newSigns(fmt.Sprintf("teacher patterns N=%d M=%d", N, M), N, M)
	for n := 0; n < M; n++ {
		x := s.Row(n)
		fillSigns(rng, x)
		var z float64
		for i, v := range x {
			z += w[i] * v
		}
		s.Y[n] = 1
		if z < 0 {
			s.Y[n] = -1
		}
	}
	return s, nil
}

// MaxSyntheticElems bounds M·N for the synthetic sets (and N for
// RandomTeacher): 2^30 elements, 8 GiB of float64, far above the problems of
// EXPERIMENTS §II.1, so that a mistyped size fails with an error instead of
// exhausting memory.
const MaxSyntheticElems = 1 << 30

func checkSynthetic(name string, rng *rand.Rand, N, M int) error {
	if rng == nil {
		return fmt.Errorf("data: %s: %w: rng is nil", name, ErrNil)
	}
	if N < 1 || M < 0 || (M > 0 && N > MaxSyntheticElems/M) {
		return &SetError{Name: name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: N = %d, M = %d (want N ≥ 1, M ≥ 0, M·N ≤ %d)", ErrShape, N, M, MaxSyntheticElems)}
	}
	return nil
}

// newSigns allocates an M×N set with the ±1 label encoding.
func newSigns(name string, N, M int) *Set {
	return &Set{X: make([]float64, M*N), Y: make([]int, M), M: M, N: N, Classes: 2, Name: name}
}

// fillSigns sets every entry of x to +1 or −1 with probability ½ each,
// drawing 64 signs per random word.
func fillSigns(rng *rand.Rand, x []float64) {
	for i := 0; i < len(x); i += 64 {
		bits := rng.Uint64()
		for j := i; j < len(x) && j < i+64; j++ {
			x[j] = float64(int(bits&1)*2 - 1)
			bits >>= 1
		}
	}
}
