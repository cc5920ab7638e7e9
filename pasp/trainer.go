package pasp

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// Trainer trains a network by Posterior-as-Prior message passing
// (ALGORITHMS §9): for every mini-batch, the last posterior becomes the
// prior, the batch is loaded, the downward messages are reset, and τmax
// message-passing iterations run.
type Trainer struct {
	net   *mpnet.Network
	s     Settings
	rv    *resolved
	src   *rand.PCG  // masks and initial fields; saved in checkpoints
	rng   *rand.Rand //
	order *rand.PCG  // the epoch orders, data.OrderSource(Seed); saved too

	r     []float64 // current reinforcement per layer (§10.2)
	calls int       // iterations seen by the reinforcement schedule
	stats Stats
}

// New builds the network for cfg and a trainer for it: masks and initial
// fields (ϵinit) come from the random source seeded with s.Seed. A nil s
// means the zero Settings.
func New(cfg mpnet.Config, s *Settings) (*Trainer, error) {
	if s == nil {
		s = &Settings{}
	}
	rv, err := s.resolve(len(cfg.Widths) - 1)
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
	t := &Trainer{net: net, s: *s, rv: rv, src: src, rng: rng, order: data.OrderSource(s.Seed), r: append([]float64(nil), rv.r...)}
	return t, nil
}

// Network returns the network being trained.
func (t *Trainer) Network() *mpnet.Network { return t.net }

// Settings returns a copy of the trainer's settings.
func (t *Trainer) Settings() Settings { return t.s }

// SetRecorder replaces the recorder (for example after loading a checkpoint).
func (t *Trainer) SetRecorder(r Recorder) { t.s.Recorder = r }

// SetEpochs sets how many epochs the next Fit runs.
func (t *Trainer) SetEpochs(n int) error {
	if n < 1 {
		return &SettingsError{"Epochs", errors.Errorf("%d: want a count ≥ 1", n)}
	}
	t.s.Epochs, t.rv.epochs = n, n
	return nil
}

// Stats returns the trainer's counters.
func (t *Trainer) Stats() Stats { return t.stats }

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
	return t.step(func() error { return t.net.SetBatch(x, y) })
}

// stepResident is Step on the samples idx of a data set uploaded to the
// network's device (mpnet.Resident).
func (t *Trainer) stepResident(r *mpnet.Resident, idx []int) (StepStats, error) {
	return t.step(func() error { return t.net.SetBatchResident(r, idx) })
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
	// A field that overflowed to ±Inf turns into NaN at the next prior
	// step; stop here rather than train on it (O(K·N), the sweep is O(K·N·B)).
	// Iterate has checked the state it leaves.
	if st.Iterations == 0 {
		if err := t.net.CheckFinite(); err != nil {
			return st, err
		}
	}
	t.stats.Steps++
	t.stats.Sweeps += st.Iterations
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

// checkSet validates a data set against the network.
func (t *Trainer) checkSet(name string, s *data.Set) error {
	if s == nil {
		return errors.Errorf("pasp: %s set is nil", name)
	}
	cfg := t.net.Config()
	if s.N != cfg.Widths[0] {
		return errors.Errorf("pasp: %s set has %d features per sample, the network's input width is %d", name, s.N, cfg.Widths[0])
	}
	if s.M == 0 || len(s.Y) != s.M || len(s.X) != s.M*s.N {
		return errors.Errorf("pasp: %s set is empty or inconsistent (M = %d, %d labels, %d values)", name, s.M, len(s.Y), len(s.X))
	}
	for j, v := range s.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.Errorf("pasp: %s set: feature %d of sample %d is %v", name, j%s.N, j/s.N, v)
		}
	}
	classes := cfg.Classes()
	for n, y := range s.Y {
		if classes == 2 && cfg.Widths[len(cfg.Widths)-1] == 1 {
			if y != 1 && y != -1 {
				return errors.Errorf("pasp: %s set: label %d of sample %d: a one-output network needs labels ±1 (use the 2-class task)", name, y, n)
			}
		} else if y < 0 || y >= classes {
			return errors.Errorf("pasp: %s set: label %d of sample %d is outside [0, %d)", name, y, n, classes)
		}
	}
	return nil
}

