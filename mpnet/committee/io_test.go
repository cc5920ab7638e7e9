package committee

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"
)

func newSmall(t *testing.T, s *Settings, instance uint64) *Solver {
	t.Helper()
	p, err := RandomProblem(3, 21, 0.3, 7, instance)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := New(p, s)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func sameState(a, b *Solver) bool {
	ma, mb := a.msg, b.msg
	for j, v := range [][]float64{ma.ux, ma.mw, ma.uw, ma.ut1, ma.mt1, ma.uo, ma.mt2} {
		w := [][]float64{mb.ux, mb.mw, mb.uw, mb.ut1, mb.mt1, mb.uo, mb.mt2}[j]
		if !slices.Equal(v, w) {
			return false
		}
	}
	return a.step == b.step && a.sweeps == b.sweeps && a.cur == b.cur
}

// TestSaveLoadRestart saves a run after a few focusing steps, loads it
// into a fresh solver, and checks that the restarted run ends exactly like
// the uninterrupted one.
func TestSaveLoadRestart(t *testing.T) {
	set := &Settings{Damping: 0.5, InitNoise: 0.1, MaxIters: 2, Seed: 3}
	whole := newSmall(t, set, 0)
	want, err := whole.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	part := *set
	part.MaxSteps = 5
	first := newSmall(t, &part, 0)
	if r, err := first.Run(context.Background()); err != nil || r.Status != StepLimit || r.Steps != 5 {
		t.Fatalf("first part: %+v, %v; want StepLimit after 5 steps", r, err)
	}
	path := filepath.Join(t.TempDir(), "m.fbpc")
	if err := first.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	second := newSmall(t, set, 0)
	if err := second.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if !sameState(first, second) {
		t.Fatal("loaded state differs from the saved one")
	}
	got, err := second.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != want.Status || got.Errors != want.Errors || got.Steps != want.Steps || got.Sweeps != want.Sweeps ||
		!slices.Equal(got.Weights, want.Weights) || !sameState(whole, second) {
		t.Errorf("restarted run: %v, %d errors, %d steps, %d sweeps; uninterrupted: %v, %d, %d, %d",
			got.Status, got.Errors, got.Steps, got.Sweeps, want.Status, want.Errors, want.Steps, want.Sweeps)
	}
}

// TestLoadErrors checks that a damaged or foreign file is refused and
// leaves the solver unchanged.
func TestLoadErrors(t *testing.T) {
	src := newSmall(t, &Settings{}, 0)
	src.SetStep(Step{1, 3})
	src.Sweep()
	var buf bytes.Buffer
	if _, err := src.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	setF := func(b []byte, off int, v float64) []byte {
		c := slices.Clone(b)
		u := math.Float64bits(v)
		for j := range 8 {
			c[off+j] = byte(u >> (8 * j))
		}
		return c
	}
	uwOff := 8 + 5*4 + 8 + 16 + 20 + 2*8*src.K*src.N
	for _, tc := range []struct {
		name string
		b    []byte
		dst  *Solver
	}{
		{"empty", nil, nil},
		{"bad magic", append([]byte("XXXXXXXX"), good[8:]...), nil},
		{"version 2", append([]byte("FBPCMT\x00\x02"), good[8:]...), nil},
		{"truncated", good[:len(good)/2], nil},
		{"no checksum", good[:len(good)-4], nil},
		{"flipped bit", func() []byte { c := slices.Clone(good); c[len(c)/2] ^= 4; return c }(), nil},
		{"NaN message", setF(good, uwOff, math.NaN()), nil},
		{"infinite uw", setF(good, uwOff, math.Inf(1)), nil},
		{"other instance", good, newSmall(t, &Settings{}, 1)},
	} {
		dst := tc.dst
		if dst == nil {
			dst = newSmall(t, &Settings{}, 0)
		}
		before := newSmall(t, &Settings{}, 0)
		if tc.dst != nil {
			before = newSmall(t, &Settings{}, 1)
		}
		_, err := dst.ReadFrom(bytes.NewReader(tc.b))
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", tc.name, err)
		}
		if !sameState(dst, before) {
			t.Errorf("%s: the failed load changed the solver", tc.name)
		}
	}
	ok := newSmall(t, &Settings{}, 0)
	if _, err := ok.ReadFrom(bytes.NewReader(good)); err != nil || !sameState(ok, src) {
		t.Errorf("round trip: %v", err)
	}
}
