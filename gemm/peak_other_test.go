//go:build !(linux && amd64)

package gemm

import "time"

// measurePeak has no FMA loop to run here: it returns zeros and the
// benchmarks report no fraction of the peak.
func measurePeak(f32 bool, g int, d time.Duration) (wall, cpu float64) { return 0, 0 }

// cpuSeconds is not measured here: it returns 0 and the benchmarks report
// no rates per CPU second.
func cpuSeconds() float64 { return 0 }
