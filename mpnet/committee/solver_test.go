package committee

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// solveCount runs s on instances 0…n−1 of K = 3, N = 51, α = 0.3 (seed 1)
// and returns how many end with zero training errors.
func solveCount(t *testing.T, s Settings, n int) int {
	t.Helper()
	solved := 0
	for inst := range uint64(n) {
		p, err := RandomProblem(3, 51, 0.3, 1, inst)
		if err != nil {
			t.Fatal(err)
		}
		s.Seed = inst
		sv, err := New(p, &s)
		if err != nil {
			t.Fatal(err)
		}
		r, err := sv.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if (r.Errors == 0) != (r.Status == Solved) || p.Errors(r.Weights) != r.Errors {
			t.Fatalf("instance %d: status %v with %d errors, weights make %d", inst, r.Status, r.Errors, p.Errors(r.Weights))
		}
		if r.Errors == 0 {
			solved++
		}
	}
	return solved
}

// TestLearn checks that standard reinforcement (the reference example's
// settings: damping 0.5, noise 0.1, one sweep per step, dx = 0.01) solves
// most instances of K = 3, N = 51, α = 0.3 (it solved 5 of 6 when this
// test was written), and that plain BP without focusing solves fewer.
func TestLearn(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test")
	}
	const n = 6
	fbp := solveCount(t, Settings{Damping: 0.5, InitNoise: 0.1, MaxIters: 1}, n)
	if fbp < 4 {
		t.Errorf("focusing BP solved %d of %d instances, want at least 4", fbp, n)
	}
	plain := solveCount(t, Settings{Damping: 0.5, InitNoise: 0.1, MaxIters: 100,
		Protocol: Protocol{Kind: FreeScoping, Steps: []Step{{0, 1}}}}, n)
	if plain >= fbp {
		t.Errorf("plain BP solved %d of %d instances, focusing BP %d: want fewer", plain, n, fbp)
	}
	t.Logf("solved: focusing BP %d/%d, plain BP %d/%d", fbp, n, plain, n)
}

// TestRunDeterministic checks that one seed gives one run, and another
// seed another.
func TestRunDeterministic(t *testing.T) {
	run := func(seed uint64) *Result {
		sv := newSmall(t, &Settings{Damping: 0.3, MaxIters: 3, MaxSteps: 20, Seed: seed, KeepGoing: true}, 0)
		r, err := sv.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps != 20 || r.Status != StepLimit {
			t.Fatalf("KeepGoing with MaxSteps 20: %v after %d steps", r.Status, r.Steps)
		}
		return r
	}
	a, b, c := run(1), run(1), run(2)
	if a.Sweeps != b.Sweeps || a.Delta != b.Delta || !slices.Equal(a.Weights, b.Weights) {
		t.Error("two runs with seed 1 differ")
	}
	if a.Delta == c.Delta && slices.Equal(a.Weights, c.Weights) {
		t.Error("seeds 1 and 2 gave the same run")
	}
}

type failRecorder struct{ n int }

func (f *failRecorder) Init() error { return nil }
func (f *failRecorder) Record(*Solver, Progress) error {
	f.n++
	if f.n == 3 {
		return errors.New("stop")
	}
	return nil
}

// TestRunStops checks interruption, a failing Recorder and the Printer.
func TestRunStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := newSmall(t, &Settings{}, 0).Run(ctx)
	if err != nil || r.Status != Interrupted || r.Steps != 0 {
		t.Errorf("cancelled: %+v, %v; want Interrupted after 0 steps", r, err)
	}
	rec := &failRecorder{}
	if _, err := newSmall(t, &Settings{MaxIters: 1, KeepGoing: true, Recorder: rec}, 0).Run(context.Background()); err == nil || rec.n != 3 {
		t.Errorf("failing recorder: error %v after %d records, want an error after 3", err, rec.n)
	}
	var buf bytes.Buffer
	r, err = newSmall(t, &Settings{MaxIters: 1, MaxSteps: 4, KeepGoing: true, Recorder: &Printer{W: &buf, Every: 2}}, 0).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(buf.String(), "\n"); lines != 3 { // heading, steps 2 and 4
		t.Errorf("printer wrote %d lines, want 3:\n%s", lines, buf.String())
	}
}
