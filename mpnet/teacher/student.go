package teacher

import (
	"math"
	"math/rand/v2"
)

// Student is the architecture a learner assumes: the supports of W_in and
// W_out it infers weights on, the activation and the weight alphabet, {±1}
// (the Bayes-optimal student of EXPERIMENTS §III.1) or {−1, 0, +1} when
// Ternary is set (the mismatched student of §III.2, in which 0 means
// "absent"). Weights on a student are stored in the slot order of its
// supports. A Student is read-only.
type Student struct {
	In, Out *Support
	Act     Activation
	Ternary bool
}

// BayesStudent returns the student that knows the teacher's architecture,
// supports and activation and infers the signs of the weights; nil for a
// Teacher that New did not make.
func BayesStudent(t *Teacher) *Student {
	if t.ready() != nil {
		return nil
	}
	return &Student{In: t.In, Out: t.Out, Act: t.Act}
}

// MismatchedStudent returns a ternary student whose supports contain the
// teacher's (A* = 1 ⇒ A = 1) with kIn non-zeros per row of W_in and kOut per
// row of W_out (EXPERIMENTS §III.2 uses 3 on one matrix and the teacher's 2
// on the other). The extra edges of each matrix are drawn by Biregular,
// avoiding the teacher's, input matrix first. It returns a *FieldError when
// a degree is below the teacher's or the extra degrees do not fit, and
// ErrGraph.
func MismatchedStudent(t *Teacher, kIn, kOut int, rng *rand.Rand) (*Student, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	in, err := extend(t.In, kIn, "kIn", rng)
	if err != nil {
		return nil, err
	}
	out, err := extend(t.Out, kOut, "kOut", rng)
	if err != nil {
		return nil, err
	}
	return &Student{In: in, Out: out, Act: t.Act, Ternary: true}, nil
}

func extend(s *Support, k int, name string, rng *rand.Rand) (*Support, error) {
	if k < s.K {
		return nil, invalid(name, k, "want ≥ %d, the teacher's non-zeros per row", s.K)
	}
	if k == s.K {
		return s, nil
	}
	extra, err := Biregular(s.Rows, s.Cols, k-s.K, s, rng)
	if err != nil {
		return nil, relabel(err, name, name, name)
	}
	return union(s, extra), nil
}

// q returns the size of the weight alphabet.
func (st *Student) q() int {
	if st.Ternary {
		return 3
	}
	return 2
}

// value returns the weight of alphabet index d: −1, +1 (binary) or −1, 0,
// +1 (ternary).
func (st *Student) value(d int) int8 {
	if st.Ternary {
		return int8(d - 1)
	}
	return int8(2*d - 1)
}

// WrongFraction returns the fraction of the teacher's non-zero weights that
// the student weights wIn, wOut (in the student's slot order) get wrong:
//
//	ε = (1/N*) Σ_{(i,j): A*_ij = 1} 1[W_ij ≠ W*_ij],   N* = number of teacher non-zeros
//
// that is 1 − overlap (thesis eq. 2.2). The student's supports must contain
// the teacher's. It is NaN when st or t is incomplete, or the weights or
// supports do not fit.
func (t *Teacher) WrongFraction(st *Student, wIn, wOut []int8) float64 {
	if !t.comparable(st, wIn, wOut) {
		return math.NaN()
	}
	wrong := countWrong(t.In, st.In, t.WIn, wIn) + countWrong(t.Out, st.Out, t.WOut, wOut)
	return float64(wrong) / float64(len(t.WIn)+len(t.WOut))
}

func countWrong(ts, ss *Support, tw, sw []int8) int {
	wrong := 0
	for r := 0; r < ts.Rows; r++ {
		srow := ss.Row(r)
		for k, c := range ts.Row(r) {
			j := 0
			for j < len(srow) && srow[j] != c {
				j++
			}
			if j == len(srow) || sw[r*ss.K+j] != tw[r*ts.K+k] {
				wrong++
			}
		}
	}
	return wrong
}

// TopologyError returns the topology error of EXPERIMENTS §III.2 (thesis
// eq. 3.12) of student weights wIn, wOut:
//
//	ε_topo = Σ_{both matrices} Σ_ij [ A*_ij (1 − |J_ij|) + A_ij (1 − A*_ij) |J_ij| ] / N_student
//
// where N_student is the number of slots of the student. It is NaN when st
// or t is incomplete, or the weights or supports do not fit.
func (t *Teacher) TopologyError(st *Student, wIn, wOut []int8) float64 {
	if !t.comparable(st, wIn, wOut) || len(wIn)+len(wOut) == 0 {
		return math.NaN()
	}
	e := topo(t.In, st.In, wIn) + topo(t.Out, st.Out, wOut)
	return float64(e) / float64(len(wIn)+len(wOut))
}

func topo(ts, ss *Support, sw []int8) int {
	e := 0
	for r := 0; r < ss.Rows; r++ {
		for k, c := range ss.Row(r) {
			present := sw[r*ss.K+k] != 0
			if ts.Has(r, c) != present {
				e++
			}
		}
	}
	return e
}

// GenError returns the generalisation error of EXPERIMENTS §III.2 (thesis
// eq. 3.13) of the student with weights wIn, wOut on test:
//
//	ε_gen = (1/N_test) Σ_η ‖y_η − y_η^student‖² / N_out
//
// It is NaN when st is incomplete, or the weights or test do not fit it.
func (st *Student) GenError(wIn, wOut []int8, test *Data) float64 {
	if !st.fits(wIn, wOut) || !st.fitsData(test) {
		return math.NaN()
	}
	y := make([]float64, test.NOut)
	h := make([]float64, st.In.Rows)
	var sum float64
	for n := 0; n < test.M; n++ {
		forward(y, h, test.X[n*test.NIn:(n+1)*test.NIn], st.In, st.Out, wIn, wOut, st.Act)
		for a, v := range test.Y[n*test.NOut : (n+1)*test.NOut] {
			sum += (v - y[a]) * (v - y[a])
		}
	}
	return sum / float64(test.M*test.NOut)
}
