package train

import "time"

// Stats are the counters and the latest evaluation of a training run.
// Fit maintains Epoch, Step, StepsPerEpoch, Runtime and Eval; a model's
// TrainBatch maintains Steps, Sweeps and Change (a model may also be
// stepped outside Fit).
type Stats struct {
	Epoch         int           // completed epochs
	Step          int           // mini-batches done in the current epoch
	StepsPerEpoch int           // ⌊M/B⌋
	Steps         int           // mini-batches done in all
	Sweeps        int           // message-passing iterations (or solver steps) done in all
	Change        float64       // the model's change measure of the last mini-batch
	Runtime       time.Duration // training time, evaluations excluded
	Eval          Eval          // the evaluation after the last completed epoch
}

// Eval is the end-of-epoch evaluation of EXPERIMENTS §I.1: errors in
// percent on the whole sets, and per-layer polarization and overlap
// (ALGORITHMS §13) of a model that has them (Overlapper).
type Eval struct {
	Epoch           int       `json:"epoch"`
	TrainError      float64   `json:"train_error"`
	TestError       float64   `json:"test_error"`
	TrainErrorBayes float64   `json:"train_error_bayes"`
	TestErrorBayes  float64   `json:"test_error_bayes"`
	EpochSeconds    float64   `json:"epoch_seconds"`
	EvalSeconds     float64   `json:"eval_seconds"`
	Q0              []float64 `json:"q0"`  // per layer: mean_k q0[k]
	Qab             []float64 `json:"qab"` // per layer: mean of the whole qab matrix
}

// Status says why Fit stopped. Reaching a limit is not an error.
type Status int

const (
	// EpochLimit: Settings.Epochs epochs ran.
	EpochLimit Status = iota
	// RuntimeLimit: Settings.Runtime was exceeded.
	RuntimeLimit
	// Interrupted: the context was cancelled.
	Interrupted
)

func (s Status) String() string {
	switch s {
	case EpochLimit:
		return "EpochLimit"
	case RuntimeLimit:
		return "RuntimeLimit"
	case Interrupted:
		return "Interrupted"
	}
	return "Status(?)"
}

// Early reports whether the run stopped before its epoch limit.
func (s Status) Early() bool { return s != EpochLimit }

// Result is what Fit returns: a copy of the counters when it stopped, and
// why it stopped.
type Result struct {
	Stats  Stats
	Status Status
}
