package train

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
)

// Fit trains m for Settings.Epochs epochs on train and returns why it
// stopped. A nil s means the zero Settings; test may be nil.
//
// Before the first epoch of a fresh model (no epoch and no step done) Fit
// evaluates it and records EpochEnd for epoch 0. Every epoch draws one
// permutation of train from m.Progress().Order, trains on its consecutive
// mini-batches of Settings.BatchSize samples (dropping the last incomplete
// one) and records StepEnd after each; then it checks the state
// (FiniteChecker), evaluates on train and test, records EpochEnd and calls
// Settings.Checkpoint.
//
// Fit stops early, with a Result and no error, when ctx is cancelled
// (after the current mini-batch, Status Interrupted) or when
// Settings.Runtime is exceeded (after the current epoch, Status
// RuntimeLimit). A data set that does not fit the model, an error from
// the model, the recorder or the checkpoint hook ends the run with that
// error and no Result; an invalid setting or a mini-batch larger than the
// training set is a *SettingsError. A nil ctx means context.Background();
// a nil m, or one without a Progress and its Order, is an error.
func Fit(ctx context.Context, m Model, train, test *data.Set, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	rs, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := validModel(m); err != nil {
		return nil, errors.Wrap(err, rs.Name)
	}
	r := &run{m: m, p: m.Progress(), s: rs, train: train, test: test}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r.fit(ctx)
}

// validModel checks what Fit needs of m before it calls TrainBatch: a
// Progress with its Order, and at least an input and an output width.
func validModel(m Model) error {
	if m == nil {
		return errors.New("the model is nil")
	}
	if p := m.Progress(); p == nil || p.Order == nil {
		return errors.New("the model has no Progress or no Progress.Order (is it a zero value? use its constructor)")
	}
	if w := m.Widths(); len(w) < 2 {
		return errors.Errorf("the model has %d widths, want N_0 … N_L (at least 2)", len(w))
	}
	return nil
}

// run is the state of one call of Fit.
type run struct {
	m           Model
	p           *Progress
	s           Settings // resolved
	train, test *data.Set
}

// check validates the data sets against the model and the batch size.
func (r *run) check() error {
	w := r.m.Widths()
	in, out := w[0], w[len(w)-1]
	if err := checkSet(r.s.Name, "training", r.train, in, out); err != nil {
		return err
	}
	if r.test != nil {
		if err := checkSet(r.s.Name, "test", r.test, in, out); err != nil {
			return err
		}
	}
	if B := r.s.BatchSize; B > r.train.M {
		return &SettingsError{"BatchSize", errors.Errorf("%d is larger than the training set (%d samples)", B, r.train.M)}
	}
	return nil
}

// checkSet validates the data set s (called name in errors) for a model
// with in inputs and out outputs: s.Validate, at least one sample, N = in,
// and labels that fit the output, which take the ±1 encoding of a 2-class
// set for one output and class indices of at most out classes otherwise.
func checkSet(prefix, name string, s *data.Set, in, out int) error {
	if s == nil {
		return errors.Errorf("%s: %s set is nil", prefix, name)
	}
	if err := s.Validate(); err != nil {
		return errors.Wrapf(err, "%s: %s set", prefix, name)
	}
	switch {
	case s.M == 0:
		return errors.Errorf("%s: %s set is empty", prefix, name)
	case s.N != in:
		return errors.Errorf("%s: %s set has %d features per sample, the network's input width is %d", prefix, name, s.N, in)
	case out == 1 && s.Classes != 2:
		return errors.Errorf("%s: %s set has %d classes; a one-output network needs the ±1 labels of a 2-class set", prefix, name, s.Classes)
	case out > 1 && (s.Classes > out || s.Classes == 2):
		return errors.Errorf("%s: %s set has %d classes (±1 labels when 2), the network has %d outputs (use one output for 2 classes)", prefix, name, s.Classes, out)
	}
	return nil
}

// fit runs the epochs.
func (r *run) fit(ctx context.Context) (*Result, error) {
	st := &r.p.Stats
	st.StepsPerEpoch = r.train.M / r.s.BatchSize
	if err := r.s.Recorder.Init(st); err != nil {
		return nil, r.wrap(err, "recorder")
	}
	start := time.Now()
	if st.Epoch == 0 && st.Steps == 0 {
		if err := r.evaluate(0); err != nil {
			return nil, err
		}
		if err := r.record(EpochEnd); err != nil {
			return nil, err
		}
	}
	step, release, err := r.stepper()
	if err != nil {
		return nil, err
	}
	defer release()
	res := &Result{Status: EpochLimit}
	for range r.s.Epochs {
		epochStart := time.Now()
		if done, err := r.epoch(ctx, step); err != nil {
			return nil, err
		} else if done {
			res.Status = Interrupted
			break
		}
		if err := r.endEpoch(epochStart); err != nil {
			return nil, err
		}
		if r.s.Runtime > 0 && time.Since(start) > r.s.Runtime {
			res.Status = RuntimeLimit
			break
		}
	}
	res.Stats = *st
	return res, nil
}

