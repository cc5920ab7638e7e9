package pasp

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/mpnet"
)

// TestFocusSettingsRejected checks that bad focusing settings are refused
// with a *SettingsError naming the field: y below 1 or not finite, a length
// that fits no layer count, a negative or infinite γ, and a focused MF or
// AMP layer (ALGORITHMS §10.3).
func TestFocusSettingsRejected(t *testing.T) {
	cfg := func(k mpnet.Kind) mpnet.Config {
		return mpnet.Config{Widths: []int{9, 5, 1}, Kinds: []mpnet.Kind{k, mpnet.BPI}}
	}
	cases := []struct {
		name  string
		cfg   mpnet.Config
		s     Settings
		field string
		msg   string
	}{
		{"y<1", cfg(mpnet.BPI), Settings{FocusY: []float64{0.5}}, "FocusY", "y[0] = 0.5"},
		{"y NaN", cfg(mpnet.BPI), Settings{FocusY: []float64{0, math.NaN()}}, "FocusY", "y[1] = NaN"},
		{"y Inf", cfg(mpnet.BPI), Settings{FocusY: []float64{math.Inf(1)}}, "FocusY", "+Inf"},
		{"y length", cfg(mpnet.BPI), Settings{FocusY: []float64{2, 2, 2}}, "FocusY", "3 values for 2 layers"},
		{"gamma<0", cfg(mpnet.BPI), Settings{FocusY: []float64{2}, R: []float64{-0.1}}, "R", "γ = r[0] = -0.1"},
		{"gamma Inf", cfg(mpnet.BPI), Settings{FocusY: []float64{2}, R: []float64{math.Inf(1)}}, "R", "γ = r[0]"},
		{"r>1 unfocused", cfg(mpnet.BPI), Settings{FocusY: []float64{0, 2}, R: []float64{2}}, "R", "r[0] = 2"},
		{"mf focused", cfg(mpnet.MF), Settings{FocusY: []float64{2}}, "FocusY", "layer 0 is mf"},
		{"amp focused", cfg(mpnet.AMP), Settings{FocusY: []float64{3, 0}}, "FocusY", "layer 0 is amp"},
	}
	for _, c := range cases {
		_, err := New(c.cfg, &c.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: New = %v, want a SettingsError for %s containing %q", c.name, err, c.field, c.msg)
		}
		err = c.s.ValidateFor(c.cfg)
		if !errors.As(err, &se) || se.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: ValidateFor = %v, want a SettingsError for %s containing %q", c.name, err, c.field, c.msg)
		}
	}
	// γ > 1 is fine on a focused layer, and an MF layer may sit under a focused one.
	s := Settings{FocusY: []float64{0, 3}, R: []float64{0, 2.5}}
	if _, err := New(cfg(mpnet.MF), &s); err != nil {
		t.Errorf("focused BPI over MF with γ = 2.5: %v", err)
	}
}

// TestFocusScheduleScopesGamma checks the schedule of §10.2–§10.3: after the
// 10-call wait, γ ← γ·(1 + RStep) on the focused layer and
// r ← 1 − (1 − r)(1 − RStep) on the plain one, capped at gammaMax.
func TestFocusScheduleScopesGamma(t *testing.T) {
	s := &Settings{FocusY: []float64{0, 4}, R: []float64{0.1, 0.2}, RStep: 0.5, TauMax: 3, BatchSize: 4, Seed: 1}
	tr, err := New(mpnet.Config{Widths: []int{9, 5, 1}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 2)}, s)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x, y := make([]float64, 4*9), make([]int, 4)
	for i := range x {
		x[i] = float64(2*rng.IntN(2) - 1)
	}
	for n := range y {
		y[n] = 2*rng.IntN(2) - 1
	}
	wantR, wantG := 0.1, 0.2
	for step := 0; step < 8; step++ {
		if _, err := tr.Step(x, y); err != nil {
			t.Fatal(err)
		}
		for it := step * 3; it < step*3+3; it++ {
			if it >= 10 {
				wantR = 1 - (1-wantR)*(1-0.5)
				wantG = min(wantG*1.5, gammaMax)
			}
		}
		if tr.r[0] != wantR || tr.r[1] != wantG {
			t.Fatalf("after step %d: (r, γ) = (%v, %v), want (%v, %v)", step+1, tr.r[0], tr.r[1], wantR, wantG)
		}
	}
	if wantG != gammaMax {
		t.Errorf("γ reached %v in the test, want the cap %v to be exercised", wantG, gammaMax)
	}
}

// TestFocusedPerceptronLearns trains a one-layer BPI network with focusing
// (y = 3, γ from 0.2 scoped by 1e-2 per iteration) on a random ±1 teacher
// perceptron (α = 5, as TestTeacherPerceptronRecovered) and checks that the
// point-wise student overlaps the teacher by at least 0.95.
func TestFocusedPerceptronLearns(t *testing.T) {
	const N, M = 201, 1005
	rng := rand.New(rand.NewPCG(42, 0))
	w := make([]float64, N)
	for i := range w {
		w[i] = float64(2*rng.IntN(2) - 1)
	}
	train, test := teacherSet(rng, w, M), teacherSet(rng, w, 2000)
	tr, err := New(mpnet.Config{Widths: []int{N, 1}, Kinds: []mpnet.Kind{mpnet.BPI}},
		&Settings{Rho: []float64{1}, Psi: []float64{0.5}, EpsInit: 0.1, BatchSize: 15, Epochs: 5, Seed: 1,
			FocusY: []float64{3}, R: []float64{0.2}, RStep: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	res, q := fitOverlap(t, tr, train, test, w)
	t.Logf("focused BPI: overlap %.3f, test error %.2f%%, final γ %.3g", q, res.Stats.Eval.TestError, tr.r[0])
	if q < 0.95 {
		t.Errorf("teacher overlap %.3f, want ≥ 0.95", q)
	}
}

// TestFocusCheckpointResumeIdentical checks that focusing survives a
// checkpoint: a run saved after epoch 1 and resumed for epoch 2 ends with
// the same fields as an uninterrupted one.
func TestFocusCheckpointResumeIdentical(t *testing.T) {
	focus := func(s *Settings) { s.FocusY, s.R, s.RStep = []float64{5, 0}, []float64{0.3, 0}, 1e-2 }
	resumeRun(t, mpnet.BPI, 640, focus, func(resumed *Trainer) {
		if y, _ := resumed.Network().Focus(0); y != 5 {
			t.Fatalf("resumed network has focusing y = %v on layer 0, want 5", y)
		}
	})
}
