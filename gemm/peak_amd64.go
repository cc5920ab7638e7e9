package gemm

import (
	"sync"
	"time"

	"github.com/fbpgo/fbp/internal/isa"
)

// fmaPasses is how many passes of 16 vector FMAs one fmaPeak call runs:
// about 0.2 ms at two FMAs a cycle and 2.6 GHz.
const fmaPasses = 1 << 16

// fmaRound runs one fmaPeak call on each of g goroutines, the calling one
// included, and returns the floating-point operations done: 16 FMAs of
// 2 flops in every lane.
func fmaRound(f32 bool, g int) float64 {
	run, lanes := fmaPeakAVX512d, 8
	if f32 {
		run, lanes = fmaPeakAVX512s, 16
	}
	var wg sync.WaitGroup
	for range g - 1 {
		wg.Go(func() { run(fmaPasses) })
	}
	run(fmaPasses)
	wg.Wait()
	return float64(g) * fmaPasses * 16 * 2 * float64(lanes)
}

// FMAPeak measures the arithmetic peak of this machine: loops of
// independent AVX-512 fused multiply-adds (float32 or float64) on g
// goroutines for about d. It returns GFLOP per wall-clock second, or 0 on
// a CPU without AVX-512. Benchmarks divide their rates by it to state them
// as a fraction of the hardware, measured in the same process. g below 1
// counts as 1; d of zero or less runs one round (about 0.2 ms).
func FMAPeak(f32 bool, g int, d time.Duration) float64 {
	if !isa.Supported(isa.AVX512) {
		return 0
	}
	g = max(g, 1)
	start := time.Now()
	flops := fmaRound(f32, g)
	for time.Since(start) < d {
		flops += fmaRound(f32, g)
	}
	return flops / time.Since(start).Seconds() / 1e9
}
