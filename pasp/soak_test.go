package pasp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// extreme is a corner of the valid hyper-parameters.
type extreme struct {
	name               string
	rho, psi, r, rstep float64
	epsInit            float64
	tauMax             int
	batchOne           bool // B = 1; else B = M (the whole set)
}

// soakRhoMax is the largest ρ of the soak: the top of the range ρ − 1 ≤
// 0.1 that the authors explored (docs/EXPERIMENTS.md). Validate takes any
// finite ρ ≥ 0, but ρ > 1 grows the fields like ρ^t, so a large enough ρ
// overflows them in any long run; TestSoakReportsNonFiniteStep checks that
// such an overflow is reported where it appears.
const soakRhoMax = 1.1

// extremes are the corners the soak visits: ρ at 0, 1 and soakRhoMax, ψ at
// 0 and just below 1, r at 0 and 1 with the fastest schedule Validate
// accepts short of 1, ϵinit from 0 to large, τmax from 1 to 20, and
// mini-batches of 1 sample and of the whole set.
//
// ρ > 1 and r > 0 together are left out: each multiplies the fields every
// mini-batch (by ρ, and by up to (1 + r)^τmax through H = Hin + Hext +
// r·H_old), so their product overflows float64 within a few hundred
// mini-batches; that is the model, not a fault, and the overflow is then
// reported (TestSoakReportsNonFiniteStep).
var extremes = []extreme{
	{"rho0-psi.999-r1-eps10-tau10-B1", 0, 0.999, 1, 0.999, 10, 10, true},
	{"rho1.1-psi0-r0-eps0-tau1-BM", soakRhoMax, 0, 0, 0, 0, 1, false},
	{"rho1.1-psi.999-r0-eps10-tau5-B1", soakRhoMax, 0.999, 0, 0, 10, 5, true},
	{"rho1-psi0-r1-eps1e-3-tau20-BM", 1, 0, 1, 0.999, 1e-3, 20, false},
}

// soakCase is one network of the soak.
type soakCase struct {
	kind    mpnet.Kind
	out     int     // 1: sign output; 3: ArgMax output
	density float64 // 1: dense
	focusY  float64 // 0: no focusing
	x       extreme
}

func (c soakCase) String() string {
	s := fmt.Sprintf("%v-out%d", c.kind, c.out)
	if c.density < 1 {
		s += "-sparse"
	}
	if c.focusY > 0 {
		s += "-focus"
	}
	return s + "/" + c.x.name
}

// soakCases returns every layer kind with a sign and an ArgMax output,
// masked (density 0.5) and, for the kinds that allow it, focused (y = 1e3
// with γ = r growing by RStep), each at one extreme in turn.
func soakCases() []soakCase {
	var cs []soakCase
	i := 0
	next := func() extreme { i++; return extremes[i%len(extremes)] }
	for _, k := range []mpnet.Kind{mpnet.BP, mpnet.BPI, mpnet.MF, mpnet.AMP, mpnet.CBPI} {
		for _, out := range []int{1, 3} {
			cs = append(cs, soakCase{k, out, 1, 0, next()}, soakCase{k, out, 0.5, 0, next()})
			if k.Focusable() {
				cs = append(cs, soakCase{k, out, 1, 1e3, next()})
			}
		}
	}
	return cs
}

// trainer builds the case's 8-5-out network and settings for a set of M
// samples.
func (c soakCase) trainer(M int) (*Trainer, error) {
	cfg := mpnet.Config{Widths: []int{8, 5, c.out}, Kinds: mpnet.Kinds(c.kind, 2, max(c.out, 2)), Density: []float64{c.density}}
	x := c.x
	s := &Settings{Rho: []float64{x.rho}, Psi: []float64{x.psi}, R: []float64{x.r}, RStep: x.rstep,
		EpsInit: x.epsInit, TauMax: x.tauMax, BatchSize: M, Seed: 5}
	if x.batchOne {
		s.BatchSize = 1
	}
	if c.kind == mpnet.CBPI && s.EpsInit == 0 {
		s.EpsInit = 1e-3 // CBPI needs ϵinit > 0 (Network.Init)
	}
	if c.focusY > 0 {
		s.FocusY = []float64{c.focusY}
	}
	return New(cfg, s)
}

