package committee

import (
	"errors"
	"strings"
	"testing"
)

// TestScheduleBounded checks that a step too small for maxSteps focusing
// steps is an error naming Step, for both protocols that count steps of x
// or ρ, and that the smallest accepted step gives exactly maxSteps steps.
func TestScheduleBounded(t *testing.T) {
	for _, kind := range []ProtocolKind{StandardReinforcement, PseudoReinforcement} {
		for _, step := range []float64{1e-300, 1e-9, 5e-8} {
			p := Protocol{Kind: kind, Step: step}
			_, err := p.Schedule()
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != "Step" || !strings.Contains(err.Error(), "at most") {
				t.Errorf("%v step %g: err = %v, want a ParamError on Step", kind, step, err)
			}
		}
	}
	if testing.Short() {
		return
	}
	s, err := (&Protocol{Step: 1.0 / maxSteps}).Schedule()
	if err != nil || len(s) != maxSteps {
		t.Errorf("step 2^-20: %d steps, %v; want %d", len(s), err, maxSteps)
	}
}

// TestMemoryLimit checks the estimate of Memory and that New refuses a
// problem over Settings.MaxMemory with a ParamError giving the estimate.
func TestMemoryLimit(t *testing.T) {
	M, err := Patterns(3, 21, 0.5)
	if err != nil || M != 32 {
		t.Fatalf("Patterns(3, 21, 0.5) = %d, %v; want 32", M, err)
	}
	p, err := RandomProblem(3, 21, 0.5, 1, 0)
	if err != nil || p.Set.M != M {
		t.Fatalf("RandomProblem: %v, M = %d", err, p.Set.M)
	}
	if _, err := Patterns(4, 21, 0.5); err == nil {
		t.Error("Patterns(K = 4): no error")
	}
	g, _ := Memory(3, 21, M, &Settings{})
	e, _ := Memory(3, 21, M, &Settings{FirstLayer: Exact})
	big, _ := Memory(5, 100001, 1000, &Settings{FirstLayer: Exact})
	if !(g > 8*3*21*int64(M) && e > g && big > 1<<36) {
		t.Errorf("Memory: gaussian %d, exact %d, exact N = 100001 %d", g, e, big)
	}
	if _, err := Memory(3, 21, M, &Settings{Damping: 2}); err == nil {
		t.Error("Memory with invalid settings: no error")
	}
	_, err = New(p, &Settings{MaxMemory: g - 1})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Field != "MaxMemory" || !strings.Contains(err.Error(), "estimated for M = 32") {
		t.Errorf("New over the limit: %v", err)
	}
	if _, err := New(p, &Settings{MaxMemory: g}); err != nil {
		t.Errorf("New at the limit: %v", err)
	}
}
