package teacher

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkBiregularSupport fails unless s has K distinct sorted columns per
// row, C entries per column and no edge of avoid.
func checkBiregularSupport(t *testing.T, s, avoid *Support) {
	t.Helper()
	if len(s.Idx) != s.Rows*s.K || s.Rows*s.K != s.Cols*s.C {
		t.Fatalf("shape %d×%d, K=%d, C=%d, %d entries", s.Rows, s.Cols, s.K, s.C, len(s.Idx))
	}
	colDeg := make([]int, s.Cols)
	for r := 0; r < s.Rows; r++ {
		row := s.Row(r)
		for k, c := range row {
			if k > 0 && row[k-1] >= c {
				t.Fatalf("row %d = %v: not strictly increasing", r, row)
			}
			if avoid.Has(r, c) {
				t.Fatalf("edge (%d, %d) is in avoid", r, c)
			}
			colDeg[c]++
		}
	}
	for c, deg := range colDeg {
		if deg != s.C {
			t.Fatalf("column %d has %d entries, want %d", c, deg, s.C)
		}
	}
}

func TestBiregularDegrees(t *testing.T) {
	cases := []struct{ rows, cols, k int }{
		{1000, 1000, 2}, {800, 1200, 3}, {200, 200, 3}, {5, 5, 5}, {7, 3, 3}, {3, 6, 2}, {1, 1, 1},
	}
	for _, c := range cases {
		rng := rand.New(rand.NewPCG(uint64(c.rows), uint64(c.k)))
		s, err := Biregular(c.rows, c.cols, c.k, nil, rng)
		if err != nil {
			t.Fatalf("Biregular(%d, %d, %d): %v", c.rows, c.cols, c.k, err)
		}
		checkBiregularSupport(t, s, nil)
	}
}

func TestBiregularAvoid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base, err := Biregular(200, 200, 2, nil, rng)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := Biregular(200, 200, 1, base, rng)
	if err != nil {
		t.Fatal(err)
	}
	checkBiregularSupport(t, extra, base)
	u := union(base, extra)
	checkBiregularSupport(t, u, nil)
	if u.K != 3 || u.C != 3 {
		t.Errorf("union K=%d C=%d, want 3, 3", u.K, u.C)
	}
}

func TestBiregularBadInput(t *testing.T) {
	full := &Support{Rows: 4, Cols: 4, K: 4, C: 4, Idx: []int{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}}
	cases := []struct {
		name          string
		rows, cols, k int
		avoid         *Support
	}{
		{"no rows", 0, 4, 1, nil},
		{"no columns", 4, 0, 1, nil},
		{"K zero", 4, 4, 0, nil},
		{"K larger than columns", 4, 3, 4, nil},
		{"not divisible", 4, 3, 2, nil},
		{"does not fit beside avoid", 4, 4, 1, full},
		{"avoid of another shape", 4, 2, 1, full},
	}
	for _, c := range cases {
		_, err := Biregular(c.rows, c.cols, c.k, c.avoid, rand.New(rand.NewPCG(1, 1)))
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want a *FieldError", c.name, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"zero sizes", Config{}, "Config.NHidden"},
		{"negative input width", Config{NIn: -1, NHidden: 4, NOut: 4}, "Config.NIn"},
		{"KIn > NIn", Config{NIn: 3, NHidden: 6, NOut: 6, KIn: 4}, "Config.KIn"},
		{"KOut > NHidden", Config{NIn: 2, NHidden: 2, NOut: 4, KIn: 1, KOut: 3}, "Config.KOut"},
		{"NHidden·KIn not a multiple of NIn", Config{NIn: 4, NHidden: 3, NOut: 3, KIn: 2}, "Config.KIn"},
		{"NOut·KOut not a multiple of NHidden", Config{NIn: 4, NHidden: 4, NOut: 3, KIn: 2, KOut: 3}, "Config.KOut"},
		{"negative K", Config{NIn: 4, NHidden: 4, NOut: 4, KOut: -1}, "Config.KOut"},
		{"leaky slope", Config{NIn: 4, NHidden: 4, NOut: 4, Act: LeakyReLU{A: 2}}, "Config.Act"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: Validate() = %v, want a *FieldError on %s", c.name, err, c.field)
		}
		if _, err := New(c.cfg, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("%s: New succeeded", c.name)
		}
	}
}

