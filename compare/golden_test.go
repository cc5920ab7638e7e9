package compare

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/pasp"
)

// goldenRecorder keeps every evaluation and the change of every step.
type goldenRecorder struct {
	g    testutil.Golden
	name string
}

func (r *goldenRecorder) Init(*pasp.Stats) error { return nil }
func (r *goldenRecorder) Record(ev pasp.Event, s *pasp.Stats) error {
	if ev == pasp.StepEnd {
		r.g.Add(r.name+"/change", s.Change)
		return nil
	}
	e := s.Eval
	r.g.Add(r.name+"/eval", float64(e.Epoch), e.TrainError, e.TestError, e.TrainErrorBayes, e.TestErrorBayes)
	r.g.Add(r.name+"/q0", e.Q0...)
	r.g.Add(r.name+"/qab", e.Qab...)
	return nil
}

// TestGoldenBaselines trains BinaryNet (binary and continuous, float64 and
// float32) and EBP (binary and Gaussian) for 2 epochs on a small synthetic
// set, with a sign and a 3-class output, and compares the weights and the
// recorded errors with testdata/golden/compare.json: bit for bit with
// gonum's pure-Go BLAS (gemm.Unregister), the reference the fixture was
// made with, and within 1e-12 (float64) and 1e-6 (float32) relative with
// package gemm's products, which importing ops registers by default and
// which sum with fused multiply-adds in another order (measured: 1.2e-16
// and 1.2e-7). Regenerate, from the reference run only, with
// go test ./compare -run Golden -update-golden.
func TestGoldenBaselines(t *testing.T) {
	defer gemm.Register()
	gemm.Unregister()
	t.Run("gonum", func(t *testing.T) { goldenBaselines(t, 0, 0) })
	if *testutil.UpdateGolden {
		return
	}
	gemm.Register()
	t.Run("gemm", func(t *testing.T) { goldenBaselines(t, 1e-12, 1e-6) })
}

// goldenBaselines runs the golden cases and compares them with the fixture
// at relative tolerance tol64 (float64 values) and tol32 (float32 ones).
func goldenBaselines(t *testing.T, tol64, tol32 float64) {
	const N0, M, B = 11, 48, 8
	g := testutil.Golden{}
	ctx := context.Background()
	for _, classes := range []int{2, 3} {
		out := classes
		if classes == 2 {
			out = 1
		}
		train, test := testutil.LinearTeacherSet(M, N0, classes, 1, 5), testutil.LinearTeacherSet(20, N0, classes, 2, 5)
		widths := []int{N0, 7, 5, out}
		for _, binary := range []bool{true, false} {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				name := fmt.Sprintf("binarynet/%dclass/binary=%v/%v", classes, binary, dt)
				s := DefaultBinaryNetSettings()
				s.Binary, s.Dtype, s.BatchSize, s.Epochs, s.Seed = binary, dt, B, 2, 9
				s.LR = 0.01
				s.Density = []float64{0.7, 1, 1}
				s.Recorder = &goldenRecorder{g, name}
				bn, err := NewBinaryNet(widths, s)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := bn.Fit(ctx, train, test); err != nil {
					t.Fatal(name, err)
				}
				for l := 0; l < bn.L(); l++ {
					g.Add(fmt.Sprint(name, "/w", l), bn.Weights(l)...)
				}
			}
		}
		for _, wm := range []EBPWeights{EBPBinary, EBPGaussian} {
			name := fmt.Sprintf("ebp/%dclass/%v", classes, wm)
			s := &EBPSettings{Widths: widths, Weights: wm, BatchSize: 4, Epochs: 2, Seed: 9}
			s.Recorder = &goldenRecorder{g, name}
			e, err := NewEBP(s)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Fit(ctx, train, test); err != nil {
				t.Fatal(name, err)
			}
			for l := 0; l < len(widths)-1; l++ {
				g.Add(fmt.Sprint(name, "/mean", l), e.Mean(l)...)
				g.Add(fmt.Sprint(name, "/field", l), e.Field(l)...)
			}
		}
	}
	for _, c := range []struct {
		dt  string
		tol float64
	}{{"float64", tol64}, {"float32", tol32}} {
		msgs, err := testutil.CheckGolden(testutil.GoldenPath(1, "compare.json"), g, c.tol)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if !strings.Contains(m, "/float") || strings.Contains(m, "/"+c.dt+"/") {
				t.Error(m)
			}
		}
	}
}
