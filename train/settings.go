package train

import (
	"fmt"
	"time"

	"github.com/pkg/errors"
)

// Settings are the limits and hooks of Fit. The zero value is valid.
type Settings struct {
	// BatchSize is the mini-batch size B; 0 means 128. The last incomplete
	// mini-batch of every epoch is dropped, so B must not exceed the
	// number of training samples.
	BatchSize int
	// Epochs is the number of epochs Fit runs; 0 means 1.
	Epochs int
	// Runtime stops Fit after the epoch during which it is exceeded
	// (Status RuntimeLimit); 0: no limit. The epoch-0 evaluation counts.
	Runtime time.Duration
	// TrainEval limits the training error of every evaluation to the first
	// TrainEval training samples; 0 evaluates the whole training set (the
	// protocol of EXPERIMENTS §I.1).
	TrainEval int
	// Recorder receives progress; nil records nothing.
	Recorder Recorder
	// Checkpoint, if not nil, is called after every completed epoch, once
	// its EpochEnd has been recorded (never for epoch 0, nor when the run
	// is interrupted inside an epoch); an error from it ends the run. It
	// is where a model saves itself so that a run can be resumed.
	Checkpoint func(*Stats) error
	// Name starts every error message of Fit, for example "pasp"; empty
	// means "train".
	Name string
}

// SettingsError names a setting of Fit that is invalid or does not fit the
// training set.
type SettingsError struct {
	Field string
	Err   error
}

func (e *SettingsError) Error() string { return fmt.Sprint("train: Settings.", e.Field, ": ", e.Err) }
func (e *SettingsError) Unwrap() error { return e.Err }

// resolve returns a copy of s with the defaults applied, or a
// *SettingsError naming the first invalid field.
func (s *Settings) resolve() (Settings, error) {
	r := *s
	switch {
	case s.BatchSize < 0:
		return r, &SettingsError{"BatchSize", errors.Errorf("%d: want a size ≥ 1 (0 means 128)", s.BatchSize)}
	case s.Epochs < 0:
		return r, &SettingsError{"Epochs", errors.Errorf("%d: want a count ≥ 0", s.Epochs)}
	case s.TrainEval < 0:
		return r, &SettingsError{"TrainEval", errors.Errorf("%d: want a count ≥ 0", s.TrainEval)}
	case s.Runtime < 0:
		return r, &SettingsError{"Runtime", errors.Errorf("%v: want a duration ≥ 0", s.Runtime)}
	}
	if r.BatchSize == 0 {
		r.BatchSize = 128
	}
	r.Epochs = max(r.Epochs, 1)
	if r.Recorder == nil {
		r.Recorder = Discard
	}
	if r.Name == "" {
		r.Name = "train"
	}
	return r, nil
}
