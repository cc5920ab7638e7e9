package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// atEveryLevel runs f with the ops kernels at each level this CPU supports
// (scalar, avx2, avx512), and restores the default.
func atEveryLevel(t *testing.T, f func(level string)) {
	t.Helper()
	defer func() {
		if err := ops.SetCPUKernels("auto"); err != nil {
			t.Fatal(err)
		}
	}()
	for _, l := range []string{"scalar", "avx2", "avx512"} {
		if ops.SetCPUKernels(l) != nil {
			continue
		}
		f(l)
	}
}

// imageInputs returns M samples of N inputs like a standardised image: the
// background b on about 85 % of the inputs, other values elsewhere, and
// two samples all background.
func imageInputs(rng *rand.Rand, N, M int, b float64) []float64 {
	x := make([]float64, M*N)
	for j := range x {
		x[j] = b
		if j/N < M-2 && rng.Float64() < 0.15 {
			x[j] = b + 3*rng.Float64()
		}
	}
	return x
}

// cancelInputs returns M samples of background b whose few foreground
// inputs cancel at large magnitude (±1e16 with small values between):
// sums whose rounding depends on the order, so that the sparse products
// cannot decide some units and the naive sums must.
func cancelInputs(rng *rand.Rand, N, M int, b float64) []float64 {
	x := make([]float64, M*N)
	for j := range x {
		x[j] = b
	}
	for n := range M {
		for _, i := range rng.Perm(N)[:6] {
			x[n*N+i] = []float64{1e16, -1e16, 1, -1, 3, 0.5}[rng.IntN(6)]
		}
	}
	return x
}

// naivePredict is the reference of Predict for a network of ±1 weights:
// each pre-activation Σ_i W_ki x_i summed in ascending i, in float64.
func naivePredict(net *Network, x []float64) []int {
	N0, K := net.cfg.Widths[0], net.cfg.Widths[net.L()]
	out := make([]int, len(x)/N0)
	for n := range out {
		h := x[n*N0 : (n+1)*N0]
		for l := range net.L() {
			Kl, Nl := net.Shape(l)
			w, z := net.PointWeights(l), make([]float64, Kl)
			for k := range z {
				z[k] = naiveDot(w[k*Nl:(k+1)*Nl], h)
				if l < net.L()-1 {
					z[k] = sign(z[k] + tieBreak)
				}
			}
			h = z
		}
		Decide(out[n:n+1], h, K, tieBreak)
	}
	return out
}

// ambiguous counts the first-layer units of the samples x that the sparse
// products leave to the naive sums.
func ambiguous(t *testing.T, net *Network, x []float64) int {
	p, err := newPredictor(net, true, false)
	if err != nil {
		t.Fatal(err)
	}
	N := net.cfg.Widths[0]
	f, sp := newSparseFirst(p, background(x, N)), new(sparseInputs)
	if f == nil || f.point == nil || !sp.build(x, len(x)/N, N, f.b) {
		t.Fatal("no sparse first layer")
	}
	r, W, K, count := len(sp.starts)-1, f.point.Words(), net.layers[0].K, 0
	margin := make([]float64, r)
	for j, e := range sp.bound {
		margin[j] = 2 * e
	}
	neg, unsure := make([]uint64, r*W), make([]uint64, r*W)
	if err := f.point.Signs(neg, unsure, sp.idx, sp.d, sp.starts, margin); err != nil {
		t.Fatal(err)
	}
	for j := range r {
		for k := range K {
			count += int(unsure[j*W+k/64] >> (k % 64) & 1)
		}
	}
	return count
}

