package teacher

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMemoryLimit checks that New, Generate and Infer refuse a request
// whose memory estimate exceeds their MaxMemory with a *FieldError that
// gives the estimate, and that the estimate grows with the request.
func TestMemoryLimit(t *testing.T) {
	cfg := Config{NIn: 20, NHidden: 20, NOut: 20}
	if a, b := cfg.Memory(10, 0, 0), cfg.Memory(1000, 0, 0); !(a > 0 && b > a) {
		t.Errorf("Memory(10) = %d, Memory(1000) = %d: want 0 < a < b", a, b)
	}
	if a, b := cfg.Memory(10, 0, 0), cfg.Memory(10, 3, 3); !(b > a) {
		t.Errorf("ternary student %d, binary %d: want more", b, a)
	}
	if m := (Config{NIn: 1e8, NHidden: 1e8, NOut: 1e8}).Memory(1e9, 0, 0); m < 1<<40 {
		t.Errorf("Memory of a 1e8-wide teacher on 1e9 samples = %d, want > 1 TiB", m)
	}
	wantField := func(name string, err error, field string) {
		t.Helper()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field || !strings.Contains(err.Error(), "estimated for") {
			t.Errorf("%s: err = %v, want a *FieldError on %s giving the estimate", name, err, field)
		}
	}
	small := cfg
	small.MaxMemory = 100
	_, err := New(small, rand.New(rand.NewPCG(1, 1)))
	wantField("New", err, "Config.MaxMemory")

	tc, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tc.MaxMemory = 1000
	_, err = tc.Generate(1000, rand.New(rand.NewPCG(1, 2)))
	wantField("Generate", err, "m")
	tc.MaxMemory = -1
	d, err := tc.Generate(8, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatalf("Generate with no limit: %v", err)
	}
	_, err = Infer(BayesStudent(tc), d, &Settings{MaxMemory: 1000})
	wantField("Infer", err, "Settings.MaxMemory")
	if _, err := Infer(BayesStudent(tc), d, &Settings{}); err != nil {
		t.Errorf("Infer with the default limit: %v", err)
	}
}
