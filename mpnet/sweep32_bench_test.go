//go:build unix

package mpnet

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
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

// timedBLAS is package gemm's BLAS with the time and the flops of every
// Dgemm and Sgemm call added up: the matrix products inside a sweep.
type timedBLAS struct {
	gemm.Implementation
	t     *time.Duration
	flops *float64
}

func (b timedBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, x []float64, ldb int, beta float64, c []float64, ldc int) {
	start := time.Now()
	b.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, x, ldb, beta, c, ldc)
	*b.t += time.Since(start)
	*b.flops += 2 * float64(m) * float64(n) * float64(k)
}

func (b timedBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, x []float32, ldb int, beta float32, c []float32, ldc int) {
	start := time.Now()
	b.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, x, ldb, beta, c, ldc)
	*b.t += time.Since(start)
	*b.flops += 2 * float64(m) * float64(n) * float64(k)
}

// BenchmarkSweepGEMM times sweeps of each layer kind at 784-501-501-10,
// batch 128, with the default kernels, and reports the matrix products
// inside them: their rate (gemm-GFLOP/s, over the wall time of the calls),
// that rate as a percentage of the two-goroutine FMA peak measured right
// after in the same process (gemm-%peak: the best of five gemm.FMAPeak
// runs, since other jobs on a shared machine only ever lower it), and
// their share of the sweep's wall time (gemm-%sweep) and their flops per
// sweep (gemm-GFLOP/op).
func BenchmarkSweepGEMM(b *testing.B) {
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	defer gemm.Register()
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, k := range []Kind{MF, AMP, BPI, BP} {
			b.Run(fmt.Sprintf("%v/%v", dt, k), func(b *testing.B) {
				var t time.Duration
				var flops float64
				tb := timedBLAS{t: &t, flops: &flops}
				blas64.Use(tb)
				blas32.Use(tb)
				tensor.Use(tb)
				net := benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10), Dtype: dt})
				benchSweeps(b, net, psi, r, func() { t, flops = 0, 0 })
				gf := flops / t.Seconds() / 1e9
				b.ReportMetric(gf, "gemm-GFLOP/s")
				b.ReportMetric(flops/float64(b.N)/1e9, "gemm-GFLOP/op")
				b.ReportMetric(100*t.Seconds()/b.Elapsed().Seconds(), "gemm-%sweep")
				var peak float64
				for range 5 {
					peak = max(peak, gemm.FMAPeak(dt == tensor.Float32, 2, 30*time.Millisecond))
				}
				if peak > 0 {
					b.ReportMetric(100*gf/peak, "gemm-%peak")
				}
			})
		}
	}
}
