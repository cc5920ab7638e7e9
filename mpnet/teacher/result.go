package teacher

import (
	"time"

	"github.com/fbpgo/fbp/internal/check"
)

// Status says how the message passing of the last batches ended. Neither
// value is an error.
type Status int

const (
	// Converged: every batch reached Settings.Tol.
	Converged Status = iota
	// IterationLimit: at least one batch stopped at Settings.MaxIter
	// (Stats.Unconverged counts them).
	IterationLimit
)

// Stats counts the work of Infer.
type Stats struct {
	Batches     int // mini-batches processed (1 offline)
	Samples     int // samples used
	Iterations  int // message-passing iterations, summed over batches
	Unconverged int // batches that stopped at MaxIter

	// Contradictions counts messages and beliefs whose normalisation was
	// zero (every compatible configuration had zero weight: the incoming
	// messages exclude all configurations allowed by the data) and that were
	// reset to uniform. It stays 0 on consistent data unless beliefs have
	// become exactly 0 on a teacher's value.
	Contradictions int
	Runtime        time.Duration
}

// Result is the outcome of Infer.
type Result struct {
	// WIn and WOut are the estimates argmax_w b_i(w) (the maximum-mean-
	// overlap estimator of thesis eq. 2.3; the first maximum in the order
	// −1, 0, +1 on ties), in the slot order of the student's supports.
	WIn, WOut []int8
	// Belief holds q values per variable, the slots of W_in first, then
	// those of W_out: probabilities summing to 1, or for MaxSum log-beliefs
	// with maximum 0. q is 2 (values −1, +1) or 3 (−1, 0, +1) for a ternary
	// student.
	Belief []float64
	Stats
	Status Status
}

// String returns the name of s.
func (s Status) String() string {
	return check.Name("Status", int(s), "converged", "iteration limit")
}
