package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/testutil"
)

// checkExport exports net with the given batch size and checks that the
// Gorgonia graph predicts exactly what net.Predict does on x.
func checkExport(t *testing.T, name string, net *Network, batch int, x []float64) {
	t.Helper()
	M := len(x) / net.cfg.Widths[0]
	want := make([]int, M)
	if err := net.Predict(want, x); err != nil {
		t.Fatal(err)
	}
	e, err := net.Export(batch)
	if err != nil {
		t.Fatalf("%s: Export(%d): %v", name, batch, err)
	}
	got := make([]int, M)
	if err := e.Predict(got, x); err != nil {
		t.Fatalf("%s: Exported.Predict: %v", name, err)
	}
	differ := 0
	for n := range want {
		if got[n] != want[n] {
			if differ == 0 {
				t.Errorf("%s (batch %d): sample %d: graph predicts %d, Predict %d", name, batch, n, got[n], want[n])
			}
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("%s (batch %d): %d of %d predictions differ", name, batch, differ, M)
	}
}

// trainNoPanic is trainSteps with a panic in training turned into a test
// failure, so that one broken kind does not hide the other cases.
func trainNoPanic(t *testing.T, cfg Config, seed uint64, steps, tau int, rho, psi []float64) (net *Network) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("training (not the export) panicked: %v", p)
		}
	}()
	return trainSteps(t, cfg, seed, steps, tau, rho, psi)
}

// testInputs returns M Gaussian samples followed by samples with entries in
// {−1, 0, +1} (many exact ties in the first layer) and two all-zero rows.
func testInputs(rng *rand.Rand, N, M int) []float64 {
	x := make([]float64, 0, (2*M+2)*N)
	for range M * N {
		x = append(x, rng.NormFloat64())
	}
	for range M * N {
		x = append(x, float64(rng.IntN(3)-1))
	}
	return append(x, make([]float64, 2*N)...)
}

func TestPointWeights(t *testing.T) {
	cfg := Config{Widths: []int{9, 6, 3}, Kinds: Kinds(MF, 2, 3), Density: []float64{0.5}}
	net := trainNoPanic(t, cfg, 4, 2, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
	for l := 0; l < net.L(); l++ {
		m, mask, w := net.M(l), net.Mask(l), net.PointWeights(l)
		K, N := net.Shape(l)
		if len(w) != K*N {
			t.Fatalf("layer %d: %d weights, want %d", l, len(w), K*N)
		}
		for i := range w {
			want := sign(m[i]) * mask[i]
			if w[i] != want {
				t.Fatalf("layer %d weight %d: %v, want sign(%v)·%v = %v", l, i, w[i], m[i], mask[i], want)
			}
		}
	}
}

// TestSignTieBreak checks the activation node on ties: Sign(z + 1e-10) of
// Gorgonia's tensor engine equals Predict's sign(z + 1e-10) for zeros of
// either sign, tiny values and the one value that still ties after the
// tie-break; NaN stays NaN in the graph (Predict gives 0).
func TestSignTieBreak(t *testing.T) {
	z := []float64{0, math.Copysign(0, -1), -1e-10, -1e-10 * (1 + 1e-15), -2e-10, 1e-300, -1e-300,
		5e-324, -5e-324, 3, -3, math.Inf(1), math.Inf(-1), math.NaN()}
	g := gorgonia.NewGraph()
	in := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(1, len(z)), gorgonia.WithName("z"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, len(z)), tensor.WithBacking(append([]float64(nil), z...)))))
	out, err := signTieBreak(in, gorgonia.NewConstant(tieBreak))
	if err != nil {
		t.Fatal(err)
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := out.Value().Data().([]float64)
	for i, v := range z {
		want := sign(v + tieBreak)
		if math.IsNaN(v) {
			if !math.IsNaN(got[i]) {
				t.Errorf("Sign(NaN + 1e-10) = %v, want NaN", got[i])
			}
			continue
		}
		if got[i] != want {
			t.Errorf("Sign(%v + 1e-10) = %v, want %v", v, got[i], want)
		}
	}
	if got[0] != 1 || got[1] != 1 || got[2] != 0 {
		t.Errorf("ties: Sign(0 + 1e-10), Sign(−0 + 1e-10), Sign(−1e-10 + 1e-10) = %v, want 1 1 0", got[:3])
	}
}

