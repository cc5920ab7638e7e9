package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/pasp"
)

// ebpNaiveNet is a direct transcription of BASELINES §2.2, with [][]
// matrices, the textbook N(0|mu, s2) and Φ, and no shared code with the
// kernels. It is the reference for the kernel tests.
type ebpNaiveNet struct {
	h   [][][]float64 // per layer: K×N fields (binary) or means (Gaussian)
	s2w [][][]float64 // per layer: weight variances, nil for binary
}

func ebpNormal0(mu, s2 float64) float64 {
	return math.Exp(-mu*mu/(2*s2)) / math.Sqrt(2*math.Pi*s2)
}

func ebpPhi(u float64) float64 { return 0.5 * math.Erfc(-u/math.Sqrt2) }

func (n *ebpNaiveNet) moments(l, k, j int) (wbar, w2 float64) {
	if n.s2w == nil {
		return math.Tanh(n.h[l][k][j]), 1
	}
	m := n.h[l][k][j]
	return m, m*m + n.s2w[l][k][j]
}

// step runs one EBP step on the examples xs with targets ys (±1 vectors),
// accumulating the updates and applying them after the last example.
func (n *ebpNaiveNet) step(xs, ys [][]float64) {
	L := len(n.h)
	upd := make([][][]float64, L)
	for l := range upd {
		upd[l] = make([][]float64, len(n.h[l]))
		for k := range upd[l] {
			upd[l][k] = make([]float64, len(n.h[l][k]))
		}
	}
	for e, x := range xs {
		vbar := [][]float64{x}
		v2 := [][]float64{make([]float64, len(x))}
		for j := range x {
			v2[0][j] = x[j] * x[j]
		}
		var mus, s2s [][]float64
		for l := 0; l < L; l++ {
			K, V := len(n.h[l]), float64(len(n.h[l][0]))
			mu, s2, vb, vv := make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K)
			for k := 0; k < K; k++ {
				for j := range n.h[l][k] {
					wbar, w2 := n.moments(l, k, j)
					mu[k] += wbar * vbar[l][j] / math.Sqrt(V)
					s2[k] += (w2*v2[l][j] - wbar*wbar*vbar[l][j]*vbar[l][j]) / V
				}
				s2[k] += ebpVarianceFloor
				vb[k] = 2*ebpPhi(mu[k]/math.Sqrt(s2[k])) - 1
				vv[k] = 1
			}
			mus, s2s = append(mus, mu), append(s2s, s2)
			vbar, v2 = append(vbar, vb), append(v2, vv)
		}
		delta := make([][]float64, L)
		delta[L-1] = make([]float64, len(mus[L-1]))
		for k, y := range ys[e] {
			mu, s2 := mus[L-1][k], s2s[L-1][k]
			delta[L-1][k] = y * ebpNormal0(mu, s2) / ebpPhi(y*mu/math.Sqrt(s2))
		}
		for l := L - 1; l >= 1; l-- {
			V := float64(len(n.h[l][0]))
			delta[l-1] = make([]float64, len(n.h[l][0]))
			for j := range delta[l-1] {
				var s float64
				for k := range n.h[l] {
					wbar, _ := n.moments(l, k, j)
					s += wbar * delta[l][k]
				}
				delta[l-1][j] = 2 * ebpNormal0(mus[l-1][j], s2s[l-1][j]) / math.Sqrt(V) * s
			}
		}
		for l := 0; l < L; l++ {
			V := float64(len(n.h[l][0]))
			for k := range n.h[l] {
				for j := range n.h[l][k] {
					u := delta[l][k] * vbar[l][j] / math.Sqrt(V)
					if n.s2w != nil {
						u *= n.s2w[l][k][j]
					}
					upd[l][k][j] += u
				}
			}
		}
	}
	for l := range n.h {
		for k := range n.h[l] {
			for j := range n.h[l][k] {
				n.h[l][k][j] += upd[l][k][j]
			}
		}
	}
}

// ebpNaiveFrom copies the state of e into a naive network.
func ebpNaiveFrom(e *EBP) *ebpNaiveNet {
	n := &ebpNaiveNet{}
	for _, ly := range e.layers {
		h := make([][]float64, ly.K)
		var s2w [][]float64
		for k := range h {
			h[k] = append([]float64(nil), ly.h[k*ly.N:(k+1)*ly.N]...)
			if ly.s2w != nil {
				s2w = append(s2w, append([]float64(nil), ly.s2w[k*ly.N:(k+1)*ly.N]...))
			}
		}
		n.h = append(n.h, h)
		if ly.s2w != nil {
			n.s2w = append(n.s2w, s2w)
		}
	}
	return n
}

