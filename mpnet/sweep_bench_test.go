package mpnet

import (
	"math/rand/v2"
	"testing"
)

// benchNet returns a 784-501-501-10 network of the given kind with a loaded
// batch of 128 random samples.
func benchNet(b *testing.B, k Kind) *Network {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := New(Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10)}, rng)
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
	for _, k := range []Kind{MF, AMP, BPI} {
		b.Run(k.String(), func(b *testing.B) {
			net := benchNet(b, k)
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
