//go:build unix

package mpnet

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/ops"
)

// evalNet returns an initialised 784-501-501-10 MF network (ArgMax output)
// and the 10,000 standardised test images of the embedded MNIST subset, the
// shape and the inputs of a W1 evaluation.
func evalNet(b *testing.B, dt tensor.Dtype) (net *Network, x []float64, y []int) {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := New(Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(MF, 3, 10), Dtype: dt}, rng)
	if err != nil {
		b.Fatal(err)
	}
	if err = net.Init(1, rng); err != nil {
		b.Fatal(err)
	}
	for _, ly := range net.layers { // σ = 1 − m² in the float type, as a sweep sets it
		m, s := ly.full(ly.m), ly.full(ly.sigma)
		for j, v := range m {
			if dt == tensor.Float32 {
				s[j] = float64(1 - float32(v)*float32(v))
			}
		}
		ly.setFull(ly.sigma, s)
	}
	_, test := testutil.Embedded(b, false)
	return net, test.X, test.Y
}

// BenchmarkPredict times the evaluation of the 10,000 test images of MNIST
// by a 784-501-501-10 network: point-wise as Predict does it (sparse first
// layer, packed hidden layers) and with dense products only (the
// reference), Bayesian (PredictBayes) of a float64 and of a float32 network
// with the sparse and the dense first layer, and both as Errors does them
// (float32). Besides ns/op it reports the time per sample, the process CPU
// time per sample (on a shared machine: the work, not the waiting) and
// s/70k, the wall time for the 60000 + 10000 samples of MNIST at this rate.
func BenchmarkPredict(b *testing.B) {
	net, x, _ := evalNet(b, tensor.Float64)
	net32, _, _ := evalNet(b, tensor.Float32)
	M := len(x) / 784
	point, bayes := make([]int, M), make([]int, M)
	for _, mode := range []string{"point", "point-dense", "bayes64", "bayes64-dense", "bayes32", "bayes32-dense", "errors32"} {
		b.Run(mode, func(b *testing.B) {
			n := net
			if strings.Contains(mode, "32") {
				n = net32
			}
			isPoint, isBayes := strings.HasPrefix(mode, "point"), strings.HasPrefix(mode, "bayes")
			if mode == "errors32" {
				isPoint, isBayes = true, true
			}
			p, err := newPredictor(n, isPoint, isBayes)
			if err != nil {
				b.Fatal(err)
			}
			if p.dense = strings.HasSuffix(mode, "-dense"); p.dense && isPoint {
				clear(p.packed)
			}
			pd, bd := point, bayes
			if !isPoint {
				pd = nil
			}
			if !isBayes {
				bd = nil
			}
			cpu0 := sweepCPUTime()
			b.ResetTimer()
			for b.Loop() {
				p.first = nil // prepared by every call
				p.run(pd, bd, x)
			}
			b.StopTimer()
			perSample := b.Elapsed().Seconds() / float64(b.N*M)
			b.ReportMetric(perSample*1e9, "ns/sample")
			b.ReportMetric((sweepCPUTime()-cpu0).Seconds()/float64(b.N*M)*1e9, "cpu-ns/sample")
			b.ReportMetric(perSample*70000, "s/70k")
			if isBayes && !isPoint {
				reportBayesPeak(b, n, x, perSample, strings.Contains(mode, "-dense"))
			}
		})
	}
}

// reportBayesPeak reports the rate of the multiply-adds of a Bayesian pass
// at perSample seconds per sample (bayes-GFLOP/s) and that rate as a
// percentage of the two-goroutine FMA peak measured right after in the same
// process (bayes-%peak: the best of five gemm.FMAPeak runs). Only the
// products count, two flops per multiply-add: ω and s² of every layer,
// over the foreground inputs of the first unless dense. The activations
// (erf), the variances the first layer recomputes from the means and the
// point-wise pass are work on top, so 100 % is out of reach.
func reportBayesPeak(b *testing.B, net *Network, x []float64, perSample float64, dense bool) {
	N0 := net.cfg.Widths[0]
	M := len(x) / N0
	first := float64(N0)
	if !dense {
		bg, fg := background(x, N0), 0
		for _, v := range x {
			if v != bg {
				fg++
			}
		}
		first = float64(fg) / float64(M)
	}
	var flops float64
	for l, ly := range net.layers {
		n := float64(ly.N)
		if l == 0 {
			n = first
		}
		flops += 2 * 2 * n * float64(ly.K) // ω and s², a multiply and an add each
	}
	gf := flops / perSample / 1e9
	b.ReportMetric(gf, "bayes-GFLOP/s")
	var peak float64
	for range 5 {
		peak = max(peak, gemm.FMAPeak(net.dt == tensor.Float32, 2, 30*time.Millisecond))
	}
	if peak > 0 {
		b.ReportMetric(100*gf/peak, "bayes-%peak")
	}
}

