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

// benchSweeps times b.N sweeps of net with ψ and r after one untimed
// warm-up sweep (which allocates the outputs), reporting allocations;
// before, if not nil, runs after the warm-up. The timer is stopped on return.
func benchSweeps(b *testing.B, net *Network, psi, r []float64, before func()) {
	b.Helper()
	if _, err := net.Iterate(psi, r); err != nil {
		b.Fatal(err)
	}
	if before != nil {
		before()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := net.Iterate(psi, r); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
}

// BenchmarkSweep times one message-passing iteration of each layer kind at
// 784-501-501-10, batch 128, float64.
func BenchmarkSweep(b *testing.B) {
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	for _, k := range []Kind{MF, AMP, BPI, BP} {
		b.Run(k.String(), func(b *testing.B) {
			benchSweeps(b, benchNet(b, k), psi, r, nil)
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
	ps := floorProducts(b, gorgonia.NewGraph(), widths, B, tensor.Float64, randDense)
	runFloor(b, ps) // warm-up: allocates the outputs
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runFloor(b, ps)
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
					benchSweeps(b, net, psi, r, func() {
						runtime.GC()
						runtime.ReadMemStats(&after)
					})
					b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB")
					runtime.KeepAlive(net)
				})
			}
		}
	}
}

// floorProduct is one plain matrix product of a sweep: op applied to a, c.
type floorProduct struct {
	op   gorgonia.Op
	a, c *tensor.Dense
}

// floorProducts returns, built on g, the three products ω = m x̂, B = mᵀg and
// Hin = g x̂ᵀ of every layer of widths at batch B, run by the sweep's MatMul
// op on operands of dtype dt made by mk(rows, cols).
func floorProducts(b *testing.B, g *gorgonia.ExprGraph, widths []int, B int, dt tensor.Dtype, mk func(r, c int) *tensor.Dense) []floorProduct {
	var ps []floorProduct
	for l := 0; l+1 < len(widths); l++ {
		K, N := widths[l+1], widths[l]
		m, x, gk := mk(K, N), mk(N, B), mk(K, B)
		for _, p := range []struct {
			ta, tb bool
			a, c   *tensor.Dense
		}{{false, false, m, x}, {true, false, m, gk}, {false, true, gk, x}} {
			an := gorgonia.NewTensor(g, dt, 2, gorgonia.WithShape(p.a.Shape()...), gorgonia.WithValue(p.a))
			cn := gorgonia.NewTensor(g, dt, 2, gorgonia.WithShape(p.c.Shape()...), gorgonia.WithValue(p.c))
			n, err := ops.MatMul(an, cn, p.ta, p.tb)
			if err != nil {
				b.Fatal(err)
			}
			ps = append(ps, floorProduct{n.Op(), p.a, p.c})
		}
	}
	return ps
}

// runFloor runs every product of ps once.
func runFloor(b *testing.B, ps []floorProduct) {
	for _, p := range ps {
		if _, err := p.op.Do(p.a, p.c); err != nil {
			b.Fatal(err)
		}
	}
}
