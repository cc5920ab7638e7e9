package pasp

import (
	"context"
	"math/rand/v2"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/train"
)

// Trainer trains a network by Posterior-as-Prior message passing
// (ALGORITHMS §9): for every mini-batch, the last posterior becomes the
// prior, the batch is loaded, the downward messages are reset, and τmax
// message-passing iterations run.
type Trainer struct {
	net  *mpnet.Network
	s    Settings
	rv   *resolved
	src  *rand.PCG      // masks and initial fields; saved in checkpoints
	rng  *rand.Rand     //
	prog train.Progress // counters and the epoch orders, data.OrderSource(Seed); saved too

	r          []float64 // current reinforcement per layer (§10.2)
	calls      int       // iterations seen by the reinforcement schedule
	checkpoint string    // SetCheckpointFile's path; "": none
}

// New builds the network for cfg and a trainer for it: masks and initial
// fields (ϵinit) come from the random source seeded with s.Seed. A nil s
// means the paper's settings for cfg, DefaultSettings(k, L, classes) with
// k the kind of the first layer (Seed 0); the zero Settings would not
// learn (ϵinit = 0 leaves the hidden units symmetric).
func New(cfg mpnet.Config, s *Settings) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		s = defaultsFor(cfg)
	}
	rv, err := s.resolveFor(cfg)
	if err != nil {
		return nil, err
	}
	src := rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15)
	rng := rand.New(src)
	net, err := mpnet.New(cfg, rng)
	if err != nil {
		return nil, err
	}
	if err := net.Init(s.EpsInit, rng); err != nil {
		return nil, err
	}
	if err := setFocus(net, rv, s.FocusPrior); err != nil {
		return nil, err
	}
	t := &Trainer{net: net, s: *s, rv: rv, src: src, rng: rng, r: append([]float64(nil), rv.r...)}
	t.prog.Order = data.OrderSource(s.Seed)
	return t, nil
}

// defaultsFor returns DefaultSettings for the valid network cfg.
func defaultsFor(cfg mpnet.Config) *Settings {
	return DefaultSettings(cfg.Kinds[0], cfg.L(), cfg.Classes())
}

// errZero is what the methods of a Trainer that New did not make return.
var errZero = errors.New("pasp: the Trainer is nil or a zero value: make it with New, Load or LoadFile")

// ready returns errZero for a Trainer that New, Load or LoadFile did not
// make. Every method that needs the network checks it, so that a zero or
// nil Trainer gives an error rather than a panic.
func (t *Trainer) ready() error {
	if t == nil || t.net == nil || t.rv == nil {
		return errZero
	}
	return nil
}

// Network returns the network being trained; nil for a zero Trainer.
func (t *Trainer) Network() *mpnet.Network {
	if t == nil {
		return nil
	}
	return t.net
}

// Settings returns a copy of the trainer's settings.
func (t *Trainer) Settings() Settings {
	if t == nil {
		return Settings{}
	}
	return t.s
}

// SetRecorder replaces the recorder (for example after loading a
// checkpoint); nil records nothing. On a nil Trainer it does nothing.
func (t *Trainer) SetRecorder(r Recorder) {
	if t != nil {
		t.s.Recorder = r
	}
}

// SetEpochs sets how many epochs the next Fit runs.
func (t *Trainer) SetEpochs(n int) error {
	if err := t.ready(); err != nil {
		return err
	}
	if n < 1 {
		return &SettingsError{"Epochs", errors.Errorf("%d: want a count ≥ 1", n)}
	}
	t.s.Epochs, t.rv.epochs = n, n
	return nil
}

// Stats returns the trainer's counters.
func (t *Trainer) Stats() Stats {
	if t == nil {
		return Stats{}
	}
	return t.prog.Stats
}

// StepStats describes one mini-batch.
type StepStats struct {
	Iterations int     // message-passing iterations run (τmax)
	Change     float64 // max_l mean|m_old − m_new| of the last iteration
}

