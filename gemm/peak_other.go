//go:build !amd64

package gemm

import "time"

// FMAPeak returns 0: there is no FMA loop to measure the peak with on this
// architecture (whatever g and d).
func FMAPeak(f32 bool, g int, d time.Duration) float64 { return 0 }
