package mpnet

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// benchNet returns a 784-501-501-10 network of the given kind with a loaded
// batch of 128 random samples.
func benchNet(b *testing.B, k Kind) *Network {
	return benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10)})
}

func benchNetCfg(b *testing.B, cfg Config) *Network {
	rng := rand.New(rand.NewPCG(1, 2))
	net := initNet(b, cfg, rng)
	x, y := problem(rng, cfg.Widths, 128)
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
// Hin = g x̂ᵀ), run by the same MatMul op the sweep uses (gonum BLAS): the
// floor against which BenchmarkSweep is read.
func BenchmarkSweepFloor(b *testing.B) {
	const B = 128
	widths := []int{784, 501, 501, 10}
	rng := rand.New(rand.NewPCG(1, 2))
	randDense := func(r, c int) *tensor.Dense {
		d := make([]float64, r*c)
		for i := range d {
			d[i] = rng.NormFloat64()
		}
		return tensor.New(tensor.WithShape(r, c), tensor.WithBacking(d))
	}
	type product struct {
		op   gorgonia.Op
		a, c *tensor.Dense
	}
	var ps []product
	g := gorgonia.NewGraph()
	for l := 0; l+1 < len(widths); l++ {
		K, N := widths[l+1], widths[l]
		m, x, gk := randDense(K, N), randDense(N, B), randDense(K, B)
		for _, p := range []struct {
			ta, tb bool
			a, c   *tensor.Dense
		}{{false, false, m, x}, {true, false, m, gk}, {false, true, gk, x}} {
			an := gorgonia.NewTensor(g, tensor.Float64, 2, gorgonia.WithShape(p.a.Shape()...), gorgonia.WithValue(p.a))
			cn := gorgonia.NewTensor(g, tensor.Float64, 2, gorgonia.WithShape(p.c.Shape()...), gorgonia.WithValue(p.c))
			n, err := ops.MatMul(an, cn, p.ta, p.tb)
			if err != nil {
				b.Fatal(err)
			}
			ps = append(ps, product{n.Op(), p.a, p.c})
		}
	}
	for _, p := range ps { // warm-up: allocates the outputs
		if _, err := p.op.Do(p.a, p.c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range ps {
			if _, err := p.op.Do(p.a, p.c); err != nil {
				b.Fatal(err)
			}
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
