//go:build unix

package mpnet

import (
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
)

// evalNet returns an initialised 784-501-501-10 MF network (ArgMax output)
// and M standard-normal samples, the shape of a W1 evaluation.
func evalNet(b *testing.B, M int, dt tensor.Dtype) (*Network, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := New(Config{Widths: []int{784, 501, 501, 10}, Kinds: Kinds(MF, 3, 10), Dtype: dt}, rng)
	if err != nil {
		b.Fatal(err)
	}
	if err := net.Init(1, rng); err != nil {
		b.Fatal(err)
	}
	x := make([]float64, M*784)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return net, x
}

// BenchmarkPredict times the evaluation of 10240 samples by a
// 784-501-501-10 network: point-wise with the packed hidden layers
// (Predict), point-wise with dense products only (the reference), and
// Bayesian (PredictBayes) of a float64 and of a float32 network, each with
// the BLAS of the build ("default") and with package gemm registered.
// Besides ns/op it reports the time per sample, the process CPU time per
// sample (on a shared machine: the work, not the waiting) and
// s/70k, the wall time for the 60000 + 10000 samples of MNIST at this rate.
func BenchmarkPredict(b *testing.B) {
	const M = 10240
	net, x := evalNet(b, M, tensor.Float64)
	net32, _ := evalNet(b, M, tensor.Float32)
	dst := make([]int, M)
	blasVariants(func(blas string) {
		for _, mode := range []string{"packed", "dense", "bayes64", "bayes32"} {
			b.Run(blas+"/"+mode, func(b *testing.B) {
				n := net
				if mode == "bayes32" {
					n = net32
				}
				p, err := newPredictor(n, mode == "bayes64" || mode == "bayes32")
				if err != nil {
					b.Fatal(err)
				}
				if mode == "dense" {
					clear(p.packed)
				}
				cpu0 := sweepCPUTime()
				b.ResetTimer()
				for b.Loop() {
					p.run(dst, x)
				}
				b.StopTimer()
				perSample := b.Elapsed().Seconds() / float64(b.N*M)
				b.ReportMetric(perSample*1e9, "ns/sample")
				b.ReportMetric((sweepCPUTime()-cpu0).Seconds()/float64(b.N*M)*1e9, "cpu-ns/sample")
				b.ReportMetric(perSample*70000, "s/70k")
			})
		}
	})
}

// BenchmarkEvalShare measures what ALGORITHMS §12 evaluation costs next to
// training, for a float32 784-501-501-10 network of each kind: the time of
// one training epoch of MNIST (469 sweeps of batch 128, extrapolated from 3
// timed sweeps) and of the point-wise and Bayesian evaluation of its
// 60000 + 10000 samples (extrapolated from 10240 samples). It reports both
// in seconds, their CPU times, and eval-% = evaluation ÷ training, with the
// BLAS of the build ("default") and with package gemm registered. Run with
// -benchtime 1x; BPI sweeps take seconds before the vector kernels.
func BenchmarkEvalShare(b *testing.B) {
	const M, sweeps, epochSweeps, evalSamples = 10240, 3, 469, 70000
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	_, x := evalNet(b, M, tensor.Float32)
	dst := make([]int, M)
	blasVariants(func(blas string) {
		for _, k := range []Kind{MF, AMP, BPI} {
			b.Run(blas+"/"+k.String(), func(b *testing.B) {
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
						for _, bayes := range []bool{false, true} {
							if err := net.predict(dst, x, bayes); err != nil {
								b.Fatal(err)
							}
						}
					})
					scaleTrain, scaleEval := float64(epochSweeps)/sweeps, float64(evalSamples)/M
					b.ReportMetric(train*scaleTrain, "train-s/epoch")
					b.ReportMetric(trainCPU*scaleTrain, "train-cpu-s/epoch")
					b.ReportMetric(eval*scaleEval, "eval-s/70k")
					b.ReportMetric(evalCPU*scaleEval, "eval-cpu-s/70k")
					b.ReportMetric(100*eval*scaleEval/(train*scaleTrain), "eval-%")
				}
			})
		}
	})
}

// timed returns the wall and CPU seconds that f takes.
func timed(f func()) (wall, cpu float64) {
	start, cpu0 := time.Now(), sweepCPUTime()
	f()
	return time.Since(start).Seconds(), (sweepCPUTime() - cpu0).Seconds()
}

// blasVariants calls f("default") with the BLAS of the build, then
// f("gemm") with package gemm registered, and restores the former.
func blasVariants(f func(blas string)) {
	old64, old32 := blas64.Implementation(), blas32.Implementation()
	defer func() {
		blas64.Use(old64)
		blas32.Use(old32)
	}()
	f("default")
	gemm.Register()
	f("gemm")
}
