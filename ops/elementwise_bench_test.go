package ops

import (
	"fmt"
	"math"
	"testing"

	"github.com/fbpgo/fbp/internal/isa"
)

// BenchmarkElementKernels times the element kernels of MF and AMP sweeps and
// bpiPrep on one goroutine at every kernel level, at the W1 shapes: the
// weight updates on a 501×784 layer, the others on 501×128 activations.
// It reports ns/element.
func BenchmarkElementKernels(b *testing.B) {
	const K, N, B = 501, 784, obBatch
	cases := []struct {
		k    *kernel
		n    int
		gens []func(float64) float64 // inputs from a uniform u ∈ [0, 1)
	}{
		{dampedTanhK, K * N, []func(float64) float64{ewMagnet, ewField, ewOne}},
		{binaryVarianceK, K * N, []func(float64) float64{ewMagnet, ewOne}},
		{fieldK, K * N, []func(float64) float64{ewField, ewField, ewField}},
		{maskedTanhK, K * N, []func(float64) float64{ewField, ewOne}},
		{squareK, K * B, []func(float64) float64{ewMagnet}},
		{oneMinusSquareK, K * B, []func(float64) float64{ewMagnet}},
		{squarePlusK, K * B, []func(float64) float64{ewMagnet, ewMagnet}},
		{varianceK, K * B, []func(float64) float64{ewField, ewField}},
		{gammaK, K * B, []func(float64) float64{ewField, ewField, ewOne}},
		{tanhSumK, K * B, []func(float64) float64{ewField, ewField}},
		{ampOmegaK, K * B, []func(float64) float64{ewField, ewField, ewField, ewField, ewMagnet}},
		{ampFieldK, K * N, []func(float64) float64{ewField, ewField, ewField, ewField, ewMagnet, ewMagnet}},
	}
	for lv := vecScalar; lv < numVecLevels; lv++ {
		if !isa.Supported(lv) {
			continue
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("%s/float64/%v", c.k.name, lv), func(b *testing.B) { benchElement(b, lv, c.k.k64, c.n, c.k.params, c.gens) })
			b.Run(fmt.Sprintf("%s/float32/%v", c.k.name, lv), func(b *testing.B) { benchElement(b, lv, c.k.k32, c.n, c.k.params, c.gens) })
		}
		b.Run(fmt.Sprintf("bpiPrep/float64/%v", lv), func(b *testing.B) { benchPrep[float64](b, lv, K, B) })
		b.Run(fmt.Sprintf("bpiPrep/float32/%v", lv), func(b *testing.B) { benchPrep[float32](b, lv, K, B) })
	}
}

func ewMagnet(u float64) float64 { return math.Tanh(4 * (u - 0.5)) }
func ewField(u float64) float64  { return 20 * (u - 0.5) }
func ewOne(float64) float64      { return 1 }

// ewFill returns n values f(u) on a fixed pseudo-random u.
func ewFill[T Float](n int, f func(float64) float64) []T {
	rng := newRNG(9, uint64(n))
	x := make([]T, n)
	for j := range x {
		x[j] = T(f(rng.Float64()))
	}
	return x
}

func benchElement[T Float](b *testing.B, lv vecLevel, k func([]T, [][]T, []T), n, params int, gens []func(float64) float64) {
	in := make([][]T, len(gens))
	for i, g := range gens {
		in[i] = ewFill[T](n, g)
	}
	p := make([]T, params)
	for i := range p {
		p[i] = 0.8
	}
	dst := make([]T, n)
	atLevel(b, lv, func() {
		for b.Loop() {
			k(dst, in, p)
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/element")
}

func benchPrep[T Float](b *testing.B, lv vecLevel, K, B int) {
	omega, v := ewFill[T](K*B, ewField), ewFill[T](K*B, func(u float64) float64 { return 1 + 9*u })
	btop := ewFill[T](K*B, func(u float64) float64 { return 3 * math.Tan(math.Pi*(u-0.5)) })
	prep := make([]T, K*cavStreams*padded(B))
	atLevel(b, lv, func() {
		for b.Loop() {
			bpiPrep(prep, omega, v, btop, K, B, padded(B))
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(K*B), "ns/element")
}
