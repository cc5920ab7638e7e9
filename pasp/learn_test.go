package pasp

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// teacherSet returns M samples x ∈ {±1}^N labelled by the perceptron
// teacher w: y = sign(w·x) (N odd, so there are no ties).
func teacherSet(rng *rand.Rand, w []float64, M int) *data.Set {
	N := len(w)
	s := &data.Set{X: make([]float64, M*N), Y: make([]int, M), M: M, N: N, Classes: 2}
	for n := 0; n < M; n++ {
		var z float64
		for i := 0; i < N; i++ {
			x := float64(2*rng.IntN(2) - 1)
			s.X[n*N+i] = x
			z += w[i] * x
		}
		s.Y[n] = 1
		if z < 0 {
			s.Y[n] = -1
		}
	}
	return s
}

// TestTeacherPerceptronRecovered trains a one-layer network on samples of a
// random ±1 teacher perceptron (α = M/N = 5) and checks that the point-wise
// student sign(m) overlaps the teacher by at least 0.95.
func TestTeacherPerceptronRecovered(t *testing.T) {
	const N, M = 201, 1005
	for _, k := range []mpnet.Kind{mpnet.BPI, mpnet.BP, mpnet.MF, mpnet.AMP} {
		rng := rand.New(rand.NewPCG(42, 0))
		w := make([]float64, N)
		for i := range w {
			w[i] = float64(2*rng.IntN(2) - 1)
		}
		train, test := teacherSet(rng, w, M), teacherSet(rng, w, 2000)
		tr, err := New(mpnet.Config{Widths: []int{N, 1}, Kinds: []mpnet.Kind{k}},
			&Settings{Rho: []float64{1}, Psi: []float64{0.5}, EpsInit: 0.1, BatchSize: 15, Epochs: 5, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, q := fitOverlap(t, tr, train, test, w)
		t.Logf("%v: overlap %.3f, test error %.2f%%", k, q, res.Stats.Eval.TestError)
		if q < 0.95 {
			t.Errorf("%v: teacher overlap %.3f, want ≥ 0.95", k, q)
		}
	}
}

// fitOverlap runs tr.Fit on train and test and returns the result and the
// overlap (1/N) Σ_i sign(m_i) w_i of the first layer's weights with the
// teacher w.
func fitOverlap(t *testing.T, tr *Trainer, train, test *data.Set, w []float64) (*Result, float64) {
	t.Helper()
	res, err := tr.Fit(context.Background(), train, test)
	if err != nil {
		t.Fatal(err)
	}
	m := tr.Network().M(0)
	var q float64
	for i := range m {
		q += math.Copysign(1, m[i]) * w[i]
	}
	return res, q / float64(len(w))
}