// stepper returns the function that trains on the training samples idx
// and the one that frees what it holds: the model's Resident if it
// uploads the set, else a gather into buffers for TrainBatch.
func (r *run) stepper() (step func(idx []int) error, release func(), err error) {
	if u, ok := r.m.(Uploader); ok {
		res, err := u.Upload(r.train)
		if err != nil {
			return nil, nil, r.wrap(err, "uploading the training set")
		}
		if res != nil {
			return res.TrainSamples, res.Release, nil
		}
	}
	B, N := r.s.BatchSize, r.train.N
	x, y := make([]float64, B*N), make([]int, B)
	step = func(idx []int) error {
		for n, i := range idx {
			copy(x[n*N:(n+1)*N], r.train.Row(i))
			y[n] = r.train.Y[i]
		}
		return r.m.TrainBatch(x, y)
	}
	return step, func() {}, nil
}

// epoch trains on the mini-batches of one permutation of the training
// set. It reports whether ctx stopped it.
func (r *run) epoch(ctx context.Context, step func(idx []int) error) (interrupted bool, err error) {
	st, B, M := &r.p.Stats, r.s.BatchSize, r.train.M
	perm := rand.New(r.p.Order).Perm(M)
	st.Step = 0
	for b := 0; b+B <= M; b += B {
		if ctx.Err() != nil {
			return true, nil
		}
		if err := step(perm[b : b+B]); err != nil {
			return false, errors.Wrapf(err, "%s: epoch %d, mini-batch %d", r.s.Name, st.Epoch+1, st.Step+1)
		}
		st.Step++
		if err := r.record(StepEnd); err != nil {
			return false, err
		}
	}
	return false, nil
}

// endEpoch closes the epoch that started at start: the state check, the
// counters, the evaluation, the record and the checkpoint.
func (r *run) endEpoch(start time.Time) error {
	st := &r.p.Stats
	if c, ok := r.m.(FiniteChecker); ok {
		if err := c.CheckFinite(); err != nil {
			return errors.Wrapf(err, "%s: epoch %d", r.s.Name, st.Epoch+1)
		}
	}
	st.Epoch++
	st.Step = 0
	elapsed := time.Since(start)
	st.Runtime += elapsed
	if err := r.evaluate(elapsed.Seconds()); err != nil {
		return err
	}
	if err := r.record(EpochEnd); err != nil {
		return err
	}
	if r.s.Checkpoint != nil {
		if err := r.s.Checkpoint(st); err != nil {
			return errors.Wrapf(err, "%s: checkpoint after epoch %d", r.s.Name, st.Epoch)
		}
	}
	return nil
}

// evaluate fills Stats.Eval for the current epoch.
func (r *run) evaluate(epochSeconds float64) error {
	start := time.Now()
	e := Eval{Epoch: r.p.Stats.Epoch, EpochSeconds: epochSeconds}
	x, y := r.train.X, r.train.Y
	if n := r.s.TrainEval; n > 0 && n < len(y) {
		x, y = x[:n*r.train.N], y[:n]
	}
	var err error
	if e.TrainError, e.TrainErrorBayes, err = r.m.Evaluate(x, y); err != nil {
		return r.wrap(err, "evaluating on the training set")
	}
	if r.test != nil {
		if e.TestError, e.TestErrorBayes, err = r.m.Evaluate(r.test.X, r.test.Y); err != nil {
			return r.wrap(err, "evaluating on the test set")
		}
	}
	if o, ok := r.m.(Overlapper); ok {
		e.Q0, e.Qab = o.Overlaps()
	}
	e.EvalSeconds = time.Since(start).Seconds()
	r.p.Stats.Eval = e
	return nil
}

// record sends ev to the recorder.
func (r *run) record(ev Event) error {
	if err := r.s.Recorder.Record(ev, &r.p.Stats); err != nil {
		return r.wrap(err, "recorder")
	}
	return nil
}

// wrap prefixes err with the run's name and what failed.
func (r *run) wrap(err error, what string) error {
	return errors.Wrapf(err, "%s: %s", r.s.Name, what)
}
