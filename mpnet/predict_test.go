package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
)

// naiveBayes returns the outputs x̂_L of ALGORITHMS §12.2 for sample x, one
// sum at a time, with the general variance
// s² = Σ_i σ_ki (x̂_i² + Δ_i) + m_ki² Δ_i + 1e-8 and x̂ = erf(ω/(s√2)).
func naiveBayes(net *Network, x []float64) []float64 {
	h, delta := x, make([]float64, len(x))
	for l := range net.L() {
		K, N := net.Shape(l)
		m, vari := net.M(l), net.layers[l].full(net.layers[l].sigma)
		out, d := make([]float64, K), make([]float64, K)
		for k := range K {
			var omega, s2 float64
			for i := range N {
				omega += m[k*N+i] * h[i]
				s2 += vari[k*N+i]*(h[i]*h[i]+delta[i]) + m[k*N+i]*m[k*N+i]*delta[i]
			}
			out[k] = math.Erf(omega / math.Sqrt(2*(s2+1e-8)))
			d[k] = 1 - out[k]*out[k]
		}
		h, delta = out, d
	}
	return h
}

// bayesScores returns the outputs x̂_L of the M samples x by the chunk code
// of PredictBayes, with the sparse first layer (and the background value
// of the first sample) if sparse, else with the dense one.
func bayesScores(t *testing.T, net *Network, x []float64, sparse bool) []float64 {
	t.Helper()
	p, err := newPredictor(net, false, true)
	if err != nil {
		t.Fatal(err)
	}
	N0 := net.cfg.Widths[0]
	M := len(x) / N0
	var sp *sparseInputs
	if sparse {
		if p.first = newSparseFirst(p, background(x, N0)); p.first == nil {
			t.Fatal("no sparse first layer")
		}
		sp = new(sparseInputs)
		if !sp.build(x, M, N0, p.first.b) {
			t.Fatal("inputs too dense for the sparse first layer")
		}
	}
	if net.dt == tensor.Float32 {
		return p.bayes32.scores(new(bayesScratch[float32]), nil, net, x, M, sp, p.first.bayes32())
	}
	return p.bayes64.scores(new(bayesScratch[float64]), nil, net, x, M, sp, p.first.bayes64())
}

// TestPredictBayesMatchesNaive compares the Bayesian outputs with the naive
// sums for every kind, both storages and both float types: within 1e-12 in
// float64 (x̂ ∈ [−1, 1]) and 2e-5 in float32, and the predictions agree.
func TestPredictBayesMatchesNaive(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, k := range []Kind{BPI, MF, AMP, CBPI} {
			for _, out := range []int{1, 10} {
				for _, dense := range []bool{true, false} {
					name := fmt.Sprintf("%v/%v/%d-outputs/dense=%v", dt, k, out, dense)
					widths := []int{30, 65, 64, out}
					cfg := Config{Widths: widths, Kinds: Kinds(k, 3, max(out, 2)), Dtype: dt,
						Density: []float64{0.7, 0.6, 1}, DenseStorage: dense}
					net := trainNoPanic(t, cfg, 5, 3, 1, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
					x := testInputs(rand.New(rand.NewPCG(6, 6)), widths[0], 100)
					checkBayes(t, name, net, x, map[tensor.Dtype]float64{tensor.Float64: 1e-12, tensor.Float32: 2e-5}[dt])
				}
			}
		}
	}
}

func checkBayes(t *testing.T, name string, net *Network, x []float64, tol float64) {
	t.Helper()
	N0, K := net.cfg.Widths[0], net.cfg.Widths[net.L()]
	M := len(x) / N0
	got := bayesScores(t, net, x, false)
	pred := make([]int, M)
	if err := net.PredictBayes(pred, x); err != nil {
		t.Fatal(err)
	}
	want := make([]int, 1)
	for n := range M {
		ref := naiveBayes(net, x[n*N0:(n+1)*N0])
		for k, v := range ref {
			if d := math.Abs(got[n*K+k] - v); !(d <= tol) {
				t.Fatalf("%s: sample %d output %d: %v, naive %v (|Δ| = %.3g > %g)", name, n, k, got[n*K+k], v, d, tol)
			}
		}
		Decide(want, ref, K, 0)
		if pred[n] != want[0] && !nearTie(ref, tol) {
			t.Fatalf("%s: sample %d: PredictBayes %d, naive %d", name, n, pred[n], want[0])
		}
	}
}

