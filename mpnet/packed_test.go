package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomTernary returns r×n entries in {−1, 0, +1}: with probability zeros
// an entry is 0, and rows listed in full have no zero.
func randomTernary(rng *rand.Rand, r, n int, zeros float64, full map[int]bool) []float64 {
	v := make([]float64, r*n)
	for i := range v {
		switch {
		case !full[i/n] && rng.Float64() < zeros:
		case rng.IntN(2) == 0:
			v[i] = -1
		default:
			v[i] = 1
		}
	}
	return v
}

// TestTernaryDot checks the packed dot products against the plain sums, for
// lengths around the word size and rows with and without zeros.
func TestTernaryDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 5, 63, 64, 65, 127, 128, 129, 200, 501} {
		for _, zeros := range []float64{0, 0.3, 1} {
			const r, K = 7, 9
			av := randomTernary(rng, r, n, zeros, map[int]bool{0: true, 3: true})
			wv := randomTernary(rng, K, n, zeros, nil)
			a, ok := packTernary(av, r, n)
			w, okw := packTernary(wv, K, n)
			if !ok || !okw {
				t.Fatalf("n=%d: ternary values refused", n)
			}
			back := make([]float64, r*n)
			a.unpack(back)
			for i := range back {
				if back[i] != av[i] {
					t.Fatalf("n=%d: unpack[%d] = %v, want %v", n, i, back[i], av[i])
				}
			}
			for _, vec := range []bool{false, true} {
				if vec {
					w.withRows() // the vector count for the rows of a without zeros
				}
				checkTernaryDots(t, fmt.Sprintf("n=%d zeros=%v vec=%v", n, zeros, vec), a, w, av, wv)
			}
		}
	}
}

// checkTernaryDots checks scoresTo and signsTo of a and w against the
// plain sums of their values av and wv.
func checkTernaryDots(t *testing.T, name string, a, w *ternary, av, wv []float64) {
	t.Helper()
	r, K, n := a.r, w.r, a.n
	z := make([]float64, r*K)
	scoresTo(z, a, w)
	out := newTernary(r, K)
	signsTo(out, a, w)
	signs := make([]float64, r*K)
	out.unpack(signs)
	for i := range r {
		for k := range K {
			want := 0.0
			for j := range n {
				want += av[i*n+j] * wv[k*n+j]
			}
			if z[i*K+k] != want {
				t.Fatalf("%s: a_%d·w_%d = %v, want %v", name, i, k, z[i*K+k], want)
			}
			if s := sign(want + tieBreak); signs[i*K+k] != s {
				t.Fatalf("%s: sign(a_%d·w_%d + tie) = %v, want %v", name, i, k, signs[i*K+k], s)
			}
		}
	}
}

func TestPackTernaryRefuses(t *testing.T) {
	for _, v := range []float64{0.5, -2, math.NaN(), math.Inf(1)} {
		if _, ok := packTernary([]float64{1, 0, v}, 1, 3); ok {
			t.Errorf("packTernary accepted %v", v)
		}
	}
}

// densePredict is the dense reference of Predict: every layer a float64
// product, as before the packed layers and the sparse first layer existed.
func densePredict(t *testing.T, net *Network, x []float64) []int {
	t.Helper()
	p, err := newPredictor(net, true, false)
	if err != nil {
		t.Fatal(err)
	}
	clear(p.packed)
	p.dense = true
	dst := make([]int, len(x)/net.cfg.Widths[0])
	p.run(dst, nil, x)
	return dst
}

// checkPacked checks that Predict equals the dense reference on x, and that
// the packed path was taken for the layers below the first with ±1 weights.
func checkPacked(t *testing.T, name string, net *Network, x []float64) {
	t.Helper()
	p, err := newPredictor(net, true, false)
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l < net.L(); l++ {
		if (p.packed[l] != nil) != (net.Kind(l) != CBPI) {
			t.Fatalf("%s: layer %d (%v): packed = %v", name, l, net.Kind(l), p.packed[l] != nil)
		}
	}
	checkPredictions(t, name, net, x, densePredict(t, net, x), "dense")
}

