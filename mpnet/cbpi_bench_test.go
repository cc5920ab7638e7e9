package mpnet

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// signNet returns a network of the given kind on every layer with one sign
// output and a loaded batch of B random samples (labels ±1).
func signNet(tb testing.TB, widths []int, k Kind, B int) *Network {
	L := len(widths) - 1
	rng := rand.New(rand.NewPCG(1, 2))
	net := initNet(tb, Config{Widths: widths, Kinds: Kinds(k, L, 2)}, rng)
	x, y := problem(rng, widths, B)
	if err := net.SetBatch(x, y); err != nil {
		tb.Fatal(err)
	}
	return net
}

// BenchmarkSweepCBPI times one message-passing iteration of the
// continuous-weight BPI layer next to the binary BPI layer it extends, at the
// sizes of the 2-class MNIST runs (784-101-101-1) and at 784-501-501-1, batch
// 128, float64. CBPI adds to BPI two K×N products per layer (Γ(x̂² + Δ)ᵀ and
// (g²)Δᵀ) and the K×B output function g.
func BenchmarkSweepCBPI(b *testing.B) {
	for _, widths := range [][]int{{784, 101, 101, 1}, {784, 501, 501, 1}} {
		for _, k := range []Kind{BPI, CBPI} {
			b.Run(fmt.Sprintf("%v/%d-%d-%d-%d", k, widths[0], widths[1], widths[2], widths[3]), func(b *testing.B) {
				net := signNet(b, widths, k, 128)
				psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
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
}

// TestCBPISweepAllocatesNoTensors checks that a warmed-up CBPI sweep
// allocates no tensor memory, with the bound of TestSweepAllocatesNoTensors
// (an eighth of one 400×600 weight tensor).
func TestCBPISweepAllocatesNoTensors(t *testing.T) {
	net := signNet(t, []int{600, 400, 400, 1}, CBPI, 32)
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	net.Iterate(psi, r) // warm-up
	var before, after runtime.MemStats
	const runs = 5
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		if _, err := net.Iterate(psi, r); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	perSweep := float64(after.TotalAlloc-before.TotalAlloc) / runs
	if bound := float64(400*600*8) / 8; perSweep > bound {
		t.Errorf("a warmed-up CBPI sweep allocates %.0f bytes, more than the bound %.0f", perSweep, bound)
	}
}
