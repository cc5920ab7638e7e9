package committee

import (
	"math"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// bruteCount returns the number of solutions of p (K·N ≤ 20) and the
// magnetization of every weight uniformly over them.
func bruteCount(p *Problem) (int, []float64) {
	nk := p.K * p.Set.N
	w := make([]float64, nk)
	mag := make([]float64, nk)
	count := 0
	for c := 0; c < 1<<nk; c++ {
		for j := range w {
			w[j] = float64(1 - 2*(c>>j&1))
		}
		if p.Errors(w) == 0 {
			count++
			for j, v := range w {
				mag[j] += v
			}
		}
	}
	for j := range mag {
		mag[j] /= float64(count)
	}
	return count, mag
}

// TestThermoTree checks the free entropy on a factor graph that is a tree
// (one pattern, exact first-layer nodes), where BP is exact. With y = 1
// the reference variables hang off the weights as leaves and
//
//	Φ·NK = log #solutions + NK log 2cosh γ − Σ_i H(x_i),
//	P(x_i = ±1) = (1 ± tanh(γ)·⟨w_i⟩)/2,  S = tanh γ,
//
// with ⟨w_i⟩ the magnetization uniformly over the solutions; γ = 0 gives
// Φ·NK = log #solutions.
func TestThermoTree(t *testing.T) {
	set := &data.Set{X: []float64{1, -1, 1}, Y: []int{-1}, M: 1, N: 3, Classes: 2}
	ref := []float64{1, 1, -1, 1, -1, -1, 1, 1, 1}
	p := &Problem{K: 3, Set: set, Reference: ref}
	count, mag := bruteCount(p)
	for _, gamma := range []float64{0, 0.4, 1.5} {
		s, err := New(p, &Settings{FirstLayer: Exact, InitNoise: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		s.SetStep(Step{gamma, 1})
		for it := 0; it < 100 && s.Sweep() > 1e-14; it++ {
		}
		th := s.Thermo()
		want := math.Log(float64(count))
		wantRef := 0.0
		for j, m := range mag {
			want += log2cosh(gamma)
			px := (1 + math.Tanh(gamma)*m) / 2
			if px > 0 && px < 1 {
				want += px*math.Log(px) + (1-px)*math.Log(1-px)
			}
			wantRef += m * ref[j]
		}
		nk := float64(len(mag))
		want /= nk
		if math.Abs(th.Phi-want) > 1e-10 {
			t.Errorf("γ = %v: Phi = %v, want %v (%d solutions)", gamma, th.Phi, want, count)
		}
		if math.Abs(th.S-math.Tanh(gamma)) > 1e-12 {
			t.Errorf("γ = %v: S = %v, want tanh γ = %v", gamma, th.S, math.Tanh(gamma))
		}
		if math.Abs(th.LocalEntropy-(th.Phi-gamma*th.S)) > 1e-14 {
			t.Errorf("γ = %v: LocalEntropy = %v, want Phi − γS", gamma, th.LocalEntropy)
		}
		// On a tree the BP weight marginals are exact.
		var q float64
		for _, m := range mag {
			q += m * m
		}
		if math.Abs(th.Q-q/nk) > 1e-10 {
			t.Errorf("γ = %v: Q = %v, want %v", gamma, th.Q, q/nk)
		}
		if math.Abs(th.RefOverlap-wantRef/nk) > 1e-10 {
			t.Errorf("γ = %v: RefOverlap = %v, want %v", gamma, th.RefOverlap, wantRef/nk)
		}
	}
}

// TestThermoInfiniteGamma checks the γ = +Inf conventions: S = 1, Phi and
// the local entropy undefined (NaN), the overlaps finite.
func TestThermoInfiniteGamma(t *testing.T) {
	p, err := RandomProblem(3, 11, 0.3, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(p, &Settings{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetStep(Step{inf, 2})
	for range 3 {
		s.Sweep()
	}
	th := s.Thermo()
	if th.S != 1 || !math.IsNaN(th.Phi) || !math.IsNaN(th.LocalEntropy) || !math.IsNaN(th.RefOverlap) {
		t.Errorf("γ = Inf: S = %v, Phi = %v, LocalEntropy = %v, RefOverlap = %v; want 1, NaN, NaN, NaN", th.S, th.Phi, th.LocalEntropy, th.RefOverlap)
	}
	if !(th.Q > 0 && th.Q <= 1 && th.QTilde >= 0 && th.QTilde <= 1) {
		t.Errorf("γ = Inf: Q = %v, QTilde = %v, want in (0, 1]", th.Q, th.QTilde)
	}
}
