package pasp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
)

// goldenTol is the relative tolerance of the golden trajectories with the
// scalar CPU kernels: 0, every bit of the state must match the fixture (a
// refactor is bit-identical).
const goldenTol = 0

// goldenVec64 and goldenVec32 are the relative tolerances of the float64
// and float32 trajectories with the vector CPU kernels (see
// TestGoldenTrajectories); measured: float64 within 1e-12 of the fixture,
// float32 within 5e-7.
const (
	goldenVec64 = 1e-12
	goldenVec32 = 1e-6
)

// goldenCase is one fixed trajectory of the golden guard.
type goldenCase struct {
	name    string
	hidden  mpnet.Kind
	tauMax  int
	density float64
	r       float64 // initial reinforcement (γ when focusY > 0)
	rstep   float64
	focusY  float64
}

var goldenCases = []goldenCase{
	{name: "bp-tau2", hidden: mpnet.BP, tauMax: 2},
	{name: "bpi", hidden: mpnet.BPI},
	{name: "mf", hidden: mpnet.MF},
	{name: "amp-tau2", hidden: mpnet.AMP, tauMax: 2},
	{name: "cbpi", hidden: mpnet.CBPI},
	{name: "bpi-sparse", hidden: mpnet.BPI, density: 0.5},
	{name: "mf-sparse", hidden: mpnet.MF, density: 0.5},
	{name: "cbpi-sparse", hidden: mpnet.CBPI, density: 0.6},
	{name: "bpi-focus", hidden: mpnet.BPI, focusY: 3, r: 0.2, rstep: 0.05},
	{name: "bpi-r", hidden: mpnet.BPI, r: 0.1, rstep: 0.02, tauMax: 3},
	{name: "mf-r", hidden: mpnet.MF, r: 0.1, rstep: 0.02, tauMax: 3},
	{name: "amp-r", hidden: mpnet.AMP, r: 0.05, rstep: 0.01},
}

// goldenRecorder keeps every evaluation and the change of every step.
type goldenRecorder struct{ g testutil.Golden }

func (r *goldenRecorder) Init(*Stats) error { return nil }
func (r *goldenRecorder) Record(ev Event, s *Stats) error {
	if ev == StepEnd {
		r.g.Add("change", s.Change)
		return nil
	}
	e := s.Eval
	r.g.Add("eval", float64(e.Epoch), e.TrainError, e.TestError, e.TrainErrorBayes, e.TestErrorBayes)
	r.g.Add("q0", e.Q0...)
	r.g.Add("qab", e.Qab...)
	return nil
}