// Step trains on one mini-batch: x holds B samples (B×N_0, one per row), y
// their labels (±1 for a sign output, class indices for ArgMax):
//
//  1. Hext_l ← ρ_l·H_l + rbatch·Hext_l     (skipped when every ρ is 0)
//  2. load the batch and reset the downward messages
//  3. τmax times: one sweep, then advance the reinforcement schedule.
//
// A NaN or ±Inf in the weight state afterwards is a *mpnet.NonFiniteError.
func (t *Trainer) Step(x []float64, y []int) (StepStats, error) {
	if err := t.ready(); err != nil {
		return StepStats{}, err
	}
	return t.step(func() error { return t.net.SetBatch(x, y) })
}

// step is Step with the batch loaded by load.
func (t *Trainer) step(load func() error) (StepStats, error) {
	var st StepStats
	anyRho := false
	for _, r := range t.rv.rho {
		anyRho = anyRho || r != 0
	}
	if anyRho {
		if err := t.net.SetPrior(t.rv.rho, t.s.RBatch); err != nil {
			return st, err
		}
	}
	if err := load(); err != nil {
		return st, err
	}
	for it := 0; it < t.rv.tauMax; it++ {
		c, err := t.net.Iterate(t.rv.psi, t.r)
		if err != nil {
			return st, err
		}
		st.Iterations++
		st.Change = c
		t.advanceSchedule()
	}
	// τmax ≥ 1 iterations ran, and Iterate has checked the state it leaves:
	// a field that overflowed to ±Inf has stopped the step there.
	t.prog.Stats.Steps++
	t.prog.Stats.Sweeps += st.Iterations
	return st, nil
}

// advanceSchedule is the reinforcement schedule of ALGORITHMS §10.2: after
// a wait of 10 iterations, r ← 1 − (1 − r)(1 − RStep) after each (γ ←
// γ·(1 + RStep) on a focused layer, §10.3).
func (t *Trainer) advanceSchedule() {
	if t.calls < 10 {
		t.calls++
		return
	}
	if t.s.RStep == 0 {
		return
	}
	for l := range t.r {
		t.advanceR(l)
	}
}

// Fit trains for Settings.Epochs epochs on train with the epoch loop of
// package train (train.Fit): it evaluates on train and test before the
// first epoch (epoch 0, only on a fresh trainer) and after each, draws
// every epoch's permutation from data.OrderSource(Seed), the order every
// trainer of the module uses, and drops the last incomplete mini-batch. A
// network on a device gets the training set uploaded once, and its
// mini-batches are gathered there. After every epoch the trainer is saved
// to the checkpoint file, if SetCheckpointFile set one. Fit stops early
// when Runtime is exceeded or ctx is cancelled (after the current
// mini-batch); the Result's Status says why it stopped. test may be nil,
// and so may ctx (context.Background()). A batch size larger than the
// training set is a *SettingsError.
func (t *Trainer) Fit(ctx context.Context, trainSet, test *data.Set) (*Result, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	s := &train.Settings{BatchSize: t.rv.batch, Epochs: t.rv.epochs, Runtime: t.s.Runtime,
		TrainEval: t.s.TrainEval, Recorder: t.s.Recorder, Name: "pasp"}
	if t.checkpoint != "" {
		path := t.checkpoint
		s.Checkpoint = func(*Stats) error { return t.SaveFile(path) }
	}
	res, err := train.Fit(ctx, t, trainSet, test, s)
	var se *train.SettingsError
	if errors.As(err, &se) {
		return nil, &SettingsError{Field: se.Field, Err: se.Err}
	}
	return res, err
}

// SetCheckpointFile makes every later Fit save the trainer to path
// (SaveFile) after each completed epoch; "" turns it off. The path is not
// part of the checkpoint. On a nil Trainer it does nothing.
func (t *Trainer) SetCheckpointFile(path string) {
	if t != nil {
		t.checkpoint = path
	}
}

// randPCG is the run's random source type.
type randPCG = rand.PCG

func newRand(src *rand.PCG) *rand.Rand { return rand.New(src) }
