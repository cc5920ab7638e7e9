package pasp

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// embedded returns the standardised embedded MNIST subset.
func embedded(t *testing.T, twoClass bool) (train, test *data.Set) {
	t.Helper()
	train, test, err := data.Load("embedded", "")
	if err != nil {
		t.Fatal(err)
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		t.Fatal(err)
	}
	if twoClass {
		if train, test, err = data.TwoClass(train, test); err != nil {
			t.Fatal(err)
		}
	}
	return train, test
}

// TestEmbeddedSubsetLearns trains MF and BPI networks 784-101-101-10 on the
// embedded MNIST subset (10,000 training images) and checks the test error
// against a bar: 2 epochs bring both below 15 % (measured: about 13 % for
// BPI, see the README), and every message stays finite.
func TestEmbeddedSubsetLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on 10,000 images")
	}
	train, test := embedded(t, false)
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
	train, test := embedded(t, true)
	train, err := train.Subset(seq(1280))
	if err != nil {
		t.Fatal(err)
	}
	cfg := mpnet.Config{Widths: []int{784, 21, 1}, Kinds: mpnet.Kinds(mpnet.AMP, 2, 2)}
	s := DefaultSettings(mpnet.AMP, 2, 2)
	s.Seed, s.Epochs, s.TauMax = 3, 2, 2
	full, _ := New(cfg, s)
	if _, err := full.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	s.Epochs = 1
	half, _ := New(cfg, s)
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
	if _, err := resumed.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	for l := 0; l < 2; l++ {
		a, b := full.Network().H(l), resumed.Network().H(l)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("layer %d field %d: uninterrupted %v, resumed %v", l, i, a[i], b[i])
			}
		}
	}
	if got := resumed.Stats().Epoch; got != 2 {
		t.Errorf("resumed run reports %d epochs, want 2", got)
	}
	// A corrupted byte anywhere is refused.
	bad := append([]byte(nil), buf.Bytes()...)
	bad[len(bad)/2] ^= 0x40
	if _, err := Load(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("corrupted checkpoint: err = %v, want a checksum error", err)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()[:100])); err == nil {
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
