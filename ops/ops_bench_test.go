package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Benchmarks of the ops at the layer shapes of the paper's MNIST network
// (widths 784-501-501-10, mini-batch 128; STYLE §4): one Do per iteration
// on warmed-up ops, so that the reported allocations are those of a sweep
// after the first. Inputs come from a fixed-seed PCG.

// obSink keeps the benchmarked results alive.
var obSink gorgonia.Value

// obBatch is the mini-batch size of the paper's runs.
const obBatch = 128

// obLayer is one weight layer, N inputs and K outputs; down tells whether
// it computes a downward field (every layer but the first).
type obLayer struct {
	name string
	N, K int
	down bool
}

var obLayers = []obLayer{
	{"784x501", 784, 501, false},
	{"501x501", 501, 501, true},
	{"501x10", 501, 10, true},
}

var obDtypes = []tensor.Dtype{tensor.Float64, tensor.Float32}

// obDense returns a rows×cols tensor of dtype dt filled by f.
func obDense(rng *rand.Rand, dt tensor.Dtype, rows, cols int, f func(*rand.Rand) float64) *tensor.Dense {
	d := make([]float64, rows*cols)
	for i := range d {
		d[i] = f(rng)
	}
	return toDense(dt, arr{shape: []int{rows, cols}, data: d})
}

// obRun warms op up with one Do, then times Do.
func obRun(b *testing.B, op gorgonia.Op, in ...gorgonia.Value) {
	b.Helper()
	if _, err := op.Do(in...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := op.Do(in...)
		if err != nil {
			b.Fatal(err)
		}
		obSink = v
	}
}

// obBtop is a field from above in a hidden layer: moderate, sometimes large.
func obBtop(r *rand.Rand) float64 { return 3 * r.NormFloat64() }

func BenchmarkBPICavity(b *testing.B) {
	for _, l := range obLayers {
		for _, dt := range obDtypes {
			b.Run(fmt.Sprintf("%s/down=%t/%v", l.name, l.down, dt), func(b *testing.B) {
				rng := newRNG(1, 1)
				K, N, B := l.K, l.N, obBatch
				xd := magnet
				if !l.down {
					xd = uniform(0, 1) // pixels
				}
				m := obDense(rng, dt, K, N, func(r *rand.Rand) float64 { return math.Tanh(0.1 * r.NormFloat64()) })
				x := obDense(rng, dt, N, B, xd)
				omega := obDense(rng, dt, K, B, normal(2))
				v := obDense(rng, dt, K, B, uniform(1, 10))
				bt := obDense(rng, dt, K, B, obBtop)
				obRun(b, &bpiOp{down: l.down}, m, x, omega, v, bt)
			})
		}
	}
}

func BenchmarkSignChannel(b *testing.B) {
	for _, K := range []int{501, 10} {
		for _, dt := range obDtypes {
			b.Run(fmt.Sprintf("%dx%d/%v", K, obBatch, dt), func(b *testing.B) {
				rng := newRNG(2, 1)
				bt := obDense(rng, dt, K, obBatch, obBtop)
				omega := obDense(rng, dt, K, obBatch, normal(2))
				v := obDense(rng, dt, K, obBatch, uniform(1, 10))
				obRun(b, &mapOp{k: signChannelK}, bt, omega, v)
			})
		}
	}
}

func BenchmarkArgMaxChannel(b *testing.B) {
	const C = 10
	for _, dt := range obDtypes {
		b.Run(fmt.Sprintf("%dx%d/%v", C, obBatch, dt), func(b *testing.B) {
			rng := newRNG(3, 1)
			omega := obDense(rng, dt, C, obBatch, normal(2))
			v := obDense(rng, dt, C, obBatch, uniform(1, 10))
			y := obDense(rng, dt, 1, obBatch, func(r *rand.Rand) float64 { return float64(r.IntN(C)) })
			obRun(b, &argMaxOp{}, omega, v, y)
		})
	}
}

func BenchmarkDampedTanh(b *testing.B) {
	for _, l := range obLayers {
		for _, dt := range obDtypes {
			b.Run(fmt.Sprintf("%dx%d/%v", l.K, l.N, dt), func(b *testing.B) {
				rng := newRNG(4, 1)
				m := obDense(rng, dt, l.K, l.N, magnet)
				h := obDense(rng, dt, l.K, l.N, normal(3))
				mask := obDense(rng, dt, l.K, l.N, func(*rand.Rand) float64 { return 1 })
				psi := toDense(dt, scalar(0.8))
				obRun(b, &mapOp{k: dampedTanhK}, m, h, mask, psi)
			})
		}
	}
}

func BenchmarkUpField(b *testing.B) {
	for _, K := range []int{501, 10} {
		for _, dt := range obDtypes {
			b.Run(fmt.Sprintf("%dx%d/%v", K, obBatch, dt), func(b *testing.B) {
				rng := newRNG(5, 1)
				omega := obDense(rng, dt, K, obBatch, normal(2))
				v := obDense(rng, dt, K, obBatch, uniform(1, 10))
				obRun(b, &mapOp{k: upFieldK}, omega, v)
			})
		}
	}
}

// BenchmarkMatMul times the three products of a layer: ω = m·x̂ (K×N·N×B),
// B = mᵀg (N×K·K×B) and Hin = g·x̂ᵀ (K×B·B×N).
func BenchmarkMatMul(b *testing.B) {
	for _, l := range obLayers {
		for _, dt := range obDtypes {
			K, N, B := l.K, l.N, obBatch
			rng := newRNG(6, 1)
			m := obDense(rng, dt, K, N, magnet)
			x := obDense(rng, dt, N, B, magnet)
			g := obDense(rng, dt, K, B, normal(1))
			for _, p := range []struct {
				name   string
				a, c   *tensor.Dense
				ta, tb bool
			}{
				{"m·x", m, x, false, false},
				{"mT·g", m, g, true, false},
				{"g·xT", g, x, false, true},
			} {
				b.Run(fmt.Sprintf("%s/%s/%v", l.name, p.name, dt), func(b *testing.B) {
					obRun(b, &matMulOp{transA: p.ta, transB: p.tb}, p.a, p.c)
				})
			}
		}
	}
}
