package data

import (
	"fmt"
	"math/rand/v2"

	"github.com/fbpgo/fbp/internal/par"
)

// Set is a labelled data set held in memory: M samples of N features each.
//
// Labels follow one of two encodings, chosen by Classes:
//
//	Classes >= 3: Y[i] is a class index in [0, Classes) (MNIST: the digit 0..9).
//	Classes == 2: Y[i] is a sign, -1 or +1, for a network with one sign output
//	              unit (see EvenOdd). Labels 0 and 1 are invalid in this encoding.
//
// A Set is plain data: its fields may be read and changed directly. Validate
// checks that they are consistent. All functions of this package that return
// a *Set return a new Set that shares no memory with their arguments.
type Set struct {
	X       []float64 // M×N row-major, one sample per row
	Y       []int     // M labels, encoded as described above
	M, N    int       // number of samples, features per sample
	Classes int       // number of classes; 2 selects the ±1 encoding
	Name    string    // where the set came from, used in error messages
}

// maxElems bounds M·N so that index arithmetic never overflows.
const maxElems = 1 << 40

// Validate reports whether s is consistent: M, N ≥ 0, len(X) = M·N,
// len(Y) = M, Classes ≥ 2, every label valid for the encoding that Classes
// selects and every pixel finite. The error is a *SetError that names the
// first offending index and wraps ErrShape, ErrLabelRange or ErrNonFinite.
// A nil set is invalid.
func (s *Set) Validate() error {
	if err := s.checkShapeLabels(); err != nil {
		return err
	}
	return s.checkPixels()
}

// checkShapeLabels is Validate without the check of the pixels.
func (s *Set) checkShapeLabels() error {
	if err := s.checkShape(); err != nil {
		return err
	}
	for i, y := range s.Y {
		if !s.validLabel(y) {
			return &SetError{Name: s.Name, Field: "Y", Index: i,
				Err: fmt.Errorf("%w: %d (Classes = %d)", ErrLabelRange, y, s.Classes)}
		}
	}
	return nil
}

