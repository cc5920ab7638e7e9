package pasp

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/train"
)

// resumeRun trains a 784-21-1 network of kind k on the first n images of
// the two-class embedded MNIST subset twice, with the default settings for
// seed 3, τmax = 2 and 2 epochs, changed by setup if not nil: once for the 2
// epochs, and once for 1 epoch, saved, loaded and resumed (check, if not
// nil, sees the loaded trainer first). It fails t unless both end with the
// same fields, and returns the resumed trainer and the checkpoint.
func resumeRun(t *testing.T, k mpnet.Kind, n int, setup func(*Settings), check func(*Trainer)) (*Trainer, []byte) {
	t.Helper()
	train, test := testutil.Embedded(t, true)
	train, err := train.Subset(seq(n))
	if err != nil {
		t.Fatal(err)
	}
	cfg := mpnet.Config{Widths: []int{784, 21, 1}, Kinds: mpnet.Kinds(k, 2, 2)}
	s := DefaultSettings(k, 2, 2)
	s.Seed, s.Epochs, s.TauMax = 3, 2, 2
	if setup != nil {
		setup(s)
	}
	full, _ := New(cfg, s)
	if _, err := full.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	hs := *s
	hs.Epochs--
	half, _ := New(cfg, &hs)
	if _, err := half.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := half.Save(&buf); err != nil {
		t.Fatal(err)
	}
	resumed, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if check != nil {
		check(resumed)
	}
	if _, err := resumed.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	for l := range cfg.L() {
		a, b := full.Network().H(l), resumed.Network().H(l)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("layer %d field %d: uninterrupted %v, resumed %v", l, i, a[i], b[i])
			}
		}
	}
	return resumed, buf.Bytes()
}

// TestEmbeddedSubsetLearns trains MF and BPI networks 784-101-101-10 on the
// embedded MNIST subset (10,000 training images) and checks the test error
// against a bar: 2 epochs bring both below 15 % (measured: about 13 % for
// BPI, see the README), and every message stays finite.
func TestEmbeddedSubsetLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on 10,000 images")
	}
	train, test := testutil.Embedded(t, false)
	for _, k := range []mpnet.Kind{mpnet.MF, mpnet.BPI} {
		s := DefaultSettings(k, 3, 10)
		s.Epochs, s.Seed, s.TrainEval = 2, 7, 2000
		tr, err := New(mpnet.Config{Widths: []int{784, 101, 101, 10}, Kinds: mpnet.Kinds(k, 3, 10)}, s)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Fit(context.Background(), train, test)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Stats.Eval
		t.Logf("%v: test error %.2f%% (Bayes %.2f%%) after %d epochs", k, e.TestError, e.TestErrorBayes, e.Epoch)
		if e.TestError > 15 || e.TestErrorBayes > 15 {
			t.Errorf("%v: test error %.2f%% / Bayes %.2f%% after 2 epochs, want ≤ 15%%", k, e.TestError, e.TestErrorBayes)
		}
		if err := tr.Network().CheckFinite(); err != nil {
			t.Error(err)
		}
	}
}

