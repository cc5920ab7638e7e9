package teacher

import (
	"fmt"
	"math"
	"time"
)

// Algorithm selects the factor-to-variable update.
type Algorithm int

const (
	// SumProduct is belief propagation (thesis eq. 2.6–2.8): beliefs
	// estimate the posterior marginals.
	SumProduct Algorithm = iota
	// MaxProduct replaces the sum over configurations by a maximum (thesis
	// eq. 2.12): beliefs estimate the max-marginals.
	MaxProduct
	// MaxSum is the zero-temperature log-domain algorithm of thesis eq.
	// 3.4–3.7 on the energies H_a; messages are normalised to maximum 0.
	MaxSum
)

func (a Algorithm) String() string {
	switch a {
	case SumProduct:
		return "sum-product"
	case MaxProduct:
		return "max-product"
	case MaxSum:
		return "max-sum"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Mode selects how the data are split into mini-batches (thesis §2.2).
type Mode int

const (
	// Offline puts all the data in one factor graph.
	Offline Mode = iota
	// Batch processes Settings.Batch consecutive samples at a time; the
	// beliefs after a batch become the prior of the next (PasP with ρ = 1,
	// thesis eq. 2.10–2.11).
	Batch
	// Online is Batch with one sample per batch.
	Online
)

func (m Mode) String() string {
	switch m {
	case Offline:
		return "offline"
	case Batch:
		return "batch"
	case Online:
		return "online"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Settings configures Infer. The zero value runs offline sum-product with
// hard constraints, no damping and no reinforcement.
type Settings struct {
	Algorithm Algorithm
	Mode      Mode

	// Batch is the mini-batch size in Batch mode (the last batch holds the
	// remainder). Zero means 4. It must be 0 or 1 in Online mode and is
	// ignored in Offline mode.
	Batch int

	// Damping is α of thesis eq. 2.14: every factor-to-variable message is
	// set to α·old + (1 − α)·update. It must lie in [0, 1); zero means no
	// damping. The thesis uses 0.3.
	Damping float64

	// MaxIter limits the message-passing iterations per batch. Zero means 200.
	MaxIter int

	// Tol stops the iterations of a batch when no factor-to-variable
	// message changes by more than Tol in one iteration. Zero means 1e-10.
	Tol float64

	// Reinforcement is r of thesis eq. 3.8–3.11: at iteration t of a batch
	// each belief is multiplied by its previous value raised to r·t (added
	// r·t times, in the log domain). Zero means none; the thesis uses 0.01.
	Reinforcement float64

	// Beta is the inverse temperature β of the soft factors exp(−β H_a) of
	// thesis eq. 3.1 for SumProduct and MaxProduct. Zero means hard
	// constraints (β = ∞, thesis eq. 2.5). MaxSum ignores it.
	Beta float64

	// HardTol is the tolerance of a hard constraint: a configuration
	// satisfies sample η when |y_η,a − φ(z)| ≤ HardTol. Zero means 1e-9.
	HardTol float64

	// Workers is the number of goroutines that update factors and variables.
	// Zero means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int

	// Recorder, if not nil, is called after every batch; an error from it
	// stops Infer with that error.
	Recorder Recorder
}

// Recorder receives the progress of Infer after each batch.
type Recorder interface {
	Record(p *Progress) error
}

// Progress describes the state after one batch. WIn and WOut are the
// current estimates, read-only and valid only during the call.
type Progress struct {
	Batch      int  // batches done, from 1
	Samples    int  // samples used so far
	Iterations int  // iterations of this batch
	Converged  bool // whether this batch reached Tol
	WIn, WOut  []int8
	Elapsed    time.Duration
}

// Validate returns a *FieldError naming the first field out of its domain.
// A nil s is the zero Settings, as for Infer.
func (s *Settings) Validate() error {
	if s == nil {
		s = &Settings{}
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch {
	case s.Algorithm < SumProduct || s.Algorithm > MaxSum:
		return invalid("Settings.Algorithm", int(s.Algorithm), "want SumProduct, MaxProduct or MaxSum")
	case s.Mode < Offline || s.Mode > Online:
		return invalid("Settings.Mode", int(s.Mode), "want Offline, Batch or Online")
	case s.Batch < 0:
		return invalid("Settings.Batch", s.Batch, "want ≥ 1 (or 0 for the default)")
	case s.Mode == Online && s.Batch > 1:
		return invalid("Settings.Batch", s.Batch, "online learning uses batches of 1; use Mode Batch")
	case bad(s.Damping) || s.Damping < 0 || s.Damping >= 1:
		return invalid("Settings.Damping", s.Damping, "want 0 ≤ α < 1")
	case s.MaxIter < 0:
		return invalid("Settings.MaxIter", s.MaxIter, "want ≥ 0")
	case bad(s.Tol) || s.Tol < 0:
		return invalid("Settings.Tol", s.Tol, "want finite and ≥ 0")
	case bad(s.Reinforcement) || s.Reinforcement < 0:
		return invalid("Settings.Reinforcement", s.Reinforcement, "want finite and ≥ 0")
	case bad(s.Beta) || s.Beta < 0:
		return invalid("Settings.Beta", s.Beta, "want finite and ≥ 0 (0 for hard constraints)")
	case bad(s.HardTol) || s.HardTol < 0:
		return invalid("Settings.HardTol", s.HardTol, "want finite and ≥ 0")
	case s.Workers < 0:
		return invalid("Settings.Workers", s.Workers, "want ≥ 0")
	}
	return nil
}

// withDefaults returns a copy of s with zero fields replaced by defaults.
func (s Settings) withDefaults(workers int) Settings {
	switch {
	case s.Mode == Online:
		s.Batch = 1
	case s.Batch == 0:
		s.Batch = 4
	}
	if s.MaxIter == 0 {
		s.MaxIter = 200
	}
	if s.Tol == 0 {
		s.Tol = 1e-10
	}
	if s.HardTol == 0 {
		s.HardTol = 1e-9
	}
	if s.Workers == 0 {
		s.Workers = workers
	}
	return s
}
