package compare

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// naiveAnnealEnergy is the energy of EXPERIMENTS §II.1 written from the
// spec: for every pattern, h_k = W_k·ξ, τ_k = sign(h_k); a correct pattern
// (σ Σ_k τ_k > 0) costs 0, a wrong one the n_fix = (1 − σ Σ_k τ_k)/2
// smallest costs (|h_k| + 1)/2 among the units with σ h_k < 0.
func naiveAnnealEnergy(s *data.Set, w []float64, K int) int {
	N := s.N
	E := 0
	for m := 0; m < s.M; m++ {
		x, sigma := s.Row(m), s.Y[m]
		out := 0
		var costs []int
		for k := 0; k < K; k++ {
			var h float64
			for i := 0; i < N; i++ {
				h += w[k*N+i] * x[i]
			}
			if h > 0 {
				out++
			} else {
				out--
			}
			if float64(sigma)*h < 0 {
				costs = append(costs, int(math.Abs(h)+1)/2)
			}
		}
		if sigma*out > 0 {
			continue
		}
		sort.Ints(costs)
		for _, c := range costs[:(1-sigma*out)/2] {
			E += c
		}
	}
	return E
}

// annealProblem returns M random patterns of N inputs from the PCG stream
// (seed, 1).
func annealProblem(t testing.TB, seed uint64, N, M int) *data.Set { return cmTestSet(t, seed, 1, N, M) }