// TestEBPStepMatchesNaive runs EBP steps through the kernels and through
// the naive transcription of BASELINES §2.2, for binary and Gaussian
// weights, online and batched, one-output and multi-output networks, with
// sizes that split unevenly over goroutines, and compares the fields.
func TestEBPStepMatchesNaive(t *testing.T) {
	cases := []struct {
		name    string
		widths  []int
		weights EBPWeights
		batch   int
		tol     float64 // relative-or-absolute; float64 sums in another order
	}{
		{"binary online 1 layer", []int{13, 1}, EBPBinary, 1, 1e-11},
		{"binary online 3 layers", []int{37, 11, 7, 1}, EBPBinary, 1, 1e-11},
		{"binary batch 4, 3 classes", []int{29, 9, 3}, EBPBinary, 4, 1e-11},
		{"gaussian online", []int{37, 11, 7, 1}, EBPGaussian, 1, 1e-11},
		{"gaussian batch 3, 4 classes", []int{23, 5, 4}, EBPGaussian, 3, 1e-11},
		{"binary wide (parallel kernels)", []int{301, 211, 1}, EBPBinary, 2, 1e-10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 0))
			e, err := NewEBP(&EBPSettings{Widths: c.widths, Weights: c.weights, BatchSize: c.batch, InitVar: 0.7, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			naive := ebpNaiveFrom(e)
			N0, C := c.widths[0], c.widths[len(c.widths)-1]
			for step := 0; step < 3; step++ {
				x := make([]float64, c.batch*N0)
				y := make([]int, c.batch)
				xs, ys := make([][]float64, c.batch), make([][]float64, c.batch)
				for n := range y {
					xs[n] = x[n*N0 : (n+1)*N0]
					for j := range xs[n] {
						xs[n][j] = rng.NormFloat64()
					}
					ys[n] = make([]float64, C)
					if C == 1 {
						y[n] = 2*rng.IntN(2) - 1
						ys[n][0] = float64(y[n])
					} else {
						y[n] = rng.IntN(C)
						for k := range ys[n] {
							ys[n][k] = -1
						}
						ys[n][y[n]] = 1
					}
				}
				xcopy := append([]float64(nil), x...)
				if err := e.Step(x, y); err != nil {
					t.Fatal(err)
				}
				naive.step(xs, ys)
				for i := range x {
					if x[i] != xcopy[i] {
						t.Fatalf("Step changed its input x[%d]", i)
					}
				}
				for l, ly := range e.layers {
					for k := 0; k < ly.K; k++ {
						for j := 0; j < ly.N; j++ {
							got, want := ly.h[k*ly.N+j], naive.h[l][k][j]
							if !testutil.Close(got, want, c.tol) {
								t.Fatalf("step %d layer %d h[%d,%d] = %v, want %v (rel err %.2g)", step, l, k, j, got, want, testutil.RelErr(got, want))
							}
							wbar, _ := naive.moments(l, k, j)
							if g := ly.wbar[k*ly.N+j]; !testutil.Close(g, wbar, c.tol) {
								t.Fatalf("step %d layer %d Wbar[%d,%d] = %v, want %v", step, l, k, j, g, wbar)
							}
						}
					}
				}
			}
		})
	}
}

