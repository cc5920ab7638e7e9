package mpnet

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchNet returns a 784-501-501-10 network of the given kind with a loaded
// batch of 128 random samples.
func benchNet(b *testing.B, k Kind) *Network {
	return benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10)})
}

func benchNetCfg(b *testing.B, cfg Config) *Network {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := New(cfg, rng)
	if err != nil {
		b.Fatal(err)
	}
	net.Init(1, rng)
	const B = 128
	x := make([]float64, B*784)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]int, B)
	for n := range y {
		y[n] = rng.IntN(10)
	}
	if err := net.SetBatch(x, y); err != nil {
		b.Fatal(err)
	}
	return net
}

// BenchmarkSweep times one message-passing iteration of each layer kind at
// 784-501-501-10, batch 128, float64.
func BenchmarkSweep(b *testing.B) {
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	for _, k := range []Kind{MF, AMP, BPI, BP} {
		b.Run(k.String(), func(b *testing.B) {
			net := benchNet(b, k)
			if _, err := net.Iterate(psi, r); err != nil { // warm-up: allocates the outputs
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := net.Iterate(psi, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSweepFloor times the three plain matrix products per layer that
// every sweep at 784-501-501-10, batch 128 contains (ω = m x̂, B = mᵀg,
// Hin = g x̂ᵀ), with gonum's BLAS as the sweep uses it: the floor against
// which BenchmarkSweep is read.
func BenchmarkSweepFloor(b *testing.B) {
	const B = 128
	widths := []int{784, 501, 501, 10}
	rng := rand.New(rand.NewPCG(1, 2))
	randGeneral := func(r, c int) blas64.General {
		d := make([]float64, r*c)
		for i := range d {
			d[i] = rng.NormFloat64()
		}
		return blas64.General{Rows: r, Cols: c, Stride: c, Data: d}
	}
	type layerMats struct{ m, x, g, omega, bd, hin blas64.General }
	var ls []layerMats
	for l := 0; l+1 < len(widths); l++ {
		K, N := widths[l+1], widths[l]
		ls = append(ls, layerMats{m: randGeneral(K, N), x: randGeneral(N, B), g: randGeneral(K, B),
			omega: randGeneral(K, B), bd: randGeneral(N, B), hin: randGeneral(K, N)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range ls {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, l.m, l.x, 0, l.omega)
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, l.m, l.g, 0, l.bd)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, l.g, l.x, 0, l.hin)
		}
	}
}

// BenchmarkSweepDensity times one sweep of 784-501-501-10, batch 128, at
// densities 1, 0.5 and 0.1, with the masks stored sparsely (the default) and
// densely, and reports the heap held by the network and its warmed-up sweep
// graph (MB) next to the time.
func BenchmarkSweepDensity(b *testing.B) {
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	for _, k := range []Kind{MF, AMP, BPI} {
		for _, d := range []float64{1, 0.5, 0.1} {
			for _, dense := range []bool{false, true} {
				if d == 1 && dense {
					continue // density 1 is always stored densely
				}
				storage := "sparse"
				if dense || d == 1 {
					storage = "dense"
				}
				b.Run(fmt.Sprintf("%v/d=%v/%s", k, d, storage), func(b *testing.B) {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					net := benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10),
						Density: []float64{d}, DenseStorage: dense})
					if _, err := net.Iterate(psi, r); err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if _, err := net.Iterate(psi, r); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB")
					runtime.KeepAlive(net)
				})
			}
		}
	}
}
