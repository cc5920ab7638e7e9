package pasp

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// robustSet returns m Gaussian samples of n features with labels for a
// network with out outputs (±1 for one output, classes otherwise).
func robustSet(m, n, out int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := &data.Set{X: make([]float64, m*n), Y: make([]int, m), M: m, N: n, Classes: max(out, 2), Name: "robust"}
	for i := range s.X {
		s.X[i] = rng.NormFloat64()
	}
	for i := range s.Y {
		if out == 1 {
			s.Y[i] = 2*rng.IntN(2) - 1
		} else {
			s.Y[i] = rng.IntN(out)
		}
	}
	return s
}

// finiteRecorder checks the network after every mini-batch: it counts the
// steps run on a non-finite state and the epochs that ended on one.
type finiteRecorder struct {
	net      *mpnet.Network
	steps    int // StepEnd events
	badSteps int // StepEnd events with a NaN or ±Inf in the state
	firstBad error
	epochs   []int // Epoch of every EpochEnd event
}

func (r *finiteRecorder) Init(*Stats) error { return nil }
func (r *finiteRecorder) Record(ev Event, st *Stats) error {
	err := r.net.CheckFinite()
	switch ev {
	case StepEnd:
		r.steps++
		if err != nil {
			r.badSteps++
			if r.firstBad == nil {
				r.firstBad = err
			}
		}
	case EpochEnd:
		r.epochs = append(r.epochs, st.Epoch)
		if err != nil {
			return errors.New("EpochEnd recorded on a non-finite network: " + err.Error())
		}
	}
	return nil
}

type robustCase struct {
	name  string
	kind  mpnet.Kind
	out   int
	rho   float64
	psi   float64
	tau   int
	epoch int
}

func (c robustCase) trainer(t *testing.T) (*Trainer, *finiteRecorder, *data.Set) {
	t.Helper()
	cfg := mpnet.Config{Widths: []int{20, 15, 10, c.out}, Kinds: mpnet.Kinds(c.kind, 3, max(c.out, 2))}
	s := &Settings{Rho: []float64{c.rho}, Psi: []float64{c.psi}, TauMax: c.tau, EpsInit: 1, BatchSize: 8, Epochs: c.epoch, Seed: 3}
	tr, err := New(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	rec := &finiteRecorder{net: tr.Network()}
	tr.SetRecorder(rec)
	return tr, rec, robustSet(32, 20, c.out, 4)
}

// TestFitExtremeSettingsStayFinite runs Fit for 100 epochs (400 mini-batches)
// under extreme but overflow-free settings (ρ = 1.05 grows the fields like
// 1.05^t, to about 10^9 here) and checks every mini-batch's state.
func TestFitExtremeSettingsStayFinite(t *testing.T) {
	epochs := 100
	if testing.Short() {
		epochs = 10
	}
	for _, c := range []robustCase{
		{"bpi-1out-rho1.05-psi0.99-tau3", mpnet.BPI, 1, 1.05, 0.99, 3, epochs},
		{"amp-3out-rho1.05-psi0-tau1", mpnet.AMP, 3, 1.05, 0, 1, epochs},
		{"mf-3out-rho0-psi0.99-tau3", mpnet.MF, 3, 0, 0.99, 3, epochs},
		{"bp-1out-rho1-psi0-tau3", mpnet.BP, 1, 1, 0, 3, epochs},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tr, rec, train := c.trainer(t)
			res, err := tr.Fit(context.Background(), train, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rec.badSteps > 0 {
				t.Fatalf("%d of %d mini-batches left a non-finite state, the first: %v", rec.badSteps, rec.steps, rec.firstBad)
			}
			if res.Stats.Epoch != epochs || rec.steps != 4*epochs {
				t.Errorf("%d epochs and %d mini-batches, want %d and %d", res.Stats.Epoch, rec.steps, epochs, 4*epochs)
			}
		})
	}
}

