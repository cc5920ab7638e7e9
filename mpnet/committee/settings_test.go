package committee

import (
	"errors"
	"math"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// checkParamError fails t unless err is nil for field "" or a *ParamError
// about field otherwise; v is what was validated, for the message.
func checkParamError(t *testing.T, v any, err error, field string) {
	t.Helper()
	var pe *ParamError
	switch {
	case field == "" && err != nil:
		t.Errorf("%+v: unexpected error %v", v, err)
	case field != "" && (!errors.As(err, &pe) || pe.Field != field):
		t.Errorf("%+v: error %v, want one about %s", v, err, field)
	}
}

// TestSettingsValidate checks that every nonsense hyper-parameter is an
// error naming its field, and that nothing panics.
func TestSettingsValidate(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		s     *Settings
		field string // "" for valid
	}{
		{&Settings{}, ""},
		{&Settings{Damping: 0.5, Epsilon: 1e-6, MaxIters: 1, MaxSteps: 10, InitNoise: 1}, ""},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 3, GammaStart: 0.1, GammaStop: 5, Step: 0.1}}, ""},
		{&Settings{Protocol: Protocol{Kind: PseudoReinforcement, X: 0.3}}, ""},
		{&Settings{Protocol: Protocol{Kind: FreeScoping, Steps: []Step{{0.5, 2}, {inf, inf}}}}, ""},
		{nil, ""},
		{&Settings{Damping: 1}, "Damping"},
		{&Settings{Damping: -0.1}, "Damping"},
		{&Settings{Damping: nan}, "Damping"},
		{&Settings{Epsilon: -1}, "Epsilon"},
		{&Settings{Epsilon: inf}, "Epsilon"},
		{&Settings{MaxIters: -1}, "MaxIters"},
		{&Settings{MaxSteps: -3}, "MaxSteps"},
		{&Settings{InitNoise: 1.5}, "InitNoise"},
		{&Settings{InitNoise: nan}, "InitNoise"},
		{&Settings{FirstLayer: 7}, "FirstLayer"},
		{&Settings{Protocol: Protocol{Kind: 9}}, "Kind"},
		{&Settings{Protocol: Protocol{Step: 1}}, "Step"},
		{&Settings{Protocol: Protocol{Step: -0.1}}, "Step"},
		{&Settings{Protocol: Protocol{Kind: PseudoReinforcement, X: 2}}, "X"},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 0.5, GammaStop: 1}}, "Y"},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 2, GammaStart: -1, GammaStop: 1}}, "GammaStart"},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 2, GammaStart: 2, GammaStop: 1}}, "GammaStop"},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 2, GammaStop: inf}}, "GammaStop"},
		{&Settings{Protocol: Protocol{Kind: Scoping, Y: 2, GammaStop: 1e9, Step: 1e-3}}, "Step"},
		{&Settings{Protocol: Protocol{Kind: FreeScoping}}, "Steps"},
		{&Settings{Protocol: Protocol{Kind: FreeScoping, Steps: []Step{{-1, 2}}}}, "Steps[0].Gamma"},
		{&Settings{Protocol: Protocol{Kind: FreeScoping, Steps: []Step{{1, 2}, {1, nan}}}}, "Steps[1].Y"},
	} {
		err := tc.s.Validate()
		if tc.s == nil {
			if err == nil {
				t.Error("nil settings: no error")
			}
			continue
		}
		checkParamError(t, tc.s, err, tc.field)
	}
}