// TestSoak trains every layer kind (sign and ArgMax outputs, masked,
// focused) for 100 epochs (10 with -short) on 16 samples at the extreme
// valid hyper-parameters, checking the state after every mini-batch: no
// NaN or ±Inf may appear.
func TestSoak(t *testing.T) {
	epochs := 100
	if testing.Short() {
		epochs = 10
	}
	start := time.Now()
	for _, c := range soakCases() {
		t.Run(c.String(), func(t *testing.T) {
			train := robustSet(16, 8, c.out, 6)
			tr, err := c.trainer(train.M)
			if err != nil {
				t.Fatal(err)
			}
			rec := &finiteRecorder{net: tr.Network()}
			tr.SetRecorder(rec)
			if err := tr.SetEpochs(epochs); err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Fit(context.Background(), train, nil); err != nil {
				t.Fatal(err)
			}
			if rec.badSteps > 0 {
				t.Fatalf("%d of %d mini-batches left a non-finite state, the first: %v", rec.badSteps, rec.steps, rec.firstBad)
			}
			if want := epochs * (train.M / tr.rv.batch); rec.steps != want {
				t.Errorf("%d mini-batches, want %d", rec.steps, want)
			}
		})
	}
	t.Logf("%d cases in %v", len(soakCases()), time.Since(start).Round(time.Millisecond))
}

// stepRecorder remembers the last mini-batch that ended on a finite state.
type stepRecorder struct {
	net       *mpnet.Network
	lastEpoch int // Stats.Epoch+1 and Stats.Step of that mini-batch
	lastStep  int
}

func (r *stepRecorder) Init(*Stats) error { return nil }
func (r *stepRecorder) Record(ev Event, st *Stats) error {
	if err := r.net.CheckFinite(); err != nil {
		return errors.New("a mini-batch ended on a non-finite state without an error: " + err.Error())
	}
	if ev == StepEnd {
		r.lastEpoch, r.lastStep = st.Epoch+1, st.Step
	}
	return nil
}

// TestSoakReportsNonFiniteStep injects a non-finite value, an overflow of
// the fields by ρ = 1e150 (H ≈ 1e150 after the first mini-batch, ±Inf
// from the second or third), into every kind and checks that Fit stops in
// the very mini-batch where it appears: every earlier one ended on a finite
// state, the network now holds the NaN or ±Inf, and the error names the
// layer, the field and that mini-batch.
func TestSoakReportsNonFiniteStep(t *testing.T) {
	for _, k := range []mpnet.Kind{mpnet.BP, mpnet.BPI, mpnet.MF, mpnet.AMP, mpnet.CBPI} {
		for _, out := range []int{1, 3} {
			c := soakCase{k, out, 1, 0, extreme{"rho1e150", 1e150, 0, 0, 0, 1, 1, false}}
			t.Run(c.String(), func(t *testing.T) {
				train := robustSet(64, 8, out, 6)
				tr, err := c.trainer(8)
				if err != nil {
					t.Fatal(err)
				}
				rec := &stepRecorder{net: tr.Network()}
				tr.SetRecorder(rec)
				_, err = tr.Fit(context.Background(), train, nil)
				var nf *mpnet.NonFiniteError
				if !errors.As(err, &nf) {
					t.Fatalf("Fit: %v, want an error wrapping *mpnet.NonFiniteError", err)
				}
				if tr.Network().CheckFinite() == nil {
					t.Errorf("the network is finite after %v", err)
				}
				at := fmt.Sprintf("epoch %d, mini-batch %d", max(rec.lastEpoch, 1), rec.lastStep+1)
				for _, w := range []string{at, fmt.Sprintf("layer %d", nf.Layer), "field " + nf.Field} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				t.Log(err)
			})
		}
	}
}

var _ = data.Set{}
