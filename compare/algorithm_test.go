package compare

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// TestNewAlgorithm builds every algorithm of Algorithms for two and ten
// classes, trains it for one epoch and checks the trainer's type and that
// it recorded epochs 0 and 1.
func TestNewAlgorithm(t *testing.T) {
	for _, classes := range []int{2, 10} {
		out := map[int]int{2: 1, 10: 10}[classes]
		train := testutil.LinearTeacherSet(40, 12, classes, 1, 5)
		test := testutil.LinearTeacherSet(20, 12, classes, 2, 5)
		for _, name := range Algorithms {
			f, err := NewAlgorithm(name, &AlgorithmSettings{Widths: []int{12, 5, out}, BatchSize: 8, Seed: 3})
			if err != nil {
				t.Errorf("%s, %d classes: %v", name, classes, err)
				continue
			}
			var typ any
			switch {
			case MessagePassing(name):
				typ = (*pasp.Trainer)(nil)
			case strings.HasPrefix(name, "ebp"):
				typ = (*EBP)(nil)
			default:
				typ = (*BinaryNet)(nil)
			}
			if reflect.TypeOf(f) != reflect.TypeOf(typ) {
				t.Errorf("%s: a %T, want %T", name, f, typ)
			}
			res, err := RunAll(context.Background(), []Job{{Algo: name, New: func() (Fitter, error) { return f, nil }}}, train, test, nil)
			if err != nil {
				t.Errorf("%s, %d classes: %v", name, classes, err)
				continue
			}
			if e := res.Runs[0].Epochs; len(e) != 2 || e[1].Epoch != 1 {
				t.Errorf("%s, %d classes: evaluations %+v, want epochs 0 and 1", name, classes, e)
			}
		}
	}
}

// TestNewAlgorithmErrors checks that bad names and settings are errors
// naming them.
func TestNewAlgorithmErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		s    AlgorithmSettings
		want string
	}{
		{"xyz", AlgorithmSettings{Widths: []int{4, 1}}, "unknown algorithm"},
		{"bpi", AlgorithmSettings{Widths: []int{4}}, "widths"},
		{"ebp", AlgorithmSettings{Widths: []int{4, 3, 1}, Density: 0.5}, "sparse"},
		{"binarynet", AlgorithmSettings{Widths: []int{4, 3, 1}, Optimizer: "rmsprop"}, "Optimizer"},
		{"bpi", AlgorithmSettings{Widths: []int{4, 3, 1}, Psi: []float64{1.5}}, "Psi"},
	} {
		if _, err := NewAlgorithm(c.name, &c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewAlgorithm(%q, %+v) = %v, want an error naming %s", c.name, c.s, err, c.want)
		}
	}
}

// TestPaspSettings checks the defaults of pasp.DefaultSettings, the
// overrides and the network options.
func TestPaspSettings(t *testing.T) {
	cfg, s, err := PaspSettings("amp-unmasked", &AlgorithmSettings{Widths: []int{9, 4, 10}, Density: 0.5, Seed: 7, Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := pasp.DefaultSettings(mpnet.AMP, 2, 10)
	if !reflect.DeepEqual(s.Rho, d.Rho) || !reflect.DeepEqual(s.Psi, d.Psi) || s.Seed != 7 || s.Epochs != 3 {
		t.Errorf("settings %+v, want pasp.DefaultSettings(AMP, 2, 10) with seed 7, 3 epochs", s)
	}
	if !cfg.AMPUnmaskedSigma || !reflect.DeepEqual(cfg.Density, []float64{0.5}) || !reflect.DeepEqual(cfg.Kinds, []mpnet.Kind{mpnet.AMP, mpnet.ArgMax}) {
		t.Errorf("config %+v", cfg)
	}
	_, s, err = PaspSettings("bpi", &AlgorithmSettings{Widths: []int{9, 1}, Rho: []float64{1}, Psi: []float64{0.5}})
	if err != nil || !reflect.DeepEqual(s.Rho, []float64{1}) || !reflect.DeepEqual(s.Psi, []float64{0.5}) {
		t.Errorf("overrides: %+v, %v", s, err)
	}
}

// TestNewAlgorithmIdentical checks that the factory's BPI trainer is the
// one pasp.New builds from pasp.DefaultSettings: the same evaluations, bit
// for bit.
func TestNewAlgorithmIdentical(t *testing.T) {
	train := testutil.LinearTeacherSet(40, 12, 2, 1, 5)
	test := testutil.LinearTeacherSet(20, 12, 2, 2, 5)
	fit := func(f Fitter) []pasp.Eval {
		res, err := RunAll(context.Background(), []Job{{Algo: "bpi", New: func() (Fitter, error) { return f, nil }}}, train, test, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Runs[0].Epochs
	}
	f, err := NewAlgorithm("bpi", &AlgorithmSettings{Widths: []int{12, 5, 1}, BatchSize: 8, Epochs: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := pasp.DefaultSettings(mpnet.BPI, 2, 2)
	s.BatchSize, s.Epochs, s.Seed = 8, 2, 3
	tr, err := pasp.New(mpnet.Config{Widths: []int{12, 5, 1}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 2)}, s)
	if err != nil {
		t.Fatal(err)
	}
	a, b := fit(f), fit(tr)
	for i := range a {
		a[i].EpochSeconds, a[i].EvalSeconds, b[i].EpochSeconds, b[i].EvalSeconds = 0, 0, 0, 0
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("factory %+v\npasp.New %+v", a, b)
	}
}

// TestRunAllInterrupted checks that a cancelled comparison ends without
// error, with the interrupted run, and trains no later job.
func TestRunAllInterrupted(t *testing.T) {
	train := testutil.LinearTeacherSet(40, 12, 2, 1, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	built := 0
	job := Job{Algo: "mf", New: func() (Fitter, error) {
		built++
		return NewAlgorithm("mf", &AlgorithmSettings{Widths: []int{12, 3, 1}, BatchSize: 8})
	}}
	res, err := RunAll(ctx, []Job{job, job}, train, train, nil)
	if err != nil || len(res.Runs) != 1 || res.Runs[0].Status != pasp.Interrupted || built != 1 {
		t.Errorf("RunAll = %d runs, %v; built %d trainers", len(res.Runs), err, built)
	}
}