// BenchmarkEvalShare measures what ALGORITHMS §12 evaluation costs next to
// training, for a float32 784-501-501-10 network of each kind: the time of
// one training epoch of MNIST (469 sweeps of batch 128, extrapolated from 3
// timed sweeps) and of the point-wise and Bayesian evaluation of its
// 60000 + 10000 samples (Errors, extrapolated from the 10,000 test images of
// the embedded MNIST subset). It reports both in seconds, their CPU times,
// and eval-% = evaluation ÷ training. Run with -benchtime 1x.
func BenchmarkEvalShare(b *testing.B) {
	const sweeps, epochSweeps, evalSamples = 3, 469, 70000
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	_, x, y := evalNet(b, tensor.Float32)
	M := len(y)
	for _, k := range []Kind{MF, AMP, BPI} {
		b.Run(k.String(), func(b *testing.B) {
			net := benchNetCfg(b, Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(k, 3, 10), Dtype: tensor.Float32})
			for b.Loop() {
				if _, err := net.Iterate(psi, r); err != nil { // warm-up
					b.Fatal(err)
				}
				train, trainCPU := timed(func() {
					for range sweeps {
						if _, err := net.Iterate(psi, r); err != nil {
							b.Fatal(err)
						}
					}
				})
				eval, evalCPU := timed(func() {
					if _, _, err := net.Errors(x, y); err != nil {
						b.Fatal(err)
					}
				})
				scaleTrain, scaleEval := float64(epochSweeps)/sweeps, float64(evalSamples)/float64(M)
				b.ReportMetric(train*scaleTrain, "train-s/epoch")
				b.ReportMetric(trainCPU*scaleTrain, "train-cpu-s/epoch")
				b.ReportMetric(eval*scaleEval, "eval-s/70k")
				b.ReportMetric(evalCPU*scaleEval, "eval-cpu-s/70k")
				b.ReportMetric(100*eval*scaleEval/(train*scaleTrain), "eval-%")
			}
		})
	}
}

// timed returns the wall and CPU seconds that f takes.
func timed(f func()) (wall, cpu float64) {
	start, cpu0 := time.Now(), sweepCPUTime()
	f()
	return time.Since(start).Seconds(), (sweepCPUTime() - cpu0).Seconds()
}

// BenchmarkBayesStages times the stages of the Bayesian pass of a float32
// and a float64 784-501-501-10 network on the first 1024 test images, on
// one goroutine: the sparse first layer with its activations (first), the
// two products of the hidden layer (hidden) and of the output layer
// (output), and the activations of the hidden layer (erf). Besides the
// mean time per sample it reports the least (min-ns/sample), which a
// shared machine disturbs less.
func BenchmarkBayesStages(b *testing.B) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		net, x, _ := evalNet(b, dt)
		r := predictChunk
		x = x[:r*784]
		p, err := newPredictor(net, false, true)
		if err != nil {
			b.Fatal(err)
		}
		p.first = newSparseFirst(p, background(x, 784))
		var sp sparseInputs
		if !sp.build(x, r, 784, p.first.b) {
			b.Fatal("inputs too dense")
		}
		if dt == tensor.Float32 {
			benchStages(b, "float32", p.bayes32, net, &sp, p.first.bayes32())
		} else {
			benchStages(b, "float64", p.bayes64, net, &sp, p.first.bayes64())
		}
	}
}

func benchStages[T ops.Float](b *testing.B, name string, bw *bayesWeights[T], net *Network, sp *sparseInputs, first *ops.SparseProduct[T]) {
	r := len(sp.starts) - 1
	ws := new(bayesScratch[T])
	K0, K, K2 := net.layers[0].K, net.layers[1].K, net.layers[2].K
	h := slices.Clone(bw.sparseFirst(ws, first, sp, K0, r))
	d, ld := slices.Clone(ws.d2), first.Stride()/2
	z, s2 := make([]T, r*K), make([]T, r*K)
	z2, s22 := make([]T, r*K2), make([]T, r*K2)
	h2, d2, zs := make([]T, r*K), make([]T, r*K), make([]T, r*K)
	stages := []struct {
		name string
		f    func()
	}{
		{"first", func() { bw.sparseFirst(ws, first, sp, K0, r) }},
		{"hidden", func() {
			gemmOf(z, h, bw.mt[1], r, K, K, ld, 0)
			fillRows(s2, bw.rowSum[1])
			gemmOf(s2, d, bw.sqt[1], r, K, K, ld, 1)
		}},
		{"output", func() {
			gemmOf(z2, h2, bw.mt[2], r, K, K2, K, 0)
			fillRows(s22, bw.rowSum[2])
			gemmOf(s22, d2, bw.sqt[2], r, K, K2, K, 1)
		}},
		{"erf", func() { ops.ErfRatio(h2, d2, z, s2) }},
		// ω 100 times larger: most units saturated, as in a trained network.
		{"erf-saturated", func() { ops.ErfRatio(h2, d2, zs, s2) }},
	}
	stages[1].f() // the inputs of the later stages
	for j, v := range z {
		zs[j] = 100 * v
	}
	for _, st := range stages {
		b.Run(name+"/"+st.name, func(b *testing.B) {
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				start := time.Now()
				st.f()
				best = min(best, time.Since(start))
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N*r)*1e9, "ns/sample")
			b.ReportMetric(best.Seconds()/float64(r)*1e9, "min-ns/sample")
		})
	}
}

// BenchmarkPredictSetup times what every Predict, PredictBayes and Errors
// call prepares before its first chunk, on a 784-501-501-10 network of
// each float type: the weights of both passes (newPredictor) and the
// sparse first layer for the background of the 10,000 test images
// (newSparseFirst). For scale, errors32 times a whole Errors call on the
// test images (float32): checks, set-up and both passes.
func BenchmarkPredictSetup(b *testing.B) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		net, x, y := evalNet(b, dt)
		bg := background(x, 784)
		b.Run(dt.String(), func(b *testing.B) {
			for b.Loop() {
				p, err := newPredictor(net, true, true)
				if err != nil {
					b.Fatal(err)
				}
				if newSparseFirst(p, bg) == nil {
					b.Fatal("no sparse first layer")
				}
			}
		})
		if dt == tensor.Float32 {
			b.Run("errors32", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := net.Errors(x, y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