// TestCheckpointResumeIdentical checks that a run saved after epoch 1 and
// resumed for epoch 2 ends with the same weights as an uninterrupted run.
func TestCheckpointResumeIdentical(t *testing.T) {
	resumed, ckpt := resumeRun(t, mpnet.AMP, 1280, nil, nil)
	if got := resumed.Stats().Epoch; got != 2 {
		t.Errorf("resumed run reports %d epochs, want 2", got)
	}
	// A corrupted byte anywhere is refused.
	bad := append([]byte(nil), ckpt...)
	bad[len(bad)/2] ^= 0x40
	if _, err := Load(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("corrupted checkpoint: err = %v, want a checksum error", err)
	}
	if _, err := Load(bytes.NewReader(ckpt[:100])); err == nil {
		t.Error("truncated checkpoint accepted")
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestBadSettings checks that nonsense hyper-parameters are refused with an
// error naming the field.
func TestBadSettings(t *testing.T) {
	cfg := mpnet.Config{Widths: []int{4, 3, 1}, Kinds: mpnet.Kinds(mpnet.MF, 2, 2)}
	for _, c := range []struct {
		field string
		s     Settings
	}{
		{"Rho", Settings{Rho: []float64{-1}}},
		{"Rho", Settings{Rho: []float64{1, 1, 1}}},
		{"Rho", Settings{Rho: []float64{math.NaN()}}},
		{"Psi", Settings{Psi: []float64{1}}},
		{"Psi", Settings{Psi: []float64{-0.1}}},
		{"R", Settings{R: []float64{2}}},
		{"RStep", Settings{RStep: 1}},
		{"EpsInit", Settings{EpsInit: math.Inf(1)}},
		{"TauMax", Settings{TauMax: -1}},
		{"BatchSize", Settings{BatchSize: -5}},
		{"Epochs", Settings{Epochs: -1}},
		{"TrainEval", Settings{TrainEval: -1}},
	} {
		_, err := New(cfg, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("Settings %+v: err = %v, want a SettingsError for %s", c.s, err, c.field)
		}
	}
}

// TestBadData checks that data that does not fit the network is refused.
func TestBadData(t *testing.T) {
	tr, err := New(mpnet.Config{Widths: []int{4, 3, 1}, Kinds: mpnet.Kinds(mpnet.MF, 2, 2)}, &Settings{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	good := &data.Set{X: make([]float64, 12), Y: []int{1, -1, 1}, M: 3, N: 4, Classes: 2}
	cases := map[string]*data.Set{
		"features":     {X: make([]float64, 9), Y: []int{1, -1, 1}, M: 3, N: 3, Classes: 2},
		"label":        {X: make([]float64, 12), Y: []int{1, 0, 1}, M: 3, N: 4, Classes: 2},
		"empty":        {N: 4, Classes: 2},
		"inconsistent": {X: make([]float64, 8), Y: []int{1, -1, 1}, M: 3, N: 4, Classes: 2},
	}
	for name, s := range cases {
		if _, err := tr.Fit(context.Background(), s, nil); err == nil {
			t.Errorf("%s: training set accepted", name)
		}
	}
	nan := &data.Set{X: make([]float64, 12), Y: []int{1, -1, 1}, M: 3, N: 4, Classes: 2}
	nan.X[5] = math.NaN()
	if _, err := tr.Fit(context.Background(), nan, nil); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN pixel: err = %v", err)
	}
	big, _ := New(mpnet.Config{Widths: []int{4, 3, 1}, Kinds: mpnet.Kinds(mpnet.MF, 2, 2)}, &Settings{BatchSize: 10})
	if _, err := big.Fit(context.Background(), good, nil); err == nil || !strings.Contains(err.Error(), "BatchSize") {
		t.Errorf("batch larger than the data: err = %v", err)
	}
}

// ckptProbe loads the checkpoint file at every StepEnd and keeps the epoch
// it holds (-1: no file).
type ckptProbe struct {
	path   string
	epochs []int
	err    error
}

func (p *ckptProbe) Init(*Stats) error { return nil }
func (p *ckptProbe) Record(ev Event, s *Stats) error {
	if ev != StepEnd || s.Step != 1 {
		return nil
	}
	t, err := LoadFile(p.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		p.epochs = append(p.epochs, -1)
	case err != nil:
		p.err = err
	default:
		p.epochs = append(p.epochs, t.Stats().Epoch)
	}
	return nil
}

// TestCheckpointFileEveryEpoch checks that SetCheckpointFile saves the
// trainer after every completed epoch (not before the first), and that
// the last checkpoint is the trainer's final state.
func TestCheckpointFileEveryEpoch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w, _ := data.RandomTeacher(rng, 15)
	set, _ := data.TeacherPatterns(rng, w, 40)
	path := filepath.Join(t.TempDir(), "run.ckpt")
	probe := &ckptProbe{path: path}
	tr, err := New(mpnet.Config{Widths: []int{15, 5, 1}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 2)},
		&Settings{BatchSize: 10, Epochs: 3, EpsInit: 1, Seed: 4, Recorder: probe})
	if err != nil {
		t.Fatal(err)
	}
	tr.SetCheckpointFile(path)
	if _, err := tr.Fit(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
	if want := []int{-1, 1, 2}; probe.err != nil || !reflect.DeepEqual(probe.epochs, want) {
		t.Errorf("checkpoint epochs seen during epochs 1..3: %v (%v), want %v", probe.epochs, probe.err, want)
	}
	last, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := tr.Save(&a); err != nil {
		t.Fatal(err)
	}
	if err := last.Save(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the last checkpoint differs from the trainer's final state")
	}
	// A checkpoint that cannot be written ends the run after epoch 1.
	tr, _ = New(mpnet.Config{Widths: []int{15, 5, 1}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 2)}, &Settings{BatchSize: 10, Epochs: 3})
	tr.SetCheckpointFile(filepath.Join(t.TempDir(), "missing", "run.ckpt"))
	if _, err := tr.Fit(context.Background(), set, nil); err == nil || !strings.Contains(err.Error(), "checkpoint after epoch 1") || tr.Stats().Epoch != 1 {
		t.Errorf("unwritable checkpoint: err = %v after %d epochs, want an error after epoch 1", err, tr.Stats().Epoch)
	}
}

// TestNewRejectsBadConfig checks that a config without layers is an error
// of New, not a panic, and that ValidateFor leaves it to
// mpnet.Config.Validate.
func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []mpnet.Config{{}, {Widths: []int{4}}, {Widths: []int{4, 1}}} {
		if _, err := New(cfg, &Settings{Rho: []float64{1}}); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
		if err := (&Settings{Rho: []float64{1}}).ValidateFor(cfg); err != nil {
			t.Errorf("ValidateFor(%+v) = %v, want nil (the config is Validate's)", cfg, err)
		}
	}
}