// Fit trains for Settings.Epochs epochs on train, evaluating on train and
// test before the first epoch (epoch 0, only on a fresh trainer) and after
// each. Every epoch draws a fresh permutation of train from
// data.OrderSource(Seed), the order every trainer of the module uses, and
// drops the last incomplete mini-batch. Fit stops early
// when Runtime is exceeded or ctx is cancelled (after the current
// mini-batch); the Result's Status says why it stopped. test may be nil.
func (t *Trainer) Fit(ctx context.Context, train, test *data.Set) (*Result, error) {
	if err := t.checkSet("training", train); err != nil {
		return nil, err
	}
	if test != nil {
		if err := t.checkSet("test", test); err != nil {
			return nil, err
		}
	}
	B := t.rv.batch
	if B > train.M {
		return nil, &SettingsError{"BatchSize", errors.Errorf("%d is larger than the training set (%d samples)", B, train.M)}
	}
	rec := t.s.Recorder
	if rec == nil {
		rec = nopRecorder{}
	}
	t.stats.StepsPerEpoch = train.M / B
	if err := rec.Init(&t.stats); err != nil {
		return nil, errors.Wrap(err, "pasp: recorder")
	}
	start := time.Now()
	if t.stats.Epoch == 0 && t.stats.Steps == 0 {
		if err := t.evaluate(train, test, 0); err != nil {
			return nil, err
		}
		if err := rec.Record(EpochEnd, &t.stats); err != nil {
			return nil, errors.Wrap(err, "pasp: recorder")
		}
	}
	N0 := train.N
	x := make([]float64, B*N0)
	y := make([]int, B)
	var resident *mpnet.Resident
	if t.net.Device() != nil {
		// The training set goes to the device once; batches are gathered there.
		var err error
		if resident, err = t.net.Upload(train.X, train.Y); err != nil {
			return nil, errors.Wrap(err, "pasp: uploading the training set")
		}
		defer resident.Release()
	}
	res := &Result{Status: EpochLimit}
	for range t.rv.epochs {
		epochStart := time.Now()
		perm := rand.New(t.order).Perm(train.M)
		t.stats.Step = 0
		for b := 0; b+B <= train.M; b += B {
			if err := ctx.Err(); err != nil {
				res.Status = Interrupted
				res.Stats = t.stats
				return res, nil
			}
			var st StepStats
			var err error
			if resident != nil {
				st, err = t.stepResident(resident, perm[b:b+B])
			} else {
				for n, idx := range perm[b : b+B] {
					copy(x[n*N0:(n+1)*N0], train.X[idx*N0:(idx+1)*N0])
					y[n] = train.Y[idx]
				}
				st, err = t.Step(x, y)
			}
			if err != nil {
				return nil, errors.Wrapf(err, "pasp: epoch %d, mini-batch %d", t.stats.Epoch+1, t.stats.Step+1)
			}
			t.stats.Step++
			t.stats.Change = st.Change
			if err := rec.Record(StepEnd, &t.stats); err != nil {
				return nil, errors.Wrap(err, "pasp: recorder")
			}
		}
		if err := t.net.CheckFinite(); err != nil {
			return nil, errors.Wrapf(err, "pasp: epoch %d", t.stats.Epoch+1)
		}
		t.stats.Epoch++
		t.stats.Step = 0
		elapsed := time.Since(epochStart)
		t.stats.Runtime += elapsed
		if err := t.evaluate(train, test, elapsed.Seconds()); err != nil {
			return nil, err
		}
		if err := rec.Record(EpochEnd, &t.stats); err != nil {
			return nil, errors.Wrap(err, "pasp: recorder")
		}
		if t.s.Runtime > 0 && time.Since(start) > t.s.Runtime {
			res.Status = RuntimeLimit
			break
		}
	}
	res.Stats = t.stats
	return res, nil
}

// randPCG is the run's random source type.
type randPCG = rand.PCG

func newRand(src *rand.PCG) *rand.Rand { return rand.New(src) }