// TestFitStopsOnOverflow drives the fields to overflow (ρ = 1e100: H
// reaches ±Inf within a few mini-batches, then 0·Inf makes NaN) and checks
// that Fit fails with an error wrapping *mpnet.NonFiniteError that names the
// epoch and mini-batch, returns no Result, never reports a mini-batch or an
// epoch on a non-finite state (so a -save recorder never checkpoints one).
// mpnet's Iterate does not report the overflow itself (see knownSilentNaN in
// mpnet/robust_test.go); Trainer.Step checks the state after every
// mini-batch.
func TestFitStopsOnOverflow(t *testing.T) {
	for _, c := range []robustCase{
		{"bpi-1out", mpnet.BPI, 1, 1e100, 0, 1, 3},
		{"mf-3out-psi0.99", mpnet.MF, 3, 1e100, 0.99, 1, 3},
		{"amp-1out-tau3", mpnet.AMP, 1, 1e100, 0, 3, 3},
		{"bp-3out", mpnet.BP, 3, 1e100, 0, 1, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, rec, train := c.trainer(t)
			train = robustSet(160, 20, c.out, 4) // 20 mini-batches per epoch
			res, err := tr.Fit(context.Background(), train, nil)
			var nf *mpnet.NonFiniteError
			if err == nil || !errors.As(err, &nf) {
				t.Fatalf("Fit: result %+v, error %v; want an error wrapping *mpnet.NonFiniteError", res, err)
			}
			if res != nil {
				t.Errorf("Fit returned a result (%+v) with its error", res.Stats)
			}
			for _, w := range []string{"epoch 1", "mini-batch", "non-finite"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if rec.badSteps > 0 {
				t.Errorf("%d of %d mini-batches ended on a non-finite state without an error, the first: %v", rec.badSteps, rec.steps, rec.firstBad)
			}
			if len(rec.epochs) != 1 || rec.epochs[0] != 0 {
				t.Errorf("EpochEnd events for epochs %v, want only epoch 0", rec.epochs)
			}
			t.Logf("Fit: %v", err)
		})
	}
}

// TestStepReportsOverflow: Trainer.Step returns a *mpnet.NonFiniteError in
// the very mini-batch whose fields overflow.
func TestStepReportsOverflow(t *testing.T) {
	for _, k := range []mpnet.Kind{mpnet.BPI, mpnet.BP, mpnet.MF, mpnet.AMP} {
		for _, out := range []int{1, 3} {
			tr, _, train := robustCase{"", k, out, 1e100, 0, 1, 1}.trainer(t)
			var err error
			s := 0
			for ; s < 10 && err == nil; s++ {
				b := s % 4
				_, err = tr.Step(train.X[b*8*train.N:(b+1)*8*train.N], train.Y[b*8:(b+1)*8])
				if err == nil {
					if cf := tr.Network().CheckFinite(); cf != nil {
						t.Fatalf("%v/%d outputs: step %d left %v and returned no error", k, out, s, cf)
					}
				}
			}
			var nf *mpnet.NonFiniteError
			if !errors.As(err, &nf) {
				t.Fatalf("%v/%d outputs: after %d steps: %v, want a *mpnet.NonFiniteError", k, out, s, err)
			}
			if got := tr.Stats().Steps; got != s-1 {
				t.Errorf("%v/%d outputs: Stats.Steps = %d after the failed step %d, want %d", k, out, got, s, s-1)
			}
		}
	}
}

// TestSaveRefusesNonFiniteState: a trainer whose network holds NaN or ±Inf
// (here after the Step that overflowed with ρ = 1e100) must not be
// checkpointed. Load refuses such a network, so SaveFile would otherwise
// replace a good checkpoint with one that cannot be resumed. Regression test:
// Save used to write it.
func TestSaveRefusesNonFiniteState(t *testing.T) {
	tr, _, train := robustCase{"bpi", mpnet.BPI, 1, 1e100, 0, 1, 1}.trainer(t)
	path := filepath.Join(t.TempDir(), "run.ckpt")
	if err := tr.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 10 && tr.Network().CheckFinite() == nil; s++ {
		if _, err := tr.Step(train.X[:8*train.N], train.Y[:8]); err != nil {
			t.Logf("step %d: %v", s, err)
			break
		}
	}
	if tr.Network().CheckFinite() == nil {
		t.Fatal("ρ = 1e100 did not overflow the fields in 10 steps")
	}
	err = tr.SaveFile(path)
	var nf *mpnet.NonFiniteError
	if err == nil || !errors.As(err, &nf) {
		t.Errorf("SaveFile of a non-finite network: %v, want an error wrapping *mpnet.NonFiniteError", err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(good) {
		t.Errorf("SaveFile replaced the good checkpoint")
	}
	if _, err := LoadFile(path); err != nil {
		t.Errorf("the checkpoint no longer loads: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("%d files left in the checkpoint's directory, want 1", len(ents))
	}
}
