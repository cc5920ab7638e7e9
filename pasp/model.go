package pasp

import (
	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/train"
)

// The Trainer is a model of package train's epoch loop, with diagnostics,
// a finiteness check and a device-resident training set.
var (
	_ train.Model         = (*Trainer)(nil)
	_ train.Overlapper    = (*Trainer)(nil)
	_ train.FiniteChecker = (*Trainer)(nil)
	_ train.Uploader      = (*Trainer)(nil)
)

// Widths returns a copy of the network's widths N_0 … N_L; nil for a zero
// Trainer.
func (t *Trainer) Widths() []int {
	if t.ready() != nil {
		return nil
	}
	return t.net.Config().Widths
}

// Progress returns the run state that Fit advances (train.Model): the
// counters Stats returns and the source of the epoch orders. Checkpoints
// save it.
func (t *Trainer) Progress() *train.Progress {
	if t == nil {
		return nil
	}
	return &t.prog
}

// TrainBatch is Step, with the step's change stored in Stats.Change.
func (t *Trainer) TrainBatch(x []float64, y []int) error {
	if err := t.ready(); err != nil {
		return err
	}
	return t.stepStats(t.Step(x, y))
}

// stepStats stores the change of a finished step in the counters.
func (t *Trainer) stepStats(st StepStats, err error) error {
	if err != nil {
		return err
	}
	t.prog.Stats.Change = st.Change
	return nil
}

// Evaluate returns the point-wise and Bayesian error rates of the network,
// in percent, on the samples x with labels y (mpnet.Network.Errors).
func (t *Trainer) Evaluate(x []float64, y []int) (pointwise, bayes float64, err error) {
	if err := t.ready(); err != nil {
		return 0, 0, err
	}
	return t.net.Errors(x, y)
}

// Overlaps returns, per layer, the mean polarization q0 and the mean
// overlap qab of the magnetizations (ALGORITHMS §13); nil for a zero
// Trainer.
func (t *Trainer) Overlaps() (q0, qab []float64) {
	if t.ready() != nil {
		return nil, nil
	}
	for l := 0; l < t.net.L(); l++ {
		o := t.net.Overlaps(l)
		q0 = append(q0, o.MeanQ0)
		qab = append(qab, o.MeanQab)
	}
	return q0, qab
}

// CheckFinite returns a *mpnet.NonFiniteError for the first NaN or ±Inf in
// the network's weight state.
func (t *Trainer) CheckFinite() error {
	if err := t.ready(); err != nil {
		return err
	}
	return t.net.CheckFinite()
}

// Upload puts the training set in the memory of the network's device, so
// that Fit gathers its mini-batches there (train.Uploader). On the CPU it
// returns a nil Resident and Fit gathers them itself.
func (t *Trainer) Upload(s *data.Set) (train.Resident, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	if t.net.Device() == nil {
		return nil, nil
	}
	if s == nil {
		return nil, errors.New("pasp: Upload: nil training set")
	}
	r, err := t.net.Upload(s.X, s.Y)
	if err != nil {
		return nil, err
	}
	return &resident{t: t, r: r}, nil
}

// resident is a training set uploaded to the trainer's device.
type resident struct {
	t *Trainer
	r *mpnet.Resident
}

// TrainSamples is TrainBatch on the samples idx of the uploaded set.
func (r *resident) TrainSamples(idx []int) error {
	if r == nil {
		return errors.New("pasp: TrainSamples: nil resident set")
	}
	return r.t.stepStats(r.t.step(func() error { return r.t.net.SetBatchResident(r.r, idx) }))
}

// Release frees the device memory of the set.
func (r *resident) Release() {
	if r != nil {
		r.r.Release()
	}
}
