package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// sweepShapes are the three products of one layer of a sweep with weights
// W (K×N), inputs X (N×B) and output gradients G (K×B):
// forward C[K×B] = W·X, backward C[N×B] = Wᵀ·G and gradient C[K×N] = G·Xᵀ.
func sweepShapes(K, N, B int) []gemmCase {
	return []gemmCase{
		{tA: blas.NoTrans, tB: blas.NoTrans, m: K, n: B, k: N, alpha: 1},
		{tA: blas.Trans, tB: blas.NoTrans, m: N, n: B, k: K, alpha: 1},
		{tA: blas.NoTrans, tB: blas.Trans, m: K, n: N, k: B, alpha: 1},
	}
}

// BenchmarkSweep times the products of the 784-501-501-10 network at batch
// 128 with this package and with gonum's Dgemm and Sgemm, in GFLOP/s and as a
// percentage of the two-goroutine FMA peak measured right after each timing.
func BenchmarkSweep(b *testing.B) {
	layers := [][2]int{{501, 784}, {501, 501}, {10, 501}}
	names := []string{"WX", "WtG", "GXt"}
	for _, f32 := range []bool{false, true} {
		for _, impl := range []string{"gemm", "gonum"} {
			for _, kn := range layers {
				for i, gc := range sweepShapes(kn[0], kn[1], 128) {
					typ := map[bool]string{false: "f64", true: "f32"}[f32]
					name := fmt.Sprintf("%s/%s/%s/K%dxN%d", typ, impl, names[i], kn[0], kn[1])
					b.Run(name, func(b *testing.B) {
						if f32 {
							benchGemm[float32](b, gc, impl)
						} else {
							benchGemm[float64](b, gc, impl)
						}
					})
				}
			}
		}
	}
}

func benchGemm[T float](b *testing.B, gc gemmCase, impl string) {
	o := newOperands[T](gc, rand.New(rand.NewPCG(1, 2)))
	run := func() { call(gc, o) }
	if impl == "gonum" {
		run = func() { callGonum(gc, o) }
	}
	cpu0 := cpuSeconds()
	for b.Loop() {
		run()
	}
	flops := 2 * float64(gc.m) * float64(gc.n) * float64(gc.k) * float64(b.N)
	report[T](b, flops, cpuSeconds()-cpu0, 2)
}

// report records the rate of the flops done in the timed loop, in GFLOP/s and,
// with the FMA peak of g goroutines measured right after, as %peak; where
// CPU time is measured, also in GFLOP per CPU second and as %peak-cpu, the
// same ratio with both rates per CPU second.
func report[T float](b *testing.B, flops, cpu float64, g int) {
	gf := flops / b.Elapsed().Seconds() / 1e9
	b.ReportMetric(gf, "GFLOP/s")
	var zero T
	_, f32 := any(zero).(float32)
	wall, perCPU := measurePeak(f32, g, 50*time.Millisecond)
	if wall > 0 {
		b.ReportMetric(100*gf/wall, "%peak")
	}
	if cpu > 0 && perCPU > 0 {
		b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
		b.ReportMetric(100*flops/cpu/1e9/perCPU, "%peak-cpu")
	}
}

// callGonum runs gonum's Dgemm or Sgemm on o.
func callGonum[T float](gc gemmCase, o operands[T]) {
	var impl gonum.Implementation
	switch c := any(o.c).(type) {
	case []float64:
		impl.Dgemm(gc.tA, gc.tB, gc.m, gc.n, gc.k, gc.alpha, any(o.a).([]float64), o.lda,
			any(o.b).([]float64), o.ldb, gc.beta, c, o.ldc)
	case []float32:
		impl.Sgemm(gc.tA, gc.tB, gc.m, gc.n, gc.k, float32(gc.alpha), any(o.a).([]float32), o.lda,
			any(o.b).([]float32), o.ldb, float32(gc.beta), c, o.ldc)
	}
}
