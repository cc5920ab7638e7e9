package teacher

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

var sinkDelta float64

// benchRun returns a run whose factor tables hold m samples of a teacher
// of the given config, ready to iterate.
func benchRun(b *testing.B, cfg Config, m int, mismatch [2]int, s Settings) *run {
	rng := rand.New(rand.NewPCG(1, 2))
	tc, err := New(cfg, rng)
	if err != nil {
		b.Fatal(err)
	}
	d, err := tc.Generate(m, rng)
	if err != nil {
		b.Fatal(err)
	}
	st := BayesStudent(tc)
	if mismatch != [2]int{} {
		if st, err = MismatchedStudent(tc, mismatch[0], mismatch[1], rng); err != nil {
			b.Fatal(err)
		}
	}
	s = s.withDefaults(runtime.GOMAXPROCS(0))
	r := newRun(newGraph(st), &s)
	r.parallel(len(r.tables), func(w *worker, lo, hi int) {
		for a := lo; a < hi; a++ {
			r.g.buildTable(&r.tables[a], a, d, r.s, &w.ts)
		}
	})
	copy(r.belief, r.prior)
	r.parallel(r.g.nVars, func(w *worker, lo, hi int) { r.updateVars(w, lo, hi, 0) })
	return r
}

// BenchmarkIteration times one message-passing iteration (every factor,
// then every variable) at the sizes of EXPERIMENTS §III.1 and §III.2.
func BenchmarkIteration(b *testing.B) {
	cases := []struct {
		name     string
		cfg      Config
		m        int
		mismatch [2]int
		s        Settings
	}{
		// 1000-1000-1000, 2 per row and column, one online sample (64 configurations allowed at most).
		{"Base1000/sum-product/m=1", Config{NIn: 1000, NHidden: 1000, NOut: 1000}, 1, [2]int{}, Settings{Damping: 0.3}},
		{"Base1000/sum-product/m=4", Config{NIn: 1000, NHidden: 1000, NOut: 1000}, 4, [2]int{}, Settings{Damping: 0.3}},
		{"Base1000/max-product/m=4", Config{NIn: 1000, NHidden: 1000, NOut: 1000}, 4, [2]int{}, Settings{Algorithm: MaxProduct, Damping: 0.3}},
		// 200-200-200 teacher, ternary student with 3 per row of W_out: 3^9 configurations per factor.
		{"Mismatch200Out/max-sum/m=10", Config{NIn: 200, NHidden: 200, NOut: 200}, 10, [2]int{2, 3}, Settings{Algorithm: MaxSum, Damping: 0.3}},
		{"Mismatch200In/sum-product/m=10", Config{NIn: 200, NHidden: 200, NOut: 200}, 10, [2]int{3, 2}, Settings{Beta: 1, Damping: 0.3}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := benchRun(b, c.cfg, c.m, c.mismatch, c.s)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkDelta = r.iterate(i)
			}
		})
	}
}