// TestEBPKernelsMatchNaive checks each kernel on its own against the
// formula in its doc comment, writing into NaN-filled outputs.
func TestEBPKernelsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	for _, sz := range [][2]int{{1, 1}, {3, 7}, {17, 130}, {250, 301}} {
		K, N := sz[0], sz[1]
		rnd := func(n int, scale float64) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = scale * rng.NormFloat64()
			}
			return v
		}
		nan := func(n int) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = math.NaN()
			}
			return v
		}
		wbar, xbar := rnd(K*N, 0.5), rnd(N, 1)
		w2, x2 := make([]float64, K*N), make([]float64, N)
		for i := range w2 {
			w2[i] = wbar[i]*wbar[i] + 0.3
		}
		for j := range x2 {
			x2[j] = xbar[j]*xbar[j] + 0.1
		}
		for _, gaussian := range []bool{false, true} {
			mu, s2, vbar := nan(K), nan(K), nan(K)
			var w2arg []float64
			if gaussian {
				w2arg = w2
			}
			ebpMoments(mu, s2, vbar, wbar, w2arg, xbar, x2)
			for k := 0; k < K; k++ {
				var m, v float64
				for j := 0; j < N; j++ {
					ww := 1.0
					if gaussian {
						ww = w2[k*N+j]
					}
					m += wbar[k*N+j] * xbar[j]
					v += ww*x2[j] - wbar[k*N+j]*wbar[k*N+j]*xbar[j]*xbar[j]
				}
				m /= math.Sqrt(float64(N))
				v = v/float64(N) + ebpVarianceFloor
				vb := 2*ebpPhi(m/math.Sqrt(v)) - 1
				for _, c := range []struct {
					name      string
					got, want float64
				}{{"mu", mu[k], m}, {"s2", s2[k], v}, {"vbar", vbar[k], vb}} {
					if !testutil.Close(c.got, c.want, 1e-12) {
						t.Errorf("K=%d N=%d gaussian=%v: %s[%d] = %v, want %v", K, N, gaussian, c.name, k, c.got, c.want)
					}
				}
			}
		}
		mu, s2, y := rnd(K, 2), rnd(K, 1), make([]float64, K)
		for k := range s2 {
			s2[k] = s2[k]*s2[k] + 0.05
			y[k] = float64(2*rng.IntN(2) - 1)
		}
		delta := nan(K)
		ebpOutputDelta(delta, mu, s2, y)
		for k := range delta {
			want := y[k] * ebpNormal0(mu[k], s2[k]) / ebpPhi(y[k]*mu[k]/math.Sqrt(s2[k]))
			if !testutil.Close(delta[k], want, 1e-11) {
				t.Errorf("delta[%d] = %v, want %v", k, delta[k], want)
			}
		}
		muP, s2P := rnd(N, 2), rnd(N, 1)
		for j := range s2P {
			s2P[j] = s2P[j]*s2P[j] + 0.05
		}
		dprev := nan(N)
		ebpBackward(dprev, delta, wbar, muP, s2P)
		for j := range dprev {
			var s float64
			for k := 0; k < K; k++ {
				s += wbar[k*N+j] * delta[k]
			}
			want := 2 * ebpNormal0(muP[j], s2P[j]) / math.Sqrt(float64(N)) * s
			if !testutil.Close(dprev[j], want, 1e-11) {
				t.Errorf("dprev[%d] = %v, want %v", j, dprev[j], want)
			}
		}
	}
}

