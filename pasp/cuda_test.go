//go:build fbpcuda

package pasp

import (
	"context"
	"math"
	"os"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
)

// TestGPUEpochMatchesCPU trains workload W1 (784-501-501-10 ArgMax, batch
// 128, τmax = 1, float32, the spec's hyper-parameters) for one epoch on the
// CPU and on the GPU from the same seed and data order, for MF, AMP and BPI,
// and compares the weight means and the test errors: max |m_cpu − m_gpu|
// < 1e-4 and errors within 0.2 points. The data are the full MNIST in
// $FBP_DATA/mnist if set (as gpu-check does), else the embedded subset.
func TestGPUEpochMatchesCPU(t *testing.T) {
	train, test := gpuData(t)
	for _, k := range []mpnet.Kind{mpnet.MF, mpnet.AMP, mpnet.BPI} {
		t.Run(k.String(), func(t *testing.T) {
			run := func(d ops.Device) (*Trainer, *Result) {
				cfg := mpnet.Config{Widths: []int{train.N, 501, 501, 10}, Kinds: mpnet.Kinds(k, 3, 10), Dtype: tensor.Float32}
				s := DefaultSettings(k, 3, 10)
				s.Epochs, s.Seed, s.TrainEval = 1, 7, 1000
				tr, err := New(cfg, s)
				if err != nil {
					t.Fatal(err)
				}
				if d != nil {
					if err := tr.Network().To(d); err != nil {
						t.Fatal(err)
					}
				}
				res, err := tr.Fit(context.Background(), train, test)
				if err != nil {
					t.Fatal(err)
				}
				return tr, res
			}
			dev, err := ops.OpenCUDA() // a fresh device: its peak memory is this run's
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			cpu, rc := run(nil)
			gpu, rg := run(dev)
			_, peak := dev.Memory()
			var worst float64
			for l := 0; l < 3; l++ {
				a, b := cpu.Network().M(l), gpu.Network().M(l)
				for i := range a {
					if d := math.Abs(a[i] - b[i]); d > worst || d != d {
						worst = d
					}
				}
			}
			ec, eg := rc.Stats.Eval, rg.Stats.Eval
			t.Logf("%v: epoch CPU %.2f s, GPU %.3f s (peak GPU memory %.1f MiB, training set included); max |m_cpu − m_gpu| = %.3g; test error CPU %.2f %% (Bayes %.2f), GPU %.2f %% (Bayes %.2f)",
				k, ec.EpochSeconds, eg.EpochSeconds, float64(peak)/(1<<20), worst, ec.TestError, ec.TestErrorBayes, eg.TestError, eg.TestErrorBayes)
			if worst >= 1e-4 {
				t.Errorf("max |m_cpu − m_gpu| = %.3g after one epoch, want < 1e-4", worst)
			}
			if math.Abs(ec.TestError-eg.TestError) > 0.2 || math.Abs(ec.TestErrorBayes-eg.TestErrorBayes) > 0.2 {
				t.Errorf("test errors differ by more than 0.2 points")
			}
		})
	}
}

// gpuData returns standardised MNIST: $FBP_DATA/mnist, or the embedded subset.
func gpuData(t *testing.T) (train, test *data.Set) {
	source, dir := "embedded", ""
	if d := os.Getenv("FBP_DATA"); d != "" {
		source, dir = "mnist", d
	}
	train, test, err := data.Load(source, dir)
	if err != nil {
		t.Fatal(err)
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		t.Fatal(err)
	}
	return train, test
}
