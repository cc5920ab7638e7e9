package train

import (
	"math/rand/v2"

	"github.com/fbpgo/fbp/data"
)

// Model is a network together with its learning rule, as Fit drives it:
// the PasP trainer (pasp.Trainer), BinaryNet and its continuous-weight SGD
// variant, EBP (package compare).
type Model interface {
	// Widths returns the layer widths N_0 … N_L (at least two). Fit checks
	// the data sets against N_0 (features per sample) and N_L (1: ±1
	// labels; C ≥ 2: class indices below C).
	Widths() []int
	// Progress returns the run state that Fit advances in place; its Order
	// must be set. The model owns it, so that it carries over from one Fit
	// to the next and into checkpoints.
	Progress() *Progress
	// TrainBatch trains on one mini-batch: x holds B samples (B×N_0, one
	// per row), y their labels. It updates Stats.Steps, Sweeps and Change.
	// Fit owns x and y and overwrites them after the call.
	TrainBatch(x []float64, y []int) error
	// Evaluate returns the point-wise and the Bayesian error rates, in
	// percent, on the samples x (one per row) with labels y. A model
	// without a Bayesian prediction returns 0 for it.
	Evaluate(x []float64, y []int) (pointwise, bayes float64, err error)
}

// Progress is the run state of a Model: its counters and the random source
// of the epoch orders (data.OrderSource of the run's seed), from which Fit
// draws one permutation rand.New(Order).Perm(M) per epoch and nothing else.
type Progress struct {
	Stats Stats
	Order *rand.PCG
}

// Overlapper is a Model with per-layer diagnostics: after every evaluation
// Fit stores them in Eval.Q0 and Eval.Qab.
type Overlapper interface {
	// Overlaps returns, per layer, the mean polarization q0 and the mean
	// overlap qab (ALGORITHMS §13); either may be nil.
	Overlaps() (q0, qab []float64)
}

// FiniteChecker is a Model that can check its state for NaN and ±Inf: Fit
// calls CheckFinite at the end of every epoch, before evaluating, and
// stops with its error.
type FiniteChecker interface {
	CheckFinite() error
}

// Uploader is a Model that can keep the training set where it computes (a
// GPU): Fit calls Upload once per run, after the epoch-0 evaluation. A nil
// Resident (a model on the CPU) means that Fit gathers each mini-batch
// itself and calls TrainBatch.
type Uploader interface {
	Upload(train *data.Set) (Resident, error)
}

// Resident is a training set held by a model (see Uploader).
type Resident interface {
	// TrainSamples is TrainBatch on the samples idx of the set, in that order.
	TrainSamples(idx []int) error
	// Release frees the set; Fit calls it before returning.
	Release()
}
