package pasp

import (
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
)

// Stats are the counters and the latest evaluation of a training run.
type Stats struct {
	Epoch         int           // completed epochs
	Step          int           // mini-batches done in the current epoch
	StepsPerEpoch int           // ⌊M/B⌋
	Steps         int           // mini-batches done in all
	Sweeps        int           // message-passing iterations done in all
	Change        float64       // max_l mean|Δm| of the last iteration
	Runtime       time.Duration // training time, evaluations excluded
	Eval          Eval          // the evaluation after the last completed epoch
}

// Eval is the end-of-epoch evaluation of EXPERIMENTS §I.1: errors in
// percent on the whole sets, and per-layer polarization and overlap
// (ALGORITHMS §13).
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

// evaluate fills t.stats.Eval for the current epoch.
func (t *Trainer) evaluate(train, test *data.Set, epochSeconds float64) error {
	start := time.Now()
	e := Eval{Epoch: t.stats.Epoch, EpochSeconds: epochSeconds}
	var err error
	x, y := train.X, train.Y
	if n := t.s.TrainEval; n > 0 && n < len(y) {
		x, y = x[:n*train.N], y[:n]
	}
	if e.TrainError, e.TrainErrorBayes, err = t.net.Errors(x, y); err != nil {
		return errors.Wrap(err, "pasp: evaluating on the training set")
	}
	if test != nil {
		if e.TestError, e.TestErrorBayes, err = t.net.Errors(test.X, test.Y); err != nil {
			return errors.Wrap(err, "pasp: evaluating on the test set")
		}
	}
	for l := 0; l < t.net.L(); l++ {
		o := t.net.Overlaps(l)
		e.Q0 = append(e.Q0, o.MeanQ0)
		e.Qab = append(e.Qab, o.MeanQab)
	}
	e.EvalSeconds = time.Since(start).Seconds()
	t.stats.Eval = e
	return nil
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

// Result is what Fit returns.
type Result struct {
	Stats  Stats
	Status Status
}
