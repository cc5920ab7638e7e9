package compare

import (
	"math/rand/v2"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// cmNaiveField is h_k = Σ_i W[k,i] ξ_i in floats.
func cmNaiveField(w, xi []float64, k int) float64 {
	N := len(xi)
	var h float64
	for i, x := range xi {
		h += w[k*N+i] * x
	}
	return h
}

func cmRandomSigns(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(2*rng.IntN(2) - 1)
	}
	return v
}

// TestCommitteePackedDot checks W·ξ = N − 2 popcount(W XOR ξ) against the
// float dot product, for lengths around the word size.
func TestCommitteePackedDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, N := range []int{1, 3, 63, 64, 65, 127, 129, 321} {
		a, b := cmRandomSigns(rng, N), cmRandomSigns(rng, N)
		pa, pb := make([]uint64, cmWords(N)), make([]uint64, cmWords(N))
		cmPack(pa, a)
		cmPack(pb, b)
		var want float64
		for i := range a {
			want += a[i] * b[i]
		}
		if got := cmDot(pa, pb, N); float64(got) != want {
			t.Errorf("N=%d: cmDot = %d, want %v", N, got, want)
		}
	}
}

// TestCommitteeErrorsAndEnergy compares the packed error count and energy
// of EXPERIMENTS §II.1 with float transcriptions of the definitions.
func TestCommitteeErrorsAndEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	for _, c := range []struct{ K, N, M int }{{1, 21, 40}, {3, 65, 100}, {5, 101, 150}} {
		s, err := data.RandomPatterns(rng, c.N, c.M)
		if err != nil {
			t.Fatal(err)
		}
		w := cmRandomSigns(rng, c.K*c.N)
		wantErr, wantE := 0, 0.0
		for m := 0; m < c.M; m++ {
			sigma := float64(s.Y[m])
			h := make([]float64, c.K)
			var out float64
			for k := range h {
				h[k] = cmNaiveField(w, s.Row(m), k)
				out += ebpSign(h[k])
			}
			if sigma*out > 0 {
				continue
			}
			wantErr++
			// the n_fix wrong units with the smallest cost (|h|+1)/2
			nfix := int((1 - sigma*out) / 2)
			used := make([]bool, c.K)
			for range nfix {
				best := -1
				for k := range h {
					if !used[k] && sigma*h[k] < 0 && (best < 0 || -sigma*h[k] < -sigma*h[best]) {
						best = k
					}
				}
				used[best] = true
				wantE += (-sigma*h[best] + 1) / 2
			}
		}
		got, err := CommitteeErrors(s, w, c.K)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := cmNewProblem(s)
		packed := make([]uint64, c.K*p.words)
		for k := 0; k < c.K; k++ {
			cmPack(packed[k*p.words:(k+1)*p.words], w[k*c.N:(k+1)*c.N])
		}
		if gotE := cmEnergy(p, packed, c.K); got != wantErr || float64(gotE) != wantE {
			t.Errorf("K=%d N=%d: errors %d, energy %d; want %d, %v", c.K, c.N, got, gotE, wantErr, wantE)
		}
	}
}

func TestCommitteeRejectsBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	even, _ := data.RandomPatterns(rng, 10, 5)
	if _, err := CommitteeErrors(even, make([]float64, 30), 3); err == nil {
		t.Error("even N: no error")
	}
	odd, _ := data.RandomPatterns(rng, 11, 5)
	if _, err := CommitteeErrors(odd, make([]float64, 22), 2); err == nil {
		t.Error("even K: no error")
	}
	odd.X[3] = 0.5
	if _, err := CommitteeErrors(odd, make([]float64, 33), 3); err == nil {
		t.Error("non-±1 input: no error")
	}
}

// cmTestSet returns M random ±1 patterns of N inputs with ±1 labels, drawn
// by data.RandomPatterns from the PCG stream (seed, stream).
func cmTestSet(tb testing.TB, seed, stream uint64, N, M int) *data.Set {
	tb.Helper()
	s, err := data.RandomPatterns(rand.New(rand.NewPCG(seed, stream)), N, M)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
