package gemm

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds returns the CPU time the process has used so far. On a shared
// machine flops per CPU second leave out the time other processes hold the
// cores (but not their effect on the caches).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

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

// measurePeak returns the AVX-512 FMA throughput of g goroutines measured
// for about d, in GFLOP per wall-clock second and per CPU second of the
// process, or zeros when the CPU has no AVX-512.
func measurePeak(f32 bool, g int, d time.Duration) (wall, cpu float64) {
	if !supported(levelAVX512) {
		return 0, 0
	}
	var flops float64
	start, cpu0 := time.Now(), cpuSeconds()
	for time.Since(start) < d {
		flops += fmaRound(f32, g)
	}
	return flops / time.Since(start).Seconds() / 1e9, flops / (cpuSeconds() - cpu0) / 1e9
}

// BenchmarkFMAPeak measures the machine's arithmetic peak: unrolled zmm FMA
// loops on one and on two goroutines.
func BenchmarkFMAPeak(b *testing.B) {
	if !supported(levelAVX512) {
		b.Skip("no AVX-512")
	}
	for _, f32 := range []bool{false, true} {
		for _, g := range []int{1, 2} {
			name := fmt.Sprintf("%s/goroutines=%d", map[bool]string{false: "f64", true: "f32"}[f32], g)
			b.Run(name, func(b *testing.B) {
				var flops float64
				cpu0 := cpuSeconds()
				for b.Loop() {
					flops += fmaRound(f32, g)
				}
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(flops/(cpuSeconds()-cpu0)/1e9, "GFLOP/cpu-s")
			})
		}
	}
}
