package mpnet

import (
	"fmt"
	"math/rand/v2"
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
				benchSweeps(b, signNet(b, widths, k, 128), []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}, nil)
			})
		}
	}
}

// TestCBPISweepAllocatesNoTensors checks that a warmed-up CBPI sweep
// allocates no tensor memory, with the bound of TestSweepAllocatesNoTensors
// (an eighth of one 400×600 weight tensor).
func TestCBPISweepAllocatesNoTensors(t *testing.T) {
	net := signNet(t, []int{600, 400, 400, 1}, CBPI, 32)
	perSweep, _ := sweepAllocs(t, net)
	if bound := float64(400*600*8) / 8; perSweep > bound {
		t.Errorf("a warmed-up CBPI sweep allocates %.0f bytes, more than the bound %.0f", perSweep, bound)
	}
}
