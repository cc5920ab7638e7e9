package compare

import (
	"context"
	"math"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
)

// TestRSGDGradientStepMatchesNaive runs one mini-batch of BASELINES §3.2
// through gradientStep and through a float transcription of the rule.
func TestRSGDGradientStepMatchesNaive(t *testing.T) {
	const K, N, M, B = 5, 65, 120, 40
	train := cmTestSet(t, 4, 0, N, M)
	r, err := NewRSGD(train, &RSGDSettings{K: K, Replicas: 3, Batch: B, Eta: 1.5, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	rep := r.reps[1]
	H := append([]float64(nil), rep.H...)
	W := append([]float64(nil), rep.W...)
	dH := make([]float64, K*N)
	for _, m := range rep.order[:B] {
		xi, sigma := train.Row(m), float64(train.Y[m])
		h := make([]float64, K)
		var out float64
		for k := range h {
			h[k] = cmNaiveField(W, xi, k)
			out += ebpSign(h[k])
		}
		if sigma*out > 0 {
			continue
		}
		used := make([]bool, K)
		for range int((1 - sigma*out) / 2) {
			best := -1
			for k := range h {
				if !used[k] && sigma*h[k] < 0 && (best < 0 || -sigma*h[k] < -sigma*h[best]) {
					best = k
				}
			}
			used[best] = true
			for i, x := range xi {
				dH[best*N+i] += 1.5 * sigma * x
			}
		}
	}
	r.gradientStep(rep)
	for i := range H {
		want := H[i] + dH[i]
		if !testutil.Close(rep.H[i], want, 1e-12) {
			t.Fatalf("H[%d] = %v, want %v", i, rep.H[i], want)
		}
		w := -1.0 // H > 0 → +1, else −1
		if want > 0 {
			w = 1
		}
		if rep.W[i] != w {
			t.Fatalf("W[%d] = %v, want sign(H) = %v", i, rep.W[i], w)
		}
	}
}

// TestRSGDKickFormulas checks every interaction formula of BASELINES §3.3
// against its equation, at finite and infinite γ.
func TestRSGDKickFormulas(t *testing.T) {
	const K, N, Y = 3, 33, 4 // even y: S_i = 0 occurs
	train := cmTestSet(t, 5, 0, N, 30)
	for _, f := range []RSGDFormula{RSGDSimple, RSGDHard, RSGDCorrected, RSGDContinuous, RSGDCenter} {
		for _, gamma := range []float64{0.3, math.Inf(1)} {
			r, err := NewRSGD(train, &RSGDSettings{K: K, Replicas: Y, Lambda: 0.4, Gamma: gamma, Formula: f, InitIndependent: true, Seed: 6})
			if err != nil {
				t.Fatal(err)
			}
			rep := r.reps[2]
			H := append([]float64(nil), rep.H...)
			var Hc []float64
			if r.center != nil {
				Hc = append([]float64(nil), r.center.H...)
			}
			want := make([]float64, K*N)
			for i := range want {
				var S float64
				for _, b := range r.reps {
					S += b.W[i]
				}
				th := func(x float64) float64 {
					if x == 0 {
						return 0
					}
					if math.IsInf(gamma, 1) {
						return math.Copysign(1, x)
					}
					return math.Tanh(gamma * x)
				}
				var d float64
				switch f {
				case RSGDSimple:
					d = th(S) - rep.W[i]
				case RSGDHard:
					d = math.Max(-1, math.Min(1, gamma*S)) - rep.W[i]
					if S == 0 {
						d = -rep.W[i]
					}
				case RSGDCorrected:
					d = th(S) - th(Y)*rep.W[i]
				case RSGDContinuous:
					d = S/Y - rep.W[i]
				case RSGDCenter:
					d = r.center.W[i] - rep.W[i]
				}
				want[i] = H[i] + 0.4*d
				if Hc != nil {
					Hc[i] -= 0.4 * d
				}
			}
			r.kick(rep, gamma)
			for i := range want {
				if !testutil.Close(rep.H[i], want[i], 1e-12) {
					t.Fatalf("%v γ=%v: H[%d] = %v, want %v", f, gamma, i, rep.H[i], want[i])
				}
				if Hc != nil && !testutil.Close(r.center.H[i], Hc[i], 1e-12) {
					t.Fatalf("%v γ=%v: Hc[%d] = %v, want %v", f, gamma, i, r.center.H[i], Hc[i])
				}
			}
		}
	}
}

// TestRSGDCenterSumTracksReplicas checks that S = Σ_b W^b after every
// sub-epoch, for every formula.
func TestRSGDCenterSumTracksReplicas(t *testing.T) {
	train := cmTestSet(t, 7, 0, 51, 80)
	for _, f := range []RSGDFormula{RSGDSimple, RSGDHard, RSGDCorrected, RSGDContinuous, RSGDCenter} {
		r, err := NewRSGD(train, &RSGDSettings{K: 3, Replicas: 5, Batch: 7, Lambda: 0.5, Gamma: 0.2, Formula: f, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for range 30 {
			r.subEpoch(0.2)
			for i, s := range r.S {
				var want float64
				for _, b := range r.reps {
					want += b.W[i]
				}
				if s != want {
					t.Fatalf("%v: S[%d] = %v, want Σ_b W^b = %v", f, i, s, want)
				}
			}
		}
	}
}

// TestRSGDFormulasSolveEasyInstance runs every formula on an easy instance
// (K = 3, N = 51, α = 0.3) and checks that each solves it and that a run
// is reproducible.
func TestRSGDFormulasSolveEasyInstance(t *testing.T) {
	train := cmTestSet(t, 8, 0, 51, 46)
	for _, f := range []RSGDFormula{RSGDSimple, RSGDHard, RSGDCorrected, RSGDContinuous, RSGDCenter} {
		var epochs [2]int
		for run := range epochs {
			r, err := NewRSGD(train, &RSGDSettings{K: 3, Replicas: 5, Lambda: 0.3, Gamma: 0.05, GammaStep: 0.01, Formula: f, MaxEpochs: 300, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !res.Solved {
				t.Fatalf("%v: unsolved after %d epochs, min errors %d", f, res.Epochs, res.MinErrors)
			}
			w := r.centerW()
			if res.SolvedBy < len(r.reps) {
				w = r.Replica(res.SolvedBy)
			}
			if n, err := CommitteeErrors(train, w, 3); err != nil || n != 0 {
				t.Fatalf("%v: the solving configuration makes %d errors (%v)", f, n, err)
			}
			epochs[run] = res.Epochs
		}
		if epochs[0] != epochs[1] {
			t.Errorf("%v: epochs %d and %d with one seed", f, epochs[0], epochs[1])
		}
	}
}

// TestRSGDBeatsPlain is the acceptance test of EXPERIMENTS §II.3 at a small
// size: K = 5, N = 101 (505 synapses), α = 0.45 (M = 227), y = 7, batch 5,
// λ = 0.3, γ = 0.05 + 0.003 per epoch, 300 epochs, 12 instances (seed 1).
// Measured: replicated 11/12 solved, plain (λ = 0) 0/12.
func TestRSGDBeatsPlain(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short")
	}
	const N, alpha, instances = 101, 0.45, 12
	s := &RSGDSettings{K: 5, Replicas: 7, Batch: 5, Lambda: 0.3, Gamma: 0.05, GammaStep: 0.003, MaxEpochs: 300, Seed: 1}
	rep, err := SolveFraction(context.Background(), s, N, alpha, instances, 1)
	if err != nil {
		t.Fatal(err)
	}
	plainS := *s
	plainS.Lambda = 0
	plain, err := SolveFraction(context.Background(), &plainS, N, alpha, instances, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		st   *RSGDSolveStats
	}{{"replicated", rep}, {"plain", plain}} {
		t.Logf("%s: K=5 N=%d M=%d α=%.3f: solved %d/%d (%.2f), mean epochs %.0f, mean min error %.4f, %v per instance",
			c.name, c.st.N, c.st.M, c.st.Alpha, c.st.Solved, c.st.Instances, c.st.Fraction, c.st.MeanEpochs, c.st.MeanMinError, c.st.PerInstance)
	}
	if rep.Fraction <= plain.Fraction || rep.Fraction < 0.5 {
		t.Errorf("replicated solved %.2f, plain %.2f: want replicated > plain and ≥ 0.5", rep.Fraction, plain.Fraction)
	}
}

func TestRSGDSettingsErrors(t *testing.T) {
	train := cmTestSet(t, 9, 0, 11, 10)
	for _, s := range []*RSGDSettings{
		nil,
		{K: 2},
		{K: 3, Replicas: -1},
		{K: 3, Lambda: -1},
		{K: 3, Gamma: math.NaN()},
		{K: 3, Formula: 9},
	} {
		if _, err := NewRSGD(train, s); err == nil {
			t.Errorf("NewRSGD(%+v): no error", s)
		}
	}
	if _, err := SolveFraction(context.Background(), &RSGDSettings{K: 3}, 10, 0.3, 1, 1); err == nil {
		t.Error("SolveFraction with even N: no error")
	}
}