// TestPredictSparseExact checks that Predict equals the naive sums exactly
// on image-like inputs (background 0 and that of standardised MNIST), on
// all-background samples, on samples with a first-layer pre-activation of
// exactly −1e-10 (activation 0) and on cancelling inputs whose sums the
// sparse products cannot decide, for masked and unmasked layers, at every
// level of the ops kernels.
func TestPredictSparseExact(t *testing.T) {
	atEveryLevel(t, func(level string) {
		for _, k := range []Kind{MF, BPI, AMP} {
			for _, density := range []float64{1, 0.7} {
				widths := []int{40, 65, 64, 10}
				cfg := Config{Widths: widths, Kinds: Kinds(k, 3, 10), Density: []float64{density, density, 1}}
				net := trainNoPanic(t, cfg, 3, 2, 1, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
				rng := rand.New(rand.NewPCG(5, 5))
				for _, b := range []float64{0, -0.4242} {
					name := fmt.Sprintf("%s/%v/density=%v/b=%v", level, k, density, b)
					x := append(imageInputs(rng, widths[0], 200, b), zeroActivationInputs(widths[0], 30)...)
					if b == 0 && zeroActivations(net, x) == 0 {
						t.Fatalf("%s: no first-layer activation is 0: the test is moot", name)
					}
					checkNaive(t, name, net, x)
					c := cancelInputs(rng, widths[0], 300, b)
					if level == "avx512" && ambiguous(t, net, c) == 0 {
						t.Fatalf("%s: the sparse products decide every unit of the cancelling inputs: the test is moot", name)
					}
					checkNaive(t, name+"/cancelling", net, c)
				}
			}
		}
	})
}

func checkNaive(t *testing.T, name string, net *Network, x []float64) {
	t.Helper()
	checkPredictions(t, name, net, x, naivePredict(net, x), "naive")
}

// checkPredictions checks that Predict gives want on the samples x (ref
// names the reference in messages).
func checkPredictions(t *testing.T, name string, net *Network, x []float64, want []int, ref string) {
	t.Helper()
	got := make([]int, len(want))
	if err := net.Predict(got, x); err != nil {
		t.Fatal(err)
	}
	for n := range got {
		if got[n] != want[n] {
			t.Fatalf("%s: sample %d: Predict %d, %s %d", name, n, got[n], ref, want[n])
		}
	}
}

// TestPredictOneLayer checks Predict, PredictBayes and Errors of networks
// of one layer (a sign output and ArgMax) on image-like inputs, where the
// first layer gives the scores: against the naive sums (point-wise) and
// the naive Bayesian outputs.
func TestPredictOneLayer(t *testing.T) {
	atEveryLevel(t, func(level string) {
		for _, out := range []int{1, 4} {
			kinds := []Kind{BPI}
			if out > 1 {
				kinds = []Kind{ArgMax}
			}
			cfg := Config{Widths: []int{30, out}, Kinds: kinds}
			net := trainNoPanic(t, cfg, 2, 2, 1, []float64{1}, []float64{0.8})
			x := imageInputs(rand.New(rand.NewPCG(9, 9)), 30, 50, 0)
			name := fmt.Sprintf("%s/%d outputs", level, out)
			checkNaive(t, name, net, x)
			checkBayes(t, name, net, x, 1e-12)
			checkErrors(t, name, net, x)
		}
	})
}

// TestPredictBayesSparse compares the Bayesian outputs of the sparse first
// layer with the naive sums (within 1e-12 in float64, 2e-5 in float32) for
// every kind, both float types, masked layers and all-background samples,
// at every level of the ops kernels, and checks that Errors gives the
// rates of Predict and PredictBayes on sparse inputs.
func TestPredictBayesSparse(t *testing.T) {
	atEveryLevel(t, func(level string) {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			for _, k := range []Kind{BPI, MF, AMP, CBPI} {
				widths := []int{50, 65, 64, 10}
				cfg := Config{Widths: widths, Kinds: Kinds(k, 3, 10), Dtype: dt, Density: []float64{0.7, 0.6, 1}}
				net := trainNoPanic(t, cfg, 5, 3, 1, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
				x := imageInputs(rand.New(rand.NewPCG(6, 6)), widths[0], 100, -0.4242)
				name := fmt.Sprintf("%s/%v/%v", level, dt, k)
				tol := map[tensor.Dtype]float64{tensor.Float64: 1e-12, tensor.Float32: 2e-5}[dt]
				if level != "scalar" {
					checkScores(t, name, net, x, bayesScores(t, net, x, true), tol)
				}
				checkBayes(t, name, net, x, tol)
				checkErrors(t, name, net, x)
			}
		}
	})
}

// checkScores compares the outputs got of the samples x with naiveBayes.
func checkScores(t *testing.T, name string, net *Network, x, got []float64, tol float64) {
	t.Helper()
	N0, K := net.cfg.Widths[0], net.cfg.Widths[net.L()]
	for n := range len(x) / N0 {
		for k, v := range naiveBayes(net, x[n*N0:(n+1)*N0]) {
			if d := math.Abs(got[n*K+k] - v); !(d <= tol) {
				t.Fatalf("%s: sample %d output %d: %v, naive %v (|Δ| = %.3g > %g)", name, n, k, got[n*K+k], v, d, tol)
			}
		}
	}
}

// checkErrors checks that Errors gives the error rates of the predictions
// of Predict and PredictBayes.
func checkErrors(t *testing.T, name string, net *Network, x []float64) {
	t.Helper()
	M := len(x) / net.cfg.Widths[0]
	y, point, bayes := make([]int, M), make([]int, M), make([]int, M)
	for n := range y {
		if y[n] = n % net.cfg.Widths[net.L()]; net.cfg.Widths[net.L()] == 1 {
			y[n] = 1 - 2*(n%2)
		}
	}
	if err := net.Predict(point, x); err != nil {
		t.Fatal(err)
	}
	if err := net.PredictBayes(bayes, x); err != nil {
		t.Fatal(err)
	}
	pw, bw, err := net.Errors(x, y)
	if err != nil {
		t.Fatal(err)
	}
	rate := func(p []int) float64 {
		wrong := 0
		for n := range p {
			if p[n] != y[n] {
				wrong++
			}
		}
		return 100 * float64(wrong) / float64(M)
	}
	if pw != rate(point) || bw != rate(bayes) {
		t.Errorf("%s: Errors %v %% / %v %%, Predict and PredictBayes %v %% / %v %%", name, pw, bw, rate(point), rate(bayes))
	}
}

// TestBackground checks the choice of the background value: the most
// frequent input of the first sample, the smallest on ties.
func TestBackground(t *testing.T) {
	for _, c := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{0, 1, 0, 2}, 0},
		{[]float64{3, -1, 3, -1}, -1},
		{[]float64{5}, 5},
		{[]float64{2, 2, 7, 7, 7, 2, 2}, 2},
	} {
		if got := background(c.x, len(c.x)); got != c.want {
			t.Errorf("background(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}