// TestEBPLearnsTeacher trains a binary and a Gaussian perceptron on
// α = M/N = 5 samples of a random ±1 teacher (N = 201) for 3 online epochs
// and checks the overlap of sign(h) with the teacher and the test errors.
func TestEBPLearnsTeacher(t *testing.T) {
	const N, M = 201, 1005
	rng := rand.New(rand.NewPCG(42, 0))
	w, _ := data.RandomTeacher(rng, N)
	train, _ := data.TeacherPatterns(rng, w, M)
	test, _ := data.TeacherPatterns(rng, w, 2000)
	for _, c := range []struct {
		weights EBPWeights
		minQ    float64
		maxErr  float64 // percent, point-wise and Bayesian test error
	}{
		{EBPBinary, 0.9, 8},
		{EBPGaussian, 0.8, 15},
	} {
		e, err := NewEBP(&EBPSettings{Widths: []int{N, 1}, Weights: c.weights, Epochs: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Fit(context.Background(), train, test)
		if err != nil {
			t.Fatal(err)
		}
		var q float64
		for i, h := range e.Field(0) {
			q += ebpSign(h) * w[i]
		}
		q /= N
		ev := res.Stats.Eval
		t.Logf("%v: overlap %.3f, test error %.2f%% (Bayes %.2f%%), train %.2f%% (Bayes %.2f%%)", c.weights, q, ev.TestError, ev.TestErrorBayes, ev.TrainError, ev.TrainErrorBayes)
		if q < c.minQ || ev.TestError > c.maxErr || ev.TestErrorBayes > c.maxErr {
			t.Errorf("%v: overlap %.3f (want ≥ %.2f), test errors %.2f%% / %.2f%% (want ≤ %v%%)", c.weights, q, c.minQ, ev.TestError, ev.TestErrorBayes, c.maxErr)
		}
	}
}

// ebpEventLog records the events a trainer sends.
type ebpEventLog struct {
	inits  int
	steps  int
	epochs []pasp.Eval
}

func (r *ebpEventLog) Init(*pasp.Stats) error { r.inits++; return nil }
func (r *ebpEventLog) Record(ev pasp.Event, s *pasp.Stats) error {
	if ev == pasp.StepEnd {
		r.steps++
	} else {
		r.epochs = append(r.epochs, s.Eval)
	}
	return nil
}

// TestEBPRecorderAndDeterminism checks the event sequence (Init, epoch 0,
// StepEnd per mini-batch, EpochEnd per epoch) and that two runs with one
// seed give identical fields.
func TestEBPRecorderAndDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 0))
	w, _ := data.RandomTeacher(rng, 31)
	train, _ := data.TeacherPatterns(rng, w, 103)
	var fields [2][]float64
	for run := range fields {
		log := &ebpEventLog{}
		e, err := NewEBP(&EBPSettings{Widths: []int{31, 5, 1}, BatchSize: 10, Epochs: 2, Seed: 9, Recorder: log})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Fit(context.Background(), train, nil)
		if err != nil {
			t.Fatal(err)
		}
		if log.inits != 1 || log.steps != 2*10 || len(log.epochs) != 3 || res.Stats.Epoch != 2 || res.Status != pasp.EpochLimit {
			t.Fatalf("inits %d, steps %d, epoch events %d, epochs %d, status %v; want 1, 20, 3, 2, EpochLimit",
				log.inits, log.steps, len(log.epochs), res.Stats.Epoch, res.Status)
		}
		for i, ev := range log.epochs {
			if ev.Epoch != i || len(ev.Q0) != 2 {
				t.Errorf("epoch event %d: Eval.Epoch %d, %d Q0 values", i, ev.Epoch, len(ev.Q0))
			}
		}
		fields[run] = append(append([]float64(nil), e.Field(0)...), e.Field(1)...)
	}
	for i := range fields[0] {
		if !testutil.Identical(fields[0][i], fields[1][i]) {
			t.Fatalf("field %d differs between two runs with one seed: %v, %v", i, fields[0][i], fields[1][i])
		}
	}
}

func TestEBPSettingsErrors(t *testing.T) {
	for _, s := range []*EBPSettings{
		nil,
		{Widths: []int{10}},
		{Widths: []int{10, 0}},
		{Widths: []int{10, 1}, BatchSize: -1},
		{Widths: []int{10, 1}, Weights: 7},
		{Widths: []int{10, 1}, InitStd: math.NaN()},
	} {
		if _, err := NewEBP(s); err == nil {
			t.Errorf("NewEBP(%+v): no error", s)
		}
	}
	e, _ := NewEBP(&EBPSettings{Widths: []int{3, 1}})
	bad := &data.Set{X: make([]float64, 6), Y: []int{0, 1}, M: 2, N: 3, Classes: 10}
	if _, err := e.Fit(context.Background(), bad, nil); err == nil {
		t.Error("Fit with class-index labels on a one-output network: no error")
	}
}

// TestEBPMNISTBayesian trains the binary 784-101-101-1 network of
// BASELINES §2.4 online on the embedded MNIST subset (2-class, standardised)
// and checks that the Bayesian test error does not exceed the point-wise
// one by more than 1 percentage point.
func TestEBPMNISTBayesian(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST training skipped under -short")
	}
	train, test := testutil.Embedded(t, true)
	log := &ebpEventLog{}
	e, err := NewEBP(&EBPSettings{Widths: []int{784, 101, 101, 1}, BatchSize: 10, Epochs: 2, Seed: 1, TrainEval: 2000, Recorder: log})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Fit(context.Background(), train, test)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range log.epochs {
		t.Logf("epoch %d: train %.2f%% (Bayes %.2f%%), test %.2f%% (Bayes %.2f%%), %.1f s",
			ev.Epoch, ev.TrainError, ev.TrainErrorBayes, ev.TestError, ev.TestErrorBayes, ev.EpochSeconds)
	}
	ev := res.Stats.Eval
	if ev.TestError > 20 {
		t.Errorf("point-wise test error %.2f%%, want ≤ 20%% after one epoch", ev.TestError)
	}
	if ev.TestErrorBayes > ev.TestError+1 {
		t.Errorf("Bayesian test error %.2f%% exceeds point-wise %.2f%% by more than 1 point", ev.TestErrorBayes, ev.TestError)
	}
}