// zeroMeans sets a fraction of the means of every layer to exactly 0, so
// that present weights have point-wise value 0.
func zeroMeans(net *Network, rng *rand.Rand, frac float64) {
	for _, ly := range net.layers {
		m := ly.full(ly.m)
		for i := range m {
			if rng.Float64() < frac {
				m[i] = 0
			}
		}
		ly.setFull(ly.m, m)
	}
}

// zeroActivationInputs returns samples whose first-layer pre-activations
// are exactly −1e-10 for some units (activation sign(0) = 0): one input
// −1e-10, the others 0.
func zeroActivationInputs(N, M int) []float64 {
	x := make([]float64, M*N)
	for n := range M {
		x[n*N+n%N] = -tieBreak
	}
	return x
}

// zeroActivations counts the first-layer units whose activation
// sign(z + 1e-10) is 0 on the samples x.
func zeroActivations(net *Network, x []float64) int {
	K, N := net.Shape(0)
	w := net.PointWeights(0)
	z := make([]float64, len(x)/N*K)
	gemmNT(z, x, w, len(x)/N, N, K)
	zeros := 0
	for _, v := range z {
		if sign(v+tieBreak) == 0 {
			zeros++
		}
	}
	return zeros
}

// TestPackedMatchesDense compares Predict with the dense products on
// trained and untrained networks of every kind: masks in both storages,
// weights with zero means, widths around multiples of 64, one sign output
// and ArgMax, Gaussian, ternary and all-zero inputs, and inputs that make
// first-layer activations exactly 0.
func TestPackedMatchesDense(t *testing.T) {
	for _, k := range []Kind{BPI, BP, MF, AMP, CBPI} {
		for _, out := range []int{1, 10} {
			for _, dense := range []bool{true, false} {
				name := fmt.Sprintf("%v/%d-outputs/dense=%v", k, out, dense)
				widths := []int{30, 65, 64, 129, out}
				if k == BP {
					widths = []int{30, 65, 63, out} // BP keeps K×N×B cavities: keep it small
				}
				L := len(widths) - 1
				cfg := Config{Widths: widths, Kinds: Kinds(k, L, max(out, 2)),
					Density: []float64{0.7, 0.6, 0.9, 1}[:L], DenseStorage: dense}
				psi := make([]float64, L)
				rho := make([]float64, L)
				for l := range psi {
					psi[l], rho[l] = 0.8, 1
				}
				net := trainNoPanic(t, cfg, 9, 3, 1, rho, psi)
				rng := rand.New(rand.NewPCG(8, uint64(out)))
				x := append(testInputs(rng, widths[0], 150), zeroActivationInputs(widths[0], 60)...)
				if k != CBPI && zeroActivations(net, x) == 0 {
					t.Fatalf("%s: no first-layer activation is 0: the test is moot", name)
				}
				checkPacked(t, name, net, x)
				if k != CBPI {
					zeroMeans(net, rng, 0.2)
					checkPacked(t, name+"/zero-means", net, x)
				}
			}
		}
	}
}

// TestPackedMixedKinds runs a CBPI (continuous) hidden layer between ±1
// layers: its product is dense, the layers around it packed.
func TestPackedMixedKinds(t *testing.T) {
	widths := []int{20, 70, 33, 65, 10}
	for _, kinds := range [][]Kind{{MF, CBPI, BPI, ArgMax}, {CBPI, MF, CBPI, ArgMax}, {BPI, BPI, CBPI, ArgMax}} {
		rng := rand.New(rand.NewPCG(4, 4))
		net, err := New(Config{Widths: widths, Kinds: kinds, Density: []float64{0.8}}, rng)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Init(1, rng); err != nil {
			t.Fatal(err)
		}
		x := append(testInputs(rng, widths[0], 300), zeroActivationInputs(widths[0], 40)...)
		checkPacked(t, fmt.Sprint(kinds), net, x)
	}
}