// nearTie reports whether the decision on the outputs v could change
// within tol: a sign output near 0 or two classes within 2·tol.
func nearTie(v []float64, tol float64) bool {
	if len(v) == 1 {
		return math.Abs(v[0]) <= tol
	}
	for i := range v {
		for j := range i {
			if math.Abs(v[i]-v[j]) <= 2*tol {
				return true
			}
		}
	}
	return false
}

// TestPredictRejects checks that Predict, PredictBayes and Errors return an
// error, and no panic, for a nil or zero network, no samples, inputs of the
// wrong length or not finite, a network with a NaN or Inf in its weights,
// and labels the output cannot produce.
func TestPredictRejects(t *testing.T) {
	for _, out := range []int{1, 4} {
		rng := rand.New(rand.NewPCG(2, 2))
		net, err := New(Config{Widths: []int{5, 3, out}, Kinds: Kinds(MF, 2, max(out, 2))}, rng)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Init(1, rng); err != nil {
			t.Fatal(err)
		}
		good := make([]float64, 10)
		y := []int{1, 1}
		nan, inf := append([]float64(nil), good...), append([]float64(nil), good...)
		nan[7], inf[3] = math.NaN(), math.Inf(-1)
		cases := []struct {
			name string
			net  *Network
			x    []float64
			y    []int
			want string
		}{
			{"nil network", nil, good, y, "nil or a zero value"},
			{"zero network", &Network{}, good, y, "nil or a zero value"},
			{"no samples", net, nil, nil, "no samples"},
			{"short inputs", net, good[:9], y, "need 10 inputs, got 9"},
			{"NaN input", net, nan, y, "input 2 of sample 1 is NaN"},
			{"Inf input", net, inf, y, "input 3 of sample 0 is -Inf"},
			{"label 42", net, good, []int{1, 42}, "label 42 of sample 1"},
			{"label -1", net, good, []int{-1, 0}, "label"},
		}
		if out == 1 {
			cases[len(cases)-1] = struct {
				name string
				net  *Network
				x    []float64
				y    []int
				want string
			}{"label 0 for a sign output", net, good, []int{1, 0}, "needs labels ±1"}
		}
		for _, c := range cases {
			checkRejected(t, fmt.Sprintf("%d outputs: %s", out, c.name), c.net, c.x, c.y, c.want)
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1)} {
			m := net.M(1)
			m[2] = bad
			net.layers[1].setFull(net.layers[1].m, m)
			checkRejected(t, fmt.Sprintf("%d outputs: m = %v", out, bad), net, good, []int{1, 1}, "non-finite value in layer 1, field m, index 2")
			var nf *NonFiniteError
			if err := net.Predict(make([]int, 2), good); !errors.As(err, &nf) {
				t.Errorf("m = %v: Predict error %v is not a *NonFiniteError", bad, err)
			}
			m[2] = 0.5
			net.layers[1].setFull(net.layers[1].m, m)
		}
		// A field that overflowed while m = tanh(H) stayed finite.
		h := net.H(0)
		h[4] = math.Inf(1)
		net.layers[0].setFull(net.layers[0].h, h)
		checkRejected(t, fmt.Sprintf("%d outputs: H = +Inf", out), net, good, []int{1, 1}, "non-finite value in layer 0, field H, index 4")
	}
}

