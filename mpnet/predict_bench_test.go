//go:build unix

package mpnet

import (
	"math/rand/v2"
	"testing"

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
// gonum's BLAS and with package gemm registered. Besides ns/op it reports the time per sample, the process CPU
// time per sample (on a shared machine: the work, not the waiting) and
// s/70k, the wall time for the 60000 + 10000 samples of MNIST at this rate.
func BenchmarkPredict(b *testing.B) {
	const M = 10240
	net, x := evalNet(b, M, tensor.Float64)
	net32, _ := evalNet(b, M, tensor.Float32)
	dst := make([]int, M)
	old64, old32 := blas64.Implementation(), blas32.Implementation()
	defer func() {
		blas64.Use(old64)
		blas32.Use(old32)
	}()
	for _, blas := range []string{"gonum", "gemm"} {
		if blas == "gemm" {
			gemm.Register()
		}
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
	}
}
