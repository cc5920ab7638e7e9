//go:build !unix

package ops

import "time"

// cpuTime is unknown here: benchmarks report no CPU-time metric.
func cpuTime() time.Duration { return 0 }
