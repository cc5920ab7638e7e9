package teacher

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSettingsValidate(t *testing.T) {
	cases := []struct {
		name  string
		s     Settings
		field string
	}{
		{"unknown algorithm", Settings{Algorithm: 7}, "Settings.Algorithm"},
		{"unknown mode", Settings{Mode: -1}, "Settings.Mode"},
		{"negative batch", Settings{Mode: Batch, Batch: -2}, "Settings.Batch"},
		{"online with batch 4", Settings{Mode: Online, Batch: 4}, "Settings.Batch"},
		{"damping 1", Settings{Damping: 1}, "Settings.Damping"},
		{"negative damping", Settings{Damping: -0.1}, "Settings.Damping"},
		{"NaN damping", Settings{Damping: math.NaN()}, "Settings.Damping"},
		{"negative iterations", Settings{MaxIter: -1}, "Settings.MaxIter"},
		{"negative tolerance", Settings{Tol: -1}, "Settings.Tol"},
		{"negative reinforcement", Settings{Reinforcement: -0.01}, "Settings.Reinforcement"},
		{"infinite beta", Settings{Beta: math.Inf(1)}, "Settings.Beta"},
		{"NaN hard tolerance", Settings{HardTol: math.NaN()}, "Settings.HardTol"},
		{"negative workers", Settings{Workers: -1}, "Settings.Workers"},
	}
	for _, c := range cases {
		err := c.s.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: Validate() = %v, want a *FieldError on %s", c.name, err, c.field)
		}
	}
	for _, s := range []Settings{{}, {Mode: Online, Batch: 1}, {Mode: Batch, Batch: 2, Damping: 0.3, Reinforcement: 0.01, Beta: 2}} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v", s, err)
		}
	}
}

// TestInferBadInput checks that Infer returns an error, never panics, on
// inputs that do not fit.
func TestInferBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tc, _ := New(Config{NIn: 6, NHidden: 6, NOut: 6}, rng)
	st := BayesStudent(tc)
	d, _ := tc.Generate(3, rng)
	other, _ := New(Config{NIn: 8, NHidden: 8, NOut: 8}, rng)
	dOther, _ := other.Generate(3, rng)
	badX := &Data{M: 1, NIn: 6, NOut: 6, X: []int8{1, 0, 1, 1, 1, 1}, Y: make([]float64, 6)}
	nanY := &Data{M: 1, NIn: 6, NOut: 6, X: []int8{1, 1, 1, 1, 1, 1}, Y: []float64{0, 0, math.NaN(), 0, 0, 0}}
	short := &Data{M: 2, NIn: 6, NOut: 6, X: make([]int8, 6), Y: make([]float64, 12)}
	huge := &Student{In: &Support{Rows: 1, Cols: 20, K: 20, Idx: make([]int, 20)},
		Out: &Support{Rows: 1, Cols: 1, K: 1, Idx: []int{0}}, Act: Tanh{}}
	badCol := &Student{In: &Support{Rows: 6, Cols: 6, K: 2, Idx: append(append([]int(nil), tc.In.Idx[:11]...), 9)},
		Out: tc.Out, Act: tc.Act}
	cases := []struct {
		name string
		st   *Student
		d    *Data
		s    *Settings
	}{
		{"nil student", nil, d, nil},
		{"no activation", &Student{In: tc.In, Out: tc.Out}, d, nil},
		{"hidden widths differ", &Student{In: other.In, Out: tc.Out, Act: tc.Act}, d, nil},
		{"column out of range", badCol, d, nil},
		{"nil data", st, nil, nil},
		{"data of another network", st, dOther, nil},
		{"input not ±1", st, badX, nil},
		{"NaN label", st, nanY, nil},
		{"short inputs", st, short, nil},
		{"bad settings", st, d, &Settings{Damping: 2}},
		{"too many configurations", huge, &Data{M: 1, NIn: 20, NOut: 1, X: make([]int8, 20), Y: []float64{0}}, nil},
	}
	for _, c := range cases {
		if _, err := Infer(c.st, c.d, c.s); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Infer = %v, want ErrInvalid", c.name, err)
		}
	}
}
