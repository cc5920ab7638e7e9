package committee

import (
	"fmt"
	"testing"
)

var sinkDelta float64

// BenchmarkSweep times one asynchronous sweep (every pattern and focusing
// node once, during reinforcement) at the sizes of the acceptance
// experiment (K = 5, N = 321) and a small one.
func BenchmarkSweep(b *testing.B) {
	for _, bc := range []struct {
		K, N  int
		alpha float64
		first NodeKind
	}{
		{5, 321, 0.3, Gaussian},
		{5, 321, 0.6, Gaussian},
		{3, 51, 0.3, Gaussian},
		{3, 51, 0.3, Exact},
	} {
		b.Run(fmt.Sprintf("K%d_N%d_alpha%v_%v", bc.K, bc.N, bc.alpha, bc.first), func(b *testing.B) {
			p, err := RandomProblem(bc.K, bc.N, bc.alpha, 1, 0)
			if err != nil {
				b.Fatal(err)
			}
			s, err := New(p, &Settings{Damping: 0.5, InitNoise: 0.1, FirstLayer: bc.first})
			if err != nil {
				b.Fatal(err)
			}
			s.SetStep(Step{Gamma: inf, Y: 2})
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				sinkDelta = s.Sweep()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(p.Set.M*bc.K*bc.N), "ns/edge")
		})
	}
}