// TestAnnealIncrementalEnergyShift flips random weights of random replicas
// and checks, after every flip, that the incremental shift ΔE equals the
// difference of the naive energies, that the tracked energy equals the
// naive one, and that the fields and pattern energies equal a full
// recomputation (perceptron and committee machines).
func TestAnnealIncrementalEnergyShift(t *testing.T) {
	for _, c := range []struct{ K, N, M int }{{1, 15, 40}, {1, 51, 25}, {3, 11, 50}, {5, 21, 80}, {7, 5, 30}} {
		r, err := NewAnneal(annealProblem(t, uint64(c.K*100+c.N), c.N, c.M), &AnnealSettings{K: c.K, Replicas: 3, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		set := annealProblem(t, uint64(c.K*100+c.N), c.N, c.M)
		rng := rand.New(rand.NewPCG(3, uint64(c.K)))
		for step := 0; step < 300; step++ {
			a, j := rng.IntN(3), rng.IntN(c.K*c.N)
			before := naiveAnnealEnergy(set, r.Replica(a), c.K)
			dE := r.flip(a, j, false)
			if got := r.flip(a, j, true); got != dE {
				t.Fatalf("K=%d: flip gave ΔE = %d when applied, %d when proposed", c.K, got, dE)
			}
			after := naiveAnnealEnergy(set, r.Replica(a), c.K)
			if dE != after-before || r.Energy(a) != after {
				t.Fatalf("K=%d N=%d step %d: ΔE = %d, E = %d; naive %d → %d", c.K, c.N, step, dE, r.Energy(a), before, after)
			}
		}
		for a := 0; a < 3; a++ {
			h, e, o, E := append([]int32(nil), r.h[a]...), append([]int32(nil), r.e[a]...), append([]int32(nil), r.o[a]...), r.E[a]
			r.recompute(a)
			if E != r.E[a] || !equal32(h, r.h[a]) || !equal32(e, r.e[a]) || (c.K > 1 && !equal32(o, r.o[a])) {
				t.Fatalf("K=%d replica %d: incremental state differs from a full recomputation", c.K, a)
			}
		}
		for j := range r.S {
			var s int32
			for a := 0; a < 3; a++ {
				s += r.w[a][j]
			}
			if s != r.S[j] {
				t.Fatalf("K=%d: S[%d] = %d, want Σ_a W^a = %d", c.K, j, r.S[j], s)
			}
		}
	}
}

func equal32(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// TestAnnealSamplesRobustEnsemble runs the Metropolis chain (flip + accept)
// at fixed β and γ on a system small enough to enumerate — y = 2 replicas
// of a perceptron with N = 3 (64 states) — and checks that the visited
// frequencies match P ∝ exp(−β Σ_a E(W^a) + Σ_i log 2cosh(γ Σ_a W^a_i))
// within a total variation distance of 0.02 (detailed balance; measured
// ≈ 0.005 with 4e5 moves).
func TestAnnealSamplesRobustEnsemble(t *testing.T) {
	const N, M, y = 3, 4, 2
	set := annealProblem(t, 77, N, M)
	for _, c := range []struct{ beta, gamma float64 }{{0.7, 0}, {0.7, 0.8}, {1.5, 2}} {
		r, err := NewAnneal(set, &AnnealSettings{K: 1, Replicas: y, Beta0: c.beta, Gamma0: c.gamma, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		// Exact distribution by enumeration over the 2^(N·y) states.
		want := make([]float64, 1<<(N*y))
		var Z float64
		for st := range want {
			w := stateWeights(st, N, y)
			logp := 0.0
			for a := 0; a < y; a++ {
				logp -= c.beta * float64(naiveAnnealEnergy(set, w[a], 1))
			}
			for i := 0; i < N; i++ {
				var s float64
				for a := 0; a < y; a++ {
					s += w[a][i]
				}
				logp += math.Log(2 * math.Cosh(c.gamma*s))
			}
			want[st] = math.Exp(logp)
			Z += want[st]
		}
		got := make([]float64, len(want))
		const moves = 400000
		for n := 0; n < moves; n++ {
			a, j := r.rng.IntN(y), r.rng.IntN(N)
			if r.accept(a, j, r.flip(a, j, false)) {
				r.flip(a, j, true)
			}
			got[annealState(r, N, y)]++
		}
		var tv float64
		for st := range want {
			tv += math.Abs(got[st]/moves - want[st]/Z)
		}
		tv /= 2
		t.Logf("β = %v, γ = %v: total variation %.4f", c.beta, c.gamma, tv)
		if tv > 0.02 {
			t.Errorf("β = %v, γ = %v: total variation distance %.4f from the robust-ensemble measure, want ≤ 0.02", c.beta, c.gamma, tv)
		}
	}
}

// stateWeights decodes state st into y replicas of N ±1 weights (bit a·N+i
// set: W^a_i = +1).
func stateWeights(st, N, y int) [][]float64 {
	w := make([][]float64, y)
	for a := range w {
		w[a] = make([]float64, N)
		for i := range w[a] {
			w[a][i] = -1
			if st>>(a*N+i)&1 == 1 {
				w[a][i] = 1
			}
		}
	}
	return w
}

// annealState encodes the run's replicas as stateWeights does.
func annealState(r *Anneal, N, y int) int {
	st := 0
	for a := 0; a < y; a++ {
		for i := 0; i < N; i++ {
			if r.w[a][i] > 0 {
				st |= 1 << (a*N + i)
			}
		}
	}
	return st
}

// TestAnnealSolvesSmallInstances checks the learning claim on small
// instances: plain SA (y = 1) and replicated SA (y = 5, γ₀ = 1,
// f_γ = 1.005) with β₀ = 1, f_β = 1.01 every K·N accepted moves and a
// stall limit of 20·K·N solve at least 4 of 5 random perceptrons (N = 101
// for SA, 201 for RSA, α = 0.5) and committee machines (K = 3, N = 67,
// α = 0.4) within 1e7 moves (measured: 5 of 5 each, at most a few 1e5
// moves); every reported solution is checked against the naive energy.
func TestAnnealSolvesSmallInstances(t *testing.T) {
	cases := []struct {
		name        string
		K, N        int
		alpha       float64
		y           int
		gamma, fgam float64
	}{
		{"perceptron SA", 1, 101, 0.5, 1, 0, 1},
		{"perceptron RSA", 1, 201, 0.5, 5, 1, 1.005},
		{"committee SA", 3, 67, 0.4, 1, 0, 1},
		{"committee RSA", 3, 67, 0.4, 5, 1, 1.005},
	}
	for _, c := range cases {
		M := int(math.Round(c.alpha * float64(c.K*c.N)))
		solved := 0
		for inst := 0; inst < 5; inst++ {
			set := annealProblem(t, uint64(1000+inst), c.N, M)
			s := &AnnealSettings{K: c.K, Replicas: c.y, Beta0: 1, BetaFactor: 1.01, Gamma0: c.gamma, GammaFactor: c.fgam,
				Steps: c.K * c.N, MaxStall: int64(20 * c.K * c.N), MaxMoves: 1e7, Seed: uint64(inst)}
			r, err := NewAnneal(set, s)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if res.Solved {
				solved++
				if e := naiveAnnealEnergy(set, r.Replica(res.SolvedBy), c.K); e != 0 {
					t.Errorf("%s instance %d: reported solution has energy %d", c.name, inst, e)
				}
				if n, _ := CommitteeErrors(set, r.Replica(res.SolvedBy), c.K); n != 0 {
					t.Errorf("%s instance %d: reported solution misclassifies %d patterns", c.name, inst, n)
				}
			}
			t.Logf("%s instance %d: %v after %d moves (%d accepted), min E %d", c.name, inst, res.Status, res.Moves, res.Accepted, res.MinEnergy)
		}
		if solved < 4 {
			t.Errorf("%s: solved %d of 5 instances, want ≥ 4", c.name, solved)
		}
	}
}

// TestAnnealSolveStats checks AnnealSolve's bookkeeping: the same instances
// and results whatever the parallelism, counts that add up, and the median
// of the moves to solution.
func TestAnnealSolveStats(t *testing.T) {
	s := &AnnealSettings{K: 1, Replicas: 3, Beta0: 1, BetaFactor: 1.01, Gamma0: 1, GammaFactor: 1.005, Steps: 51, MaxStall: 1020, Seed: 4}
	a, err := AnnealSolve(context.Background(), s, 51, 0.5, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, err := AnnealSolve(context.Background(), s, 51, 0.5, 5, 9)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	var solved []float64
	for i := range a.Moves {
		if a.Moves[i] != b.Moves[i] || a.Status[i] != b.Status[i] {
			t.Errorf("instance %d: %v after %d moves in parallel, %v after %d serially", i, a.Status[i], a.Moves[i], b.Status[i], b.Moves[i])
		}
		if a.Status[i] == AnnealSolved {
			solved = append(solved, float64(a.Moves[i]))
		}
	}
	if a.M != 26 || a.Solved != len(solved) || a.Fraction != float64(len(solved))/5 {
		t.Errorf("M = %d, solved %d (fraction %v), want M = 26 and %d solved", a.M, a.Solved, a.Fraction, len(solved))
	}
	if len(solved) == 5 {
		sort.Float64s(solved)
		if a.MedianMoves != solved[2] {
			t.Errorf("median moves %v, want %v", a.MedianMoves, solved[2])
		}
	} else {
		t.Errorf("solved %d of 5 instances with N = 51, want all (the median test needs them)", len(solved))
	}
	if _, err := AnnealSolve(context.Background(), s, 50, 0.5, 5, 9); err == nil {
		t.Error("even N accepted")
	}
}

// TestAnnealSettingsRejected checks that every invalid field is reported
// as an *AnnealSettingsError naming it, and that bad data is refused.
func TestAnnealSettingsRejected(t *testing.T) {
	cases := []struct {
		s     AnnealSettings
		field string
	}{
		{AnnealSettings{K: 2}, "K"},
		{AnnealSettings{K: 0}, "K"},
		{AnnealSettings{K: 1, Replicas: -1}, "Replicas"},
		{AnnealSettings{K: 1, Beta0: math.NaN()}, "Beta0"},
		{AnnealSettings{K: 1, Beta0: -1}, "Beta0"},
		{AnnealSettings{K: 1, BetaFactor: math.Inf(1)}, "BetaFactor"},
		{AnnealSettings{K: 1, Gamma0: -0.1}, "Gamma0"},
		{AnnealSettings{K: 1, GammaFactor: -2}, "GammaFactor"},
		{AnnealSettings{K: 1, Steps: -1}, "Steps"},
		{AnnealSettings{K: 1, MaxStall: -1}, "MaxStall"},
		{AnnealSettings{K: 1, MaxMoves: -5}, "MaxMoves"},
	}
	set := annealProblem(t, 1, 11, 5)
	for _, c := range cases {
		_, err := NewAnneal(set, &c.s)
		var se *AnnealSettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("%+v: err = %v, want an AnnealSettingsError for %s", c.s, err, c.field)
		}
	}
	if _, err := NewAnneal(set, nil); err == nil {
		t.Error("nil settings accepted")
	}
	if _, err := NewAnneal(annealProblem(t, 1, 10, 5), &AnnealSettings{K: 1}); err == nil || !strings.Contains(err.Error(), "N odd") {
		t.Errorf("even N: err = %v, want an error asking for N odd", err)
	}
	bad := annealProblem(t, 1, 11, 5)
	bad.X[3] = 0.5
	if _, err := NewAnneal(bad, &AnnealSettings{K: 1}); err == nil {
		t.Error("non-±1 pattern accepted")
	}
}

// TestAnnealStops checks the stopping rules: the stall limit, the move
// budget and cancellation, with counters that add up.
func TestAnnealStops(t *testing.T) {
	set := annealProblem(t, 3, 51, 200) // α ≈ 3.9: unsolvable
	r, err := NewAnneal(set, &AnnealSettings{K: 1, Beta0: 50, MaxStall: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != AnnealStalled || res.Solved || res.MinEnergy == 0 {
		t.Errorf("β = 50 on an unsolvable instance: %v, min E %d, want stalled", res.Status, res.MinEnergy)
	}
	r, _ = NewAnneal(set, &AnnealSettings{K: 1, MaxMoves: 1234, Seed: 1})
	if res, _ = r.Run(context.Background()); res.Status != AnnealMoveLimit || res.Moves != 1234 || res.Accepted > res.Moves {
		t.Errorf("move budget: %v after %d moves (%d accepted), want move limit at 1234", res.Status, res.Moves, res.Accepted)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ = NewAnneal(set, &AnnealSettings{K: 1, Seed: 1})
	if res, _ = r.Run(ctx); res.Status != AnnealInterrupted {
		t.Errorf("cancelled context: %v, want interrupted", res.Status)
	}
}

var annealSink int

// BenchmarkAnnealMoves measures attempted moves per second (proposal,
// incremental ΔE and Metropolis test, plus the accepted updates) at
// β = 3, where most moves are rejected, on instances with α = 1.5, above
// capacity, so that no run stops early and one op is one attempted move.
func BenchmarkAnnealMoves(b *testing.B) {
	for _, c := range []struct {
		name   string
		K, N   int
		y      int
		gamma0 float64
	}{
		{"perceptron_N401_y1", 1, 401, 1, 0},
		{"perceptron_N401_y3", 1, 401, 3, 0.5},
		{"committee_K5_N201_y3", 5, 201, 3, 0.5},
	} {
		b.Run(c.name, func(b *testing.B) {
			M := int(math.Round(1.5 * float64(c.K*c.N)))
			set := annealProblem(b, 1, c.N, M)
			r, err := NewAnneal(set, &AnnealSettings{K: c.K, Replicas: c.y, Beta0: 3, Gamma0: c.gamma0, MaxMoves: int64(b.N), Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			res, _ := r.Run(context.Background())
			b.ReportMetric(float64(res.Moves)/b.Elapsed().Seconds(), "moves/s")
			annealSink += int(res.Moves)
		})
	}
}

// TestAnnealMemoryLimit checks that AnnealSolve and NewAnneal refuse a
// request over MaxMemory with an *AnnealSettingsError for MaxMemory giving
// the estimate, before running anything, and that sizes the synthetic data
// cannot hold are errors naming N and M.
func TestAnnealMemoryLimit(t *testing.T) {
	s := &AnnealSettings{K: 3, Replicas: 3}
	need, err := AnnealSolveMemory(s, 21, 0.5, 2)
	if err != nil || need <= 0 {
		t.Fatalf("AnnealSolveMemory = %d, %v", need, err)
	}
	if more, _ := AnnealSolveMemory(s, 201, 0.5, 2); more <= need {
		t.Errorf("N = 201 needs %d, N = 21 %d: want more", more, need)
	}
	wantMem := func(name string, err error) {
		t.Helper()
		var se *AnnealSettingsError
		if !errors.As(err, &se) || se.Field != "MaxMemory" || !strings.Contains(err.Error(), "needs about") {
			t.Errorf("%s: err = %v, want an AnnealSettingsError for MaxMemory", name, err)
		}
	}
	s.MaxMemory = need - 1
	_, err = AnnealSolve(context.Background(), s, 21, 0.5, 2, 1)
	wantMem("AnnealSolve", err)
	_, err = NewAnneal(annealProblem(t, 1, 21, 32), s)
	if err != nil {
		t.Errorf("NewAnneal of one instance within the limit of two: %v", err)
	}
	s.MaxMemory = 1000
	_, err = NewAnneal(annealProblem(t, 1, 21, 32), s)
	wantMem("NewAnneal", err)
	s.MaxMemory = -1
	for _, c := range []struct {
		N         int
		alpha     float64
		instances int
	}{{100000001, 100, 2}, {100000001, 0.3, 2}, {21, 1e300, 2}, {21, 0, 2}, {1 << 62, 1, 2}, {21, 0.5, 1 << 30}} {
		if _, err := AnnealSolveMemory(s, c.N, c.alpha, c.instances); err == nil || !strings.Contains(err.Error(), "M·N ≤") {
			t.Errorf("N = %d, α = %v, %d instances: err = %v, want the shape limit", c.N, c.alpha, c.instances, err)
		}
	}
}