// goldenRun trains c for one epoch of 5 mini-batches (then one more Step)
// and returns the final state of the network.
func goldenRun(t *testing.T, c goldenCase, classes int, dt tensor.Dtype) testutil.Golden {
	const N0, M, B = 13, 40, 8
	train, test := testutil.LinearTeacherSet(M, N0, classes, 1, 3), testutil.LinearTeacherSet(24, N0, classes, 2, 3)
	out := 1
	if classes > 2 {
		out = classes
	}
	cfg := mpnet.Config{Widths: []int{N0, 9, 7, out}, Kinds: mpnet.Kinds(c.hidden, 3, classes), Dtype: dt}
	if c.density > 0 {
		cfg.Density = []float64{c.density, c.density, 1}
	}
	s := DefaultSettings(c.hidden, 3, classes)
	s.BatchSize, s.Seed, s.TauMax = B, 17, max(c.tauMax, 1)
	s.RStep = c.rstep
	if c.r != 0 {
		s.R = []float64{c.r}
	}
	if c.focusY != 0 {
		s.FocusY = []float64{c.focusY, c.focusY, 0}
	}
	g := testutil.Golden{}
	s.Recorder = &goldenRecorder{g}
	tr, err := New(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Fit(context.Background(), train, test); err != nil {
		t.Fatal(err)
	}
	st, err := tr.Step(test.X[:B*N0], test.Y[:B])
	if err != nil {
		t.Fatal(err)
	}
	g.Add("step", float64(st.Iterations), st.Change)
	net := tr.Network()
	for l := 0; l < net.L(); l++ {
		g.Add(fmt.Sprint("m", l), net.M(l)...)
		g.Add(fmt.Sprint("h", l), net.H(l)...)
		g.Add(fmt.Sprint("hext", l), net.Hext(l)...)
		g.Add(fmt.Sprint("mask", l), net.Mask(l)...)
		if net.Kind(l) == mpnet.CBPI {
			g.Add(fmt.Sprint("omega", l), net.Omega(l)...)
			g.Add(fmt.Sprint("omegaext", l), net.Omegaext(l)...)
		}
	}
	pred := make([]int, test.M)
	for _, bayes := range []bool{false, true} {
		f := net.Predict
		if bayes {
			f = net.PredictBayes
		}
		if err := f(pred, test.X); err != nil {
			t.Fatal(err)
		}
		for _, p := range pred {
			g.Add(fmt.Sprint("predict-bayes-", bayes), float64(p))
		}
	}
	return g
}

// TestGoldenTrajectories replays a fixed trajectory of every layer kind
// (BP and AMP at τmax = 2, BPI, MF, CBPI; sparse masks, focusing, r > 0),
// with a sign and an ArgMax output, in float64 and float32, and compares the
// final state with testdata/golden/pasp.json. With the reference kernels —
// the scalar CPU kernels (ops.SetCPUKernels("scalar")) and gonum's pure-Go
// BLAS (gemm.Unregister) — the comparison is bit for bit. With the fast
// path every program gets by default — the vector kernels this CPU selects
// and package gemm's matrix products, which importing ops registers — it is
// at tolerances goldenVec64 and goldenVec32: the vector kernels evaluate the
// same functions with other polynomials and another operation order
// (ops/bpi_vec.go) and gemm sums the products with fused multiply-adds in
// another order, so the low bits of every message differ, and the
// trajectories, which feed the messages back for several sweeps, drift apart
// by more than one rounding (float32 kernels compute in float32 throughout,
// where the scalar ones widen to float64).
// Regenerate the fixture (only for a change that is shown to be right, and
// only from the reference run) with go test ./pasp -run Golden -update-golden.
func TestGoldenTrajectories(t *testing.T) {
	t.Run("scalar", func(t *testing.T) { goldenAt(t, "scalar", false, goldenTol, goldenTol) })
	if *testutil.UpdateGolden {
		return
	}
	t.Run(ops.CPUKernels()+"+gemm", func(t *testing.T) { goldenAt(t, ops.CPUKernels(), true, goldenVec64, goldenVec32) })
}

// goldenAt runs every golden case with the CPU kernels at level and, when
// fastBLAS is set, package gemm's matrix products (gonum's otherwise), and
// compares with the fixture at relative tolerance tol64 (float64 cases) and
// tol32 (float32 cases).
func goldenAt(t *testing.T, level string, fastBLAS bool, tol64, tol32 float64) {
	old, oldBLAS := ops.CPUKernels(), gemm.Registered()
	if err := ops.SetCPUKernels(level); err != nil {
		t.Fatal(err)
	}
	useGemm(fastBLAS)
	defer func() {
		ops.SetCPUKernels(old)
		useGemm(oldBLAS)
	}()
	all := testutil.Golden{}
	for _, c := range goldenCases {
		for _, classes := range []int{2, 4} {
			for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				name := fmt.Sprintf("%s/%dclass/%v", c.name, classes, dt)
				for k, v := range goldenRun(t, c, classes, dt) {
					all[name+"/"+k] = v
				}
			}
		}
	}
	for _, c := range []struct {
		dt  tensor.Dtype
		tol float64
	}{{tensor.Float64, tol64}, {tensor.Float32, tol32}} {
		msgs, err := testutil.CheckGolden(testutil.GoldenPath(1, "pasp.json"), all, c.tol)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m, fmt.Sprintf("/%v/", c.dt)) {
				t.Error(m)
			}
		}
	}
}

// useGemm registers package gemm as the BLAS when on is set and restores
// gonum's otherwise.
func useGemm(on bool) {
	if on {
		gemm.Register()
	} else {
		gemm.Unregister()
	}
}
