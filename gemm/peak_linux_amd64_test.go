package gemm

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/fbpgo/fbp/internal/isa"
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

// measurePeak returns the AVX-512 FMA throughput of g goroutines measured
// for about d, in GFLOP per wall-clock second and per CPU second of the
// process, or zeros when the CPU has no AVX-512.
func measurePeak(f32 bool, g int, d time.Duration) (wall, cpu float64) {
	start, cpu0 := time.Now(), cpuSeconds()
	wall = FMAPeak(f32, g, d)
	if wall == 0 {
		return 0, 0
	}
	// FMAPeak's flops over the process CPU time of its run.
	return wall, wall * time.Since(start).Seconds() / (cpuSeconds() - cpu0)
}

// BenchmarkFMAPeak measures the machine's arithmetic peak: unrolled zmm FMA
// loops on one and on two goroutines.
func BenchmarkFMAPeak(b *testing.B) {
	if !isa.Supported(isa.AVX512) {
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
