package gemm

import "testing"

// BenchmarkKernel times the micro-kernels alone on packed operands that stay
// in cache (one kc-deep panel pair per tile), as a percentage of the
// one-goroutine FMA peak measured right after.
func BenchmarkKernel(b *testing.B) {
	for _, l := range levels() {
		b.Run(l.String()+"/f64", func(b *testing.B) {
			useLevel(b, l)
			benchKernel(b, kernel64())
		})
		b.Run(l.String()+"/f32", func(b *testing.B) {
			useLevel(b, l)
			benchKernel(b, kernel32())
		})
	}
}

func benchKernel[T float](b *testing.B, kn *kernel[T]) {
	const kc, panels = 256, 8
	a := make([]T, panels*kn.mr*kc)
	p := make([]T, kn.nr*kc)
	c := make([]T, panels*kn.mr*kn.nr)
	for i := range a {
		a[i] = T(i%7) / 8
	}
	for i := range p {
		p[i] = T(i%5) / 4
	}
	var tiles int
	cpu0 := cpuSeconds()
	for b.Loop() {
		for q := range panels {
			kn.tile(kc, a[q*kn.mr*kc:], kn.mr, p, kn.nr, c[q*kn.mr*kn.nr:], kn.nr, 1, 0)
		}
		tiles += panels
	}
	report[T](b, 2*float64(kn.mr*kn.nr*kc)*float64(tiles), cpuSeconds()-cpu0, 1)
}