// TestExportMatchesPredict checks every kind, one sign output and 10
// classes, with masks in both storages, at batch sizes that divide the
// sample count and not.
func TestExportMatchesPredict(t *testing.T) {
	for _, dense := range []bool{true, false} {
		for _, k := range []Kind{BPI, BP, MF, AMP} {
			for _, out := range []int{1, 10} {
				name := fmt.Sprintf("%v/%d-outputs/dense=%v", k, out, dense)
				t.Run(name, func(t *testing.T) {
					widths := []int{30, 21, 15, out}
					cfg := Config{Widths: widths, Kinds: Kinds(k, 3, max(out, 2)),
						Density: []float64{0.7, 0.6, 0.9}, DenseStorage: dense}
					net := trainNoPanic(t, cfg, 9, 4, 2, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
					rng := rand.New(rand.NewPCG(8, uint64(out)))
					x := testInputs(rng, widths[0], 200) // 402 samples
					for _, batch := range []int{1, 64, 402} {
						checkExport(t, name, net, batch, x)
					}
				})
			}
		}
	}
}

// TestExportTies uses untrained networks (weights ±1 or 0 after the masks)
// and inputs in {−1, 0, +1}, so that many pre-activations and class scores
// tie exactly.
func TestExportTies(t *testing.T) {
	for _, out := range []int{1, 4} {
		widths := []int{8, 6, 6, out}
		rng := rand.New(rand.NewPCG(3, uint64(out)))
		net := initNet(t, Config{Widths: widths, Kinds: Kinds(MF, 3, max(out, 2)), Density: []float64{0.8}}, rng)
		M := 300
		x := make([]float64, M*widths[0])
		for i := range x {
			x[i] = float64(rng.IntN(3) - 1)
		}
		// The inputs must produce ties in the first layer, or the test is moot.
		ties := 0
		w := net.PointWeights(0)
		for n := 0; n < M; n++ {
			for k := 0; k < widths[1]; k++ {
				var z float64
				for i := 0; i < widths[0]; i++ {
					z += w[k*widths[0]+i] * x[n*widths[0]+i]
				}
				if z == 0 {
					ties++
				}
			}
		}
		if ties < 100 {
			t.Fatalf("only %d first-layer ties", ties)
		}
		checkExport(t, "ties", net, 37, x)
	}
}

// TestExportFloat32 checks float32 networks: the graph is float64.
func TestExportFloat32(t *testing.T) {
	for _, k := range []Kind{MF, AMP} {
		for _, out := range []int{1, 10} {
			for _, dense := range []bool{true, false} {
				name := fmt.Sprintf("%v/%d-outputs/dense=%v", k, out, dense)
				t.Run(name, func(t *testing.T) {
					widths := []int{25, 13, out}
					cfg := Config{Widths: widths, Kinds: Kinds(k, 2, max(out, 2)), Density: []float64{0.8},
						Dtype: tensor.Float32, DenseStorage: dense}
					net := trainNoPanic(t, cfg, 5, 3, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
					if net.Dtype() != tensor.Float32 {
						t.Fatal("not a float32 network")
					}
					e, err := net.Export(50)
					if err != nil {
						t.Fatal(err)
					}
					if dt := e.Output.Dtype(); dt != tensor.Float64 {
						t.Errorf("output dtype %v, want float64", dt)
					}
					rng := rand.New(rand.NewPCG(2, uint64(out)))
					checkExport(t, name, net, 50, testInputs(rng, widths[0], 150))
				})
			}
		}
	}
}

// TestExportMNIST trains on the embedded MNIST subset for a few PasP
// mini-batches and compares the two predictors on the 2,000 test images.
func TestExportMNIST(t *testing.T) {
	trainSet, testSet := testutil.Embedded(t, false)
	steps := 10
	if testing.Short() {
		steps = 3
	}
	for _, tc := range []struct {
		hidden  Kind
		classes int
	}{{MF, 10}, {MF, 2}} {
		trn, tst := trainSet, testSet
		out := tc.classes
		if tc.classes == 2 {
			var err error
			if trn, tst, err = data.TwoClass(trainSet, testSet); err != nil {
				t.Fatal(err)
			}
			out = 1
		}
		cfg := Config{Widths: []int{trn.N, 101, 101, out}, Kinds: Kinds(tc.hidden, 3, tc.classes)}
		rng := rand.New(rand.NewPCG(1, 1))
		net := initNet(t, cfg, rng)
		const B = 128
		for s := 0; s < steps; s++ {
			if err := net.SetPrior([]float64{1 + 1e-4, 1 + 1e-4, 0.9}, 0); err != nil {
				t.Fatal(err)
			}
			if err := net.SetBatch(trn.X[s*B*trn.N:(s+1)*B*trn.N], trn.Y[s*B:(s+1)*B]); err != nil {
				t.Fatal(err)
			}
			if _, err := net.Iterate([]float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}); err != nil {
				t.Fatal(err)
			}
		}
		pointwise, _, err := net.Errors(tst.X, tst.Y)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v, %d classes: test error %.2f%% after %d mini-batches", tc.hidden, tc.classes, pointwise, steps)
		checkExport(t, "mnist", net, 256, tst.X)
	}
}

func TestExportErrors(t *testing.T) {
	cfg := Config{Widths: []int{5, 3, 1}, Kinds: Kinds(MF, 2, 2)}
	net := trainNoPanic(t, cfg, 1, 1, 1, []float64{1, 1}, []float64{0.5, 0.5})
	if _, err := net.Export(0); err == nil {
		t.Error("Export(0): no error")
	}
	if _, err := net.ExportTo(nil); err == nil {
		t.Error("ExportTo(nil): no error")
	}
	g := gorgonia.NewGraph()
	for name, x := range map[string]*gorgonia.Node{
		"float32": gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(4, 5)),
		"width":   gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 6)),
		"vector":  gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(5)),
	} {
		if _, err := net.ExportTo(x); err == nil {
			t.Errorf("ExportTo(%s): no error", name)
		}
	}
	e, err := net.Export(4)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Predict(make([]int, 3), make([]float64, 14)); err == nil {
		t.Error("Predict with 14 inputs for 3 samples: no error")
	}
	if err := e.Predict(nil, nil); err != nil {
		t.Errorf("Predict of no samples: %v", err)
	}
}

// TestExportToLargerGraph places the network in a graph that holds other,
// unset inputs and feeds its output to a further node.
func TestExportToLargerGraph(t *testing.T) {
	cfg := Config{Widths: []int{7, 5, 3}, Kinds: Kinds(BPI, 2, 3)}
	net := trainNoPanic(t, cfg, 2, 2, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
	g := gorgonia.NewGraph()
	gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("unrelated"))
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(16, 7), gorgonia.WithName("x"))
	e, err := net.ExportTo(x)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gorgonia.Sum(e.Output); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	xs := testInputs(rng, 7, 20)
	want := make([]int, len(xs)/7)
	got := make([]int, len(want))
	if err := net.Predict(want, xs); err != nil {
		t.Fatal(err)
	}
	if err := e.Predict(got, xs); err != nil {
		t.Fatal(err)
	}
	for n := range want {
		if got[n] != want[n] {
			t.Fatalf("sample %d: graph %d, Predict %d", n, got[n], want[n])
		}
	}
}
