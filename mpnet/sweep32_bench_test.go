//go:build unix

package mpnet

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// BenchmarkSweepKernels times one message-passing iteration of each layer
// kind at 784-501-501-10, batch 128, in float64 and float32, with the scalar
// CPU kernels and with the widest vector kernels of this CPU
// (ops.SetCPUKernels). Besides the wall time it reports the process CPU
// time per sweep (cpu-ms/op), which on a machine shared with other jobs
// measures the work rather than the waiting. The scalar BPI and BP sweeps
// take seconds: run with -benchtime=3x.
func BenchmarkSweepKernels(b *testing.B) {
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	levels := []string{"scalar"}
	if best := ops.CPUKernels(); best != "scalar" {
		levels = append(levels, best)
	}
	defer ops.SetCPUKernels(ops.CPUKernels())
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, k := range []Kind{BPI, BP, MF, AMP} {
			for _, level := range levels {
				b.Run(fmt.Sprintf("%v/%v/%s", dt, k, level), func(b *testing.B) {
					if err := ops.SetCPUKernels(level); err != nil {
						b.Fatal(err)
					}
					net := benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10), Dtype: dt})
					var cpu0 time.Duration
					benchSweeps(b, net, psi, r, func() { cpu0 = sweepCPUTime() })
					b.ReportMetric(float64((sweepCPUTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
				})
			}
		}
	}
}

// sweepCPUTime returns the CPU time (user and system) of this process.
func sweepCPUTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