// TestProblemValidate checks the shape and content errors of problems.
func TestProblemValidate(t *testing.T) {
	good := func() *data.Set {
		return &data.Set{X: []float64{1, -1, 1, -1, -1, 1}, Y: []int{1, -1}, M: 2, N: 3, Classes: 2}
	}
	bad := good()
	bad.X[4] = 0.5
	badY := good()
	badY.Y[1] = 0
	for _, tc := range []struct {
		p     *Problem
		field string
	}{
		{&Problem{K: 3, Set: good()}, ""},
		{&Problem{K: 2, Set: good()}, "K"},
		{&Problem{K: -1, Set: good()}, "K"},
		{&Problem{K: 3}, "Set"},
		{nil, "Set"},
		{&Problem{K: 3, Set: &data.Set{X: []float64{1, 1}, Y: []int{1}, M: 1, N: 2}}, "N"},
		{&Problem{K: 3, Set: &data.Set{N: 3}}, "Set"},
		{&Problem{K: 3, Set: bad}, "Set.X[4]"},
		{&Problem{K: 3, Set: badY}, "Set.Y[1]"},
		{&Problem{K: 3, Set: good(), Reference: []float64{1}}, "Reference"},
	} {
		checkParamError(t, tc.p, tc.p.Validate(), tc.field)
	}
	for _, tc := range []struct {
		K, N  int
		alpha float64
		field string
	}{
		{5, 321, 0.3, ""},
		{4, 321, 0.3, "K"},
		{5, 0, 0.3, "N"},
		{5, 320, 0.3, "N"},
		{5, 321, 0, "alpha"},
		{5, 321, -1, "alpha"},
		{5, 321, math.NaN(), "alpha"},
		{5, 321, inf, "alpha"},
		{5, 3, 0.01, "alpha"}, // M = round(0.15) = 0
		{5, 1<<20 + 1, 1, "K"},
	} {
		p, err := RandomProblem(tc.K, tc.N, tc.alpha, 1, 0)
		var pe *ParamError
		switch {
		case tc.field == "" && (err != nil || p.Set.M != int(math.Round(tc.alpha*float64(tc.K*tc.N)))):
			t.Errorf("RandomProblem(%d, %d, %v): %v", tc.K, tc.N, tc.alpha, err)
		case tc.field != "" && (!errors.As(err, &pe) || pe.Field != tc.field):
			t.Errorf("RandomProblem(%d, %d, %v): error %v, want one about %s", tc.K, tc.N, tc.alpha, err, tc.field)
		}
	}
}

// TestSchedules checks the (γ, y) sequences of the four protocols.
func TestSchedules(t *testing.T) {
	s, err := (&Protocol{Step: 0.25}).Schedule()
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{{inf, 1}, {inf, 4.0 / 3}, {inf, 2}, {inf, 4}}
	if len(s) != len(want) {
		t.Fatalf("standard: %v, want %v", s, want)
	}
	for i := range s {
		if s[i] != want[i] {
			t.Errorf("standard[%d] = %v, want %v", i, s[i], want[i])
		}
	}
	if s, _ := (&Protocol{}).Schedule(); len(s) != 100 || math.Abs(s[99].Y-100) > 1e-12 {
		t.Errorf("default standard: %d steps, last %v; want 100, y = 100", len(s), s[len(s)-1])
	}
	s, _ = (&Protocol{Kind: PseudoReinforcement, Step: 0.25}).Schedule()
	for i, st := range s {
		rho := 0.25 * float64(i)
		if math.Abs(math.Tanh(st.Gamma)-math.Sqrt(rho)) > 1e-15 || math.Abs(st.Y-(2-rho)/(1-rho)) > 1e-15 {
			t.Errorf("pseudo[%d] = %v, want tanh γ = √ρ, y = (2 − ρ)/(1 − ρ) at ρ = %v", i, st, rho)
		}
	}
	s, _ = (&Protocol{Kind: PseudoReinforcement, Step: 0.5, X: 0.25}).Schedule()
	if len(s) != 2 || math.Abs(math.Tanh(s[1].Gamma)-math.Pow(0.5, 0.25)) > 1e-15 || math.Abs(s[1].Y-(1+math.Sqrt(0.5)/0.5)) > 1e-14 {
		t.Errorf("pseudo x = ¼: %v", s)
	}
	s, _ = (&Protocol{Kind: Scoping, Y: 5, GammaStart: 0.5, GammaStop: 1, Step: 0.25}).Schedule()
	if len(s) != 3 || s[0] != (Step{0.5, 5}) || s[2] != (Step{1, 5}) {
		t.Errorf("scoping: %v", s)
	}
}
