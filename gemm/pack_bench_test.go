package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkPack times the four packing paths on one block of the 501×784
// weight matrix, in nanoseconds per packed element.
func BenchmarkPack(b *testing.B) {
	for _, l := range levels()[1:] {
		kn := asmKernels32[l]
		src := make([]float32, 784*784)
		dst := make([]float32, kn.mc*256+kn.nr*256)
		for _, trans := range []bool{false, true} {
			b.Run(fmt.Sprintf("%v/A/trans=%v", l, trans), func(b *testing.B) {
				cpu0 := cpuSeconds()
				for b.Loop() {
					packA(dst, trans, src, 784, 0, 492, 0, 256, kn.mr, kn.copyA)
				}
				reportPack(b, cpuSeconds()-cpu0, 492*256)
			})
			b.Run(fmt.Sprintf("%v/B/trans=%v", l, trans), func(b *testing.B) {
				cpu0 := cpuSeconds()
				for b.Loop() {
					packB(dst, trans, src, 784, 0, 256, 0, 128, kn.nr, kn.copyB)
				}
				reportPack(b, cpuSeconds()-cpu0, 128*256)
			})
		}
	}
}

// reportPack records the wall-clock and CPU nanoseconds per packed element.
func reportPack(b *testing.B, cpu float64, elems int) {
	n := float64(b.N) * float64(elems)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/elem")
	if cpu > 0 {
		b.ReportMetric(cpu*1e9/n, "cpu-ns/elem")
	}
}