// checkPixels is the check of the pixels of Validate, on a set that
// passes checkShapeLabels.
func (s *Set) checkPixels() error {
	if i := firstNonFinite(s.X); i >= 0 {
		return &SetError{Name: s.Name, Field: "X", Index: i,
			Err: fmt.Errorf("%w: %v", ErrNonFinite, s.X[i])}
	}
	return nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or -1,
// scanning in chunks on several goroutines (see par.FirstIndex).
func firstNonFinite(x []float64) int {
	return par.FirstIndex(len(x), chunkElems, func(lo, hi int) int {
		for i, v := range x[lo:hi] {
			if !finite(v) {
				return lo + i
			}
		}
		return -1
	})
}

// checkShape is the part of Validate that the functions indexing X and Y
// need: s is not nil, M, N ≥ 0, M·N ≤ maxElems, len(X) = M·N, len(Y) = M
// and Classes ≥ 2.
func (s *Set) checkShape() error {
	if s == nil {
		return &SetError{Name: "<nil>", Field: "shape", Index: -1, Err: fmt.Errorf("%w: nil set", ErrShape)}
	}
	shape := func(format string, args ...any) error {
		return &SetError{Name: s.Name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: "+format, append([]any{ErrShape}, args...)...)}
	}
	switch {
	case s.M < 0 || s.N < 0:
		return shape("M = %d, N = %d", s.M, s.N)
	case s.N > 0 && s.M > maxElems/s.N:
		return shape("M·N = %d·%d too large", s.M, s.N)
	case len(s.X) != s.M*s.N:
		return shape("len(X) = %d, want M·N = %d", len(s.X), s.M*s.N)
	case len(s.Y) != s.M:
		return shape("len(Y) = %d, want M = %d", len(s.Y), s.M)
	case s.Classes < 2:
		return shape("Classes = %d, want ≥ 2", s.Classes)
	}
	return nil
}

func (s *Set) validLabel(y int) bool {
	if s.Classes == 2 {
		return y == -1 || y == 1
	}
	return 0 <= y && y < s.Classes
}

// Row returns sample i as a slice of X (not a copy). Like indexing a slice,
// it panics if i is out of range [0, M) or s is inconsistent (see
// Validate): it is the one accessor of this package that does, because it
// is called in the inner loops of the trainers, on sets already checked.
func (s *Set) Row(i int) []float64 {
	return s.X[i*s.N : (i+1)*s.N : (i+1)*s.N]
}

// Clone returns a deep copy of s; the clone of a nil set is nil.
func (s *Set) Clone() *Set {
	if s == nil {
		return nil
	}
	c := *s
	c.X = append([]float64(nil), s.X...)
	c.Y = append([]int(nil), s.Y...)
	return &c
}

// withX returns a copy of s whose labels are copied and whose pixels are
// x, which the caller allocates and fills. A set without pixels gets a nil
// X, as Clone gives it.
func (s *Set) withX(x []float64) *Set {
	c := *s
	c.X = x
	if len(x) == 0 {
		c.X = nil
	}
	c.Y = append([]int(nil), s.Y...)
	return &c
}

// Head returns a new set holding the first n samples of s, for 1 ≤ n ≤ M.
// It returns the errors of Subset, and a *SetError wrapping ErrCount for n
// outside [1, M].
func (s *Set) Head(n int) (*Set, error) {
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	if n < 1 || n > s.M {
		return nil, &SetError{Name: s.Name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: Head(%d), want 1 ≤ n ≤ M = %d", ErrCount, n, s.M)}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return s.Subset(idx)
}

// Subset returns a new set holding the samples idx[0], idx[1], … of s, in
// that order; an index may repeat. It returns a *SetError wrapping ErrShape
// if s is inconsistent (see Validate) and one wrapping ErrCount, naming the
// position in idx, if an index is outside [0, M).
func (s *Set) Subset(idx []int) (*Set, error) {
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	for k, i := range idx {
		if i < 0 || i >= s.M {
			return nil, &SetError{Name: s.Name, Field: "shape", Index: -1,
				Err: fmt.Errorf("%w: Subset index idx[%d] = %d, want 0 ≤ index < M = %d", ErrCount, k, i, s.M)}
		}
	}
	out := &Set{
		X:       make([]float64, len(idx)*s.N),
		Y:       make([]int, len(idx)),
		M:       len(idx),
		N:       s.N,
		Classes: s.Classes,
		Name:    s.Name,
	}
	for k, i := range idx {
		copy(out.X[k*s.N:(k+1)*s.N], s.X[i*s.N:(i+1)*s.N])
		out.Y[k] = s.Y[i]
	}
	return out, nil
}

// Shuffle returns a copy of s with its samples in the order of one random
// permutation drawn from rng (rng.Perm(s.M)). The error wraps ErrNil for a
// nil rng, or is that of Subset.
func Shuffle(s *Set, rng *rand.Rand) (*Set, error) {
	if rng == nil {
		return nil, fmt.Errorf("data: Shuffle: %w: rng is nil", ErrNil)
	}
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	return s.Subset(rng.Perm(s.M))
}

// EvenOdd returns a copy of s relabelled for the 2-class task of
// EXPERIMENTS §I.1:
//
//	y' = +1 if y is odd, y' = -1 if y is even,
//
// with Classes = 2 (the ±1 encoding, see Set). s must hold class indices
// (Classes ≥ 3); for a set that already has Classes == 2 EvenOdd returns an
// unchanged copy, so applying it twice is harmless. The error is that of
// s.Validate.
func EvenOdd(s *Set) (*Set, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := s.Clone()
	if s.Classes == 2 {
		return out, nil
	}
	out.Classes = 2
	for i, y := range out.Y {
		if y%2 != 0 {
			out.Y[i] = 1
		} else {
			out.Y[i] = -1
		}
	}
	return out, nil
}

// TwoClassSeed is the seed of the one shuffle of the training set in the
// 2-class protocol (EXPERIMENTS §I.1). The generator is
// rand.New(rand.NewPCG(TwoClassSeed, 0)); the Julia reference's order is not
// reproduced.
const TwoClassSeed = 17

// TwoClass applies the 2-class protocol of EXPERIMENTS §I.1 to a train/test
// pair: both sets are relabelled with EvenOdd, and the training set is then
// shuffled once with a generator seeded with TwoClassSeed. The test set keeps
// its order. test may be nil, in which case testOut is nil. The inputs are
// not modified. The error is that of EvenOdd on either set.
func TwoClass(train, test *Set) (trainOut, testOut *Set, err error) {
	even, err := EvenOdd(train)
	if err != nil {
		return nil, nil, err
	}
	if test != nil {
		if testOut, err = EvenOdd(test); err != nil {
			return nil, nil, err
		}
	}
	trainOut, err = Shuffle(even, rand.New(rand.NewPCG(TwoClassSeed, 0)))
	if err != nil {
		return nil, nil, err
	}
	return trainOut, testOut, nil
}
