package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/internal/isa"
)

// BenchmarkBPICavityPoint times the BPI cavity contraction at the two
// hidden-layer shapes of the MNIST network at every kernel level, on one
// and two goroutines, and reports the time per cavity point per goroutine
// (ns/point/core = ns/op · goroutines / (K·N·B)) and the CPU time per
// point (cpu-ns/point, from getrusage; on a machine shared with other jobs
// it counts the work, where wall time also counts the waiting). The scalar
// level takes seconds per op: run it with -benchtime=1x or 3x.
func BenchmarkBPICavityPoint(b *testing.B) {
	for _, l := range obLayers[:2] {
		for _, dt := range obDtypes {
			for lv := vecScalar; lv < numVecLevels; lv++ {
				if !isa.Supported(lv) {
					continue
				}
				for _, procs := range []int{1, 2} {
					name := fmt.Sprintf("%s/%v/%v/procs=%d", l.name, dt, lv, procs)
					b.Run(name, func(b *testing.B) {
						rng := newRNG(1, 1)
						K, N, B := l.K, l.N, obBatch
						m := obDense(rng, dt, K, N, func(r *rand.Rand) float64 { return math.Tanh(0.1 * r.NormFloat64()) })
						x := obDense(rng, dt, N, B, magnet)
						omega := obDense(rng, dt, K, B, normal(2))
						v := obDense(rng, dt, K, B, uniform(1, 10))
						bt := obDense(rng, dt, K, B, obBtop)
						defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
						atLevel(b, lv, func() { pointRun(b, procs, K*N*B, &bpiOp{down: true}, m, x, omega, v, bt) })
					})
				}
			}
		}
	}
}

// pointRun is obRun reporting per cavity point: ns/point/core from the
// wall time and, where known, cpu-ns/point from the process CPU time.
func pointRun(b *testing.B, procs, points int, op gorgonia.Op, in ...gorgonia.Value) {
	if _, err := op.Do(in...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		v, err := op.Do(in...)
		if err != nil {
			b.Fatal(err)
		}
		obSink = v
	}
	cpu := cpuTime() - cpu0
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns*float64(procs)/float64(points), "ns/point/core")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(points), "cpu-ns/point")
	}
}