// hostResident is a Trainer whose Upload keeps the training set in an
// mpnet.Resident on the CPU, so that the device path of Fit runs here.
type hostResident struct{ *Trainer }

func (h hostResident) Upload(s *data.Set) (train.Resident, error) {
	r, err := h.net.Upload(s.X, s.Y)
	if err != nil {
		return nil, err
	}
	return &resident{t: h.Trainer, r: r}, nil
}

// TestResidentPathMatchesCopy checks that training through the resident
// set (the path a network on a device takes) gives the run of the plain
// CPU path bit for bit, counters and recorded changes included.
func TestResidentPathMatchesCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	set, _ := data.RandomPatterns(rng, 17, 60)
	cfg := mpnet.Config{Widths: []int{17, 7, 1}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 2)}
	run := func(resident bool) (*Trainer, *Result) {
		s := DefaultSettings(mpnet.BPI, 2, 2)
		s.BatchSize, s.Epochs, s.TauMax, s.Seed, s.RStep = 8, 2, 2, 3, 0.01
		tr, err := New(cfg, s)
		if err != nil {
			t.Fatal(err)
		}
		var res *Result
		if resident {
			res, err = train.Fit(context.Background(), hostResident{tr}, set, nil, &train.Settings{BatchSize: 8, Epochs: 2})
		} else {
			res, err = tr.Fit(context.Background(), set, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		return tr, res
	}
	a, ra := run(false)
	b, rb := run(true)
	ra.Stats.Runtime, rb.Stats.Runtime = 0, 0
	ra.Stats.Eval.EpochSeconds, rb.Stats.Eval.EpochSeconds = 0, 0
	ra.Stats.Eval.EvalSeconds, rb.Stats.Eval.EvalSeconds = 0, 0
	if !reflect.DeepEqual(ra, rb) {
		t.Errorf("resident path %+v, copy path %+v", rb, ra)
	}
	for l := 0; l < 2; l++ {
		if !reflect.DeepEqual(a.Network().H(l), b.Network().H(l)) {
			t.Fatalf("layer %d: the fields differ between the two paths", l)
		}
	}
}