// TestTeacherGenerate checks the teacher's degrees, weights and labels
// (recomputed with dense matrices) and that a seed fixes everything.
func TestTeacherGenerate(t *testing.T) {
	cfg := Config{NIn: 12, NHidden: 8, NOut: 8, KIn: 3, Act: LeakyReLU{A: 0.1}}
	tc, err := New(cfg, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	checkBiregularSupport(t, tc.In, nil)
	checkBiregularSupport(t, tc.Out, nil)
	if tc.In.C != 2 || tc.Out.K != 2 || tc.Out.C != 2 {
		t.Errorf("degrees: in C=%d, out K=%d C=%d, want 2, 2, 2", tc.In.C, tc.Out.K, tc.Out.C)
	}
	for _, w := range append(slices.Clone(tc.WIn), tc.WOut...) {
		if w != 1 && w != -1 {
			t.Fatalf("weight %d, want ±1", w)
		}
	}
	rng := rand.New(rand.NewPCG(8, 8))
	d, err := tc.Generate(20, rng)
	if err != nil {
		t.Fatal(err)
	}
	win := dense(tc.In, tc.WIn)
	wout := dense(tc.Out, tc.WOut)
	for n := 0; n < d.M; n++ {
		h := make([]float64, tc.NHidden)
		for r := range h {
			for s := 0; s < tc.NIn; s++ {
				h[r] += win[r][s] * float64(d.X[n*tc.NIn+s])
			}
			h[r] = tc.Act.Eval(h[r])
		}
		for a := 0; a < tc.NOut; a++ {
			var z float64
			for r := range h {
				z += wout[a][r] * h[r]
			}
			if want := tc.Act.Eval(z); math.Abs(d.Y[n*tc.NOut+a]-want) > 1e-14 {
				t.Fatalf("y[%d,%d] = %v, want %v", n, a, d.Y[n*tc.NOut+a], want)
			}
		}
	}
	tc2, _ := New(cfg, rand.New(rand.NewPCG(7, 7)))
	d2, _ := tc2.Generate(20, rand.New(rand.NewPCG(8, 8)))
	if !slices.Equal(tc.In.Idx, tc2.In.Idx) || !slices.Equal(tc.WOut, tc2.WOut) || !slices.Equal(d.Y, d2.Y) {
		t.Error("the same seeds gave different teachers or data")
	}
	if _, err := tc.Generate(0, rng); !errors.Is(err, ErrInvalid) {
		t.Errorf("Generate(0) = %v, want ErrInvalid", err)
	}
}

func dense(s *Support, w []int8) [][]float64 {
	m := make([][]float64, s.Rows)
	for r := range m {
		m[r] = make([]float64, s.Cols)
		for k, c := range s.Row(r) {
			m[r][c] = float64(w[r*s.K+k])
		}
	}
	return m
}

// TestMetrics checks the three metrics on the teacher's own weights, on
// flipped weights and on a mismatched student that switches extra edges on.
func TestMetrics(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	tc, _ := New(Config{NIn: 20, NHidden: 20, NOut: 20}, rng)
	test, _ := tc.Generate(50, rng)
	st := BayesStudent(tc)
	if e := tc.WrongFraction(st, tc.WIn, tc.WOut); e != 0 {
		t.Errorf("WrongFraction(teacher) = %v, want 0", e)
	}
	if e := st.GenError(tc.WIn, tc.WOut, test); e != 0 {
		t.Errorf("GenError(teacher) = %v, want 0", e)
	}
	wIn := slices.Clone(tc.WIn)
	wIn[0], wIn[5], wIn[7] = -wIn[0], -wIn[5], -wIn[7]
	if e, want := tc.WrongFraction(st, wIn, tc.WOut), 3.0/80; e != want {
		t.Errorf("WrongFraction(3 flipped) = %v, want %v", e, want)
	}
	if e := st.GenError(wIn, tc.WOut, test); !(e > 0) {
		t.Errorf("GenError(3 flipped) = %v, want > 0", e)
	}
	ms, err := MismatchedStudent(tc, 2, 3, rng)
	if err != nil {
		t.Fatal(err)
	}
	checkBiregularSupport(t, ms.Out, nil)
	sIn, sOut := embed(tc.In, ms.In, tc.WIn), embed(tc.Out, ms.Out, tc.WOut)
	if e := tc.TopologyError(ms, sIn, sOut); e != 0 {
		t.Errorf("TopologyError(teacher in student) = %v, want 0", e)
	}
	if e := ms.GenError(sIn, sOut, test); e != 0 {
		t.Errorf("GenError(teacher in student) = %v, want 0", e)
	}
	// Switch on one extra edge and switch off one teacher edge.
	extra, gone := -1, -1
	for k, w := range sOut {
		if w == 0 && extra < 0 {
			extra = k
		}
		if w != 0 && gone < 0 {
			gone = k
		}
	}
	sOut[extra], sOut[gone] = 1, 0
	if e, want := tc.TopologyError(ms, sIn, sOut), 2.0/100; e != want {
		t.Errorf("TopologyError(2 changes) = %v, want %v", e, want)
	}
	if e, want := tc.WrongFraction(ms, sIn, sOut), 1.0/80; e != want {
		t.Errorf("WrongFraction(1 switched off) = %v, want %v", e, want)
	}
	if _, err := MismatchedStudent(tc, 1, 2, rng); !errors.Is(err, ErrInvalid) {
		t.Errorf("MismatchedStudent(kIn=1) = %v, want ErrInvalid", err)
	}
}

// embed places teacher weights on a student support containing it (0 on
// the extra slots).
func embed(ts, ss *Support, tw []int8) []int8 {
	sw := make([]int8, len(ss.Idx))
	for r := 0; r < ts.Rows; r++ {
		for k, c := range ts.Row(r) {
			j := slices.Index(ss.Row(r), c)
			sw[r*ss.K+j] = tw[r*ts.K+k]
		}
	}
	return sw
}