// checkRejected checks that every entry point refuses the case with an
// error containing want (Predict and PredictBayes are given len(y) slots).
func checkRejected(t *testing.T, name string, net *Network, x []float64, y []int, want string) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: panic %v", name, p)
		}
	}()
	_, _, errE := net.Errors(x, y)
	errs := []error{errE}
	if !strings.Contains(want, "label") {
		errs = append(errs, net.Predict(make([]int, len(y)), x), net.PredictBayes(make([]int, len(y)), x))
	}
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: call %d: error %v, want one containing %q", name, i, err, want)
		}
	}
}

// TestBayes32OnMNIST checks the float32 Bayesian pass of a float32 network,
// after 20 MF steps on the embedded MNIST subset, against the float64 pass
// of the same network (what PredictBayes computed before it ran in the
// network's float type): the outputs agree within 1e-5 and the decisions on
// all but a few near-ties of the 10,000 test images.
func TestBayes32OnMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the embedded MNIST subset")
	}
	trn, tst, err := data.Load("embedded", "")
	if err == nil {
		trn, tst, _, err = data.Standardize(trn, tst)
	}
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	net, err := New(Config{Widths: []int{trn.N, 101, 101, 10}, Kinds: Kinds(MF, 3, 10), Dtype: tensor.Float32}, rng)
	if err == nil {
		err = net.Init(1, rng)
	}
	const B = 128
	for s := 0; s < 20 && err == nil; s++ {
		if err = net.SetPrior([]float64{1 + 1e-4, 1 + 1e-4, 0.9}, 0); err == nil {
			err = net.SetBatch(trn.X[s*B*trn.N:(s+1)*B*trn.N], trn.Y[s*B:(s+1)*B])
		}
		if err == nil {
			_, err = net.Iterate([]float64{0.8, 0.8, 0.8}, []float64{0, 0, 0})
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPredictor(net, false, true)
	if err != nil {
		t.Fatal(err)
	}
	mean, vari := make([][]float64, net.L()), make([][]float64, net.L())
	for l, ly := range net.layers {
		mean[l], vari[l] = ly.full(ly.m), ly.full(ly.sigma)
	}
	got := p.bayes32.scores(new(bayesScratch[float32]), nil, net, tst.X, tst.M, nil, nil)
	want := newBayesWeights[float64](net, mean, vari).scores(new(bayesScratch[float64]), nil, net, tst.X, tst.M, nil, nil)
	differ, worst := 0, 0.0
	g, w := make([]int, 1), make([]int, 1)
	for n := range tst.M {
		for k := range 10 {
			worst = math.Max(worst, math.Abs(got[n*10+k]-want[n*10+k]))
		}
		Decide(g, got[n*10:(n+1)*10], 10, 0)
		Decide(w, want[n*10:(n+1)*10], 10, 0)
		if g[0] != w[0] && !nearTie(want[n*10:(n+1)*10], 1e-4) {
			differ++
		}
	}
	t.Logf("max |float32 − float64| output %.3g", worst)
	if worst > 1e-5 || differ > 0 {
		t.Errorf("float32 pass: max output difference %.3g (want ≤ 1e-5), %d decisions differ away from ties", worst, differ)
	}
}

// TestFirstNonFiniteAll checks the split scan of checkSamples against a
// plain loop: the first NaN or Inf of the whole slice, whichever part it
// lies in, and −1 for finite values.
func TestFirstNonFiniteAll(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	n := 3*scanChunk + 5
	for _, bad := range [][]int{nil, {0}, {n - 1}, {2*scanChunk + 7, 3*scanChunk + 1}, {scanChunk - 1, scanChunk}} {
		v := make([]float64, n)
		for j := range v {
			v[j] = float64(j%7) - 3
		}
		for j, i := range bad {
			v[i] = []float64{math.NaN(), math.Inf(1)}[j%2]
		}
		want := -1
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				want = i
				break
			}
		}
		if got := firstNonFiniteAll(v); got != want {
			t.Errorf("non-finite at %v: got %d, want %d", bad, got, want)
		}
	}
}
