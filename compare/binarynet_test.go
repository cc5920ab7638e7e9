package compare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// bnFit trains a new BinaryNet of the given widths with s on train (and
// test, if not nil) and returns it with the result; an error fails t.
func bnFit(t *testing.T, widths []int, s *BinaryNetSettings, train, test *data.Set) (*BinaryNet, *pasp.Result) {
	t.Helper()
	bn, err := NewBinaryNet(widths, s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := bn.Fit(context.Background(), train, test)
	if err != nil {
		t.Fatalf("%v, loss %q, %v: %v", widths, s.Loss, s.Dtype, err)
	}
	return bn, res
}

// bnTeacherSet returns m samples of n ±1 inputs labelled by a random binary
// teacher perceptron: ±1 labels (classes = 2, one output) or, for
// classes ≥ 3, the argmax of `classes` binary teacher units.
func bnTeacherSet(m, n, classes int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	units := max(classes, 2)
	if classes == 2 {
		units = 1
	}
	teacher := make([]float64, units*n)
	for i := range teacher {
		teacher[i] = float64(2*rng.IntN(2) - 1)
	}
	s := &data.Set{X: make([]float64, m*n), Y: make([]int, m), M: m, N: n, Classes: classes, Name: "teacher"}
	for i := 0; i < m; i++ {
		x := s.X[i*n : (i+1)*n]
		for j := range x {
			x[j] = float64(2*rng.IntN(2) - 1)
		}
		best, bestV := 0, math.Inf(-1)
		for k := 0; k < units; k++ {
			var a float64
			for j, v := range x {
				a += teacher[k*n+j] * v
			}
			if a > bestV {
				best, bestV = k, a
			}
		}
		if classes == 2 {
			s.Y[i] = int(mpnet.Sign(bestV + bnTieBreak))
		} else {
			s.Y[i] = best
		}
	}
	return s
}

// bnBitsSet returns m samples of n ±1 inputs in 2^bits classes: the class
// is the number whose bit b is set when teacher perceptron b says +1.
func bnBitsSet(m, n, bits int, seed uint64) *data.Set {
	s := bnTeacherSet(m, n, 2, seed)
	s.Classes = 1 << bits
	for i := range s.Y {
		s.Y[i] = (s.Y[i] + 1) / 2
	}
	for b := 1; b < bits; b++ {
		rng := rand.New(rand.NewPCG(seed, uint64(100+b)))
		teacher := make([]float64, n)
		for j := range teacher {
			teacher[j] = float64(2*rng.IntN(2) - 1)
		}
		for i := range s.Y {
			var a float64
			for j, v := range s.X[i*n : (i+1)*n] {
				a += teacher[j] * v
			}
			if a > 0 {
				s.Y[i] |= 1 << b
			}
		}
	}
	return s
}

// bnReferenceStep is a plain-Go BinaryNet step with vanilla SGD (float64):
// the forward pass, the backward pass through the straight-through
// estimators written out by hand, the update and the clipping. w and masks
// are K×N per layer (masks may be nil); w is updated in place.
func bnReferenceStep(widths []int, w, masks [][]float64, x []float64, y []int, lr float64, binary bool) {
	B, L := len(y), len(widths)-1
	hs := [][]float64{x}
	zs := make([][]float64, L)
	wbs := make([][]float64, L)
	for l := 0; l < L; l++ {
		N, K := widths[l], widths[l+1]
		wb := make([]float64, K*N)
		for i, v := range w[l] {
			wb[i] = v
			if binary {
				wb[i] = steSignOf(v)
			}
			if masks[l] != nil {
				wb[i] *= masks[l][i]
			}
		}
		wbs[l] = wb
		z := make([]float64, B*K)
		for n := 0; n < B; n++ {
			for k := 0; k < K; k++ {
				var a float64
				for i := 0; i < N; i++ {
					a += hs[l][n*N+i] * wb[k*N+i]
				}
				z[n*K+k] = a / math.Sqrt(float64(N))
			}
		}
		zs[l] = z
		h := make([]float64, B*K)
		for j, v := range z {
			h[j] = steSignOf(v)
		}
		hs = append(hs, h)
	}
	C := widths[L]
	dz := make([]float64, B*C) // softmax cross-entropy, averaged over B
	for n := 0; n < B; n++ {
		row := zs[L-1][n*C : (n+1)*C]
		m, s := maxExpSum(row)
		for k, v := range row {
			dz[n*C+k] = math.Exp(v-m) / s / float64(B)
		}
		dz[n*C+y[n]] -= 1 / float64(B)
	}
	for l := L - 1; l >= 0; l-- {
		N, K := widths[l], widths[l+1]
		c := 1 / math.Sqrt(float64(N))
		dh := make([]float64, B*N)
		for k := 0; k < K; k++ {
			for i := 0; i < N; i++ {
				var g float64
				for n := 0; n < B; n++ {
					g += dz[n*K+k] * hs[l][n*N+i]
					dh[n*N+i] += dz[n*K+k] * wbs[l][k*N+i] * c
				}
				g *= c
				if masks[l] != nil {
					g *= masks[l][i+k*N]
				}
				v := w[l][k*N+i] - lr*g
				if binary {
					v = math.Max(-1, math.Min(1, v))
				}
				w[l][k*N+i] = v
			}
		}
		if l > 0 {
			dz = make([]float64, B*N)
			for j, v := range zs[l-1] {
				if math.Abs(v) <= 1 {
					dz[j] = dh[j]
				}
			}
		}
	}
}

func TestBinaryNetStepMatchesReference(t *testing.T) {
	widths := []int{6, 5, 4, 3}
	set := bnTeacherSet(8, 6, 3, 5)
	for _, tc := range []struct {
		binary  bool
		density []float64
		dt      tensor.Dtype
		tol     float64 // float64: rounding of the sums; float32: rounding to float32
	}{
		{true, nil, tensor.Float64, 1e-12},
		{true, []float64{0.6}, tensor.Float64, 1e-12},
		{false, []float64{0.7, 1, 0.8}, tensor.Float64, 1e-12},
		{true, []float64{0.6}, tensor.Float32, 1e-5},
	} {
		t.Run(fmt.Sprintf("binary=%v/density=%v/%v", tc.binary, tc.density, tc.dt), func(t *testing.T) {
			s := &BinaryNetSettings{LR: 0.3, Optimizer: OptimizerSGD, Binary: tc.binary, Density: tc.density, Seed: 9, Dtype: tc.dt}
			bn, err := NewBinaryNet(widths, s)
			if err != nil {
				t.Fatal(err)
			}
			w := make([][]float64, bn.L())
			masks := make([][]float64, bn.L())
			for l := range w {
				w[l], masks[l] = bn.Weights(l), bn.Mask(l)
			}
			// Two steps with two batch sizes: the second graph must see the
			// weights updated through the first.
			for _, b := range [][2]int{{0, 5}, {5, 8}} {
				x, y := set.X[b[0]*6:b[1]*6], set.Y[b[0]:b[1]]
				if _, err := bn.Step(x, y); err != nil {
					t.Fatal(err)
				}
				bnReferenceStep(widths, w, masks, x, y, 0.3, tc.binary)
			}
			for l := range w {
				if msg := testutil.CloseSlices(bn.Weights(l), w[l], tc.tol); msg != "" {
					t.Errorf("layer %d weights: %s", l, msg)
				}
			}
		})
	}
}

func TestBinaryNetLearnsTeacher(t *testing.T) {
	train := bnTeacherSet(600, 31, 2, 1)
	for _, binary := range []bool{true, false} {
		s := &BinaryNetSettings{LR: 0.01, BatchSize: 20, Epochs: 30, Binary: binary, Seed: 4}
		bn, res := bnFit(t, []int{31, 1}, s, train, nil)
		// Measured: 0 % (binary and continuous); a perceptron with ±1
		// weights realises the teacher exactly.
		if e := res.Stats.Eval.TrainError; e > 2 {
			t.Errorf("binary=%v: training error %.2f %% after 30 epochs, want ≤ 2 %%", binary, e)
		}
		if res.Status != pasp.EpochLimit || res.Stats.Epoch != 30 || res.Stats.Steps != 30*30 {
			t.Errorf("binary=%v: status %v, %d epochs, %d steps; want EpochLimit, 30, 900", binary, res.Status, res.Stats.Epoch, res.Stats.Steps)
		}
		if binary {
			for _, v := range bn.Weights(0) {
				if v < -1 || v > 1 {
					t.Fatalf("latent weight %v outside [−1, 1]", v)
				}
			}
		}
	}
}

func TestBinaryNetLosses(t *testing.T) {
	two := bnTeacherSet(400, 21, 2, 2)
	ten := bnBitsSet(400, 21, 2, 2) // 4 classes
	for _, tc := range []struct {
		loss string
		set  *data.Set
		out  int
	}{
		{LossLogistic, two, 1}, {LossSqHinge, two, 1}, {LossCE, ten, 4}, {LossSqHinge, ten, 4},
	} {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			s := &BinaryNetSettings{LR: 0.01, BatchSize: 20, Epochs: 20, Binary: true, Seed: 1, Loss: tc.loss, Dtype: dt}
			_, res := bnFit(t, []int{21, 15, tc.out}, s, tc.set, nil)
			// Chance is 50 % (2 classes) or about 75 % (4 classes); want at
			// most half of it.
			bar := 25.0
			if tc.out > 1 {
				bar = 37.5
			}
			t.Logf("%s, %d outputs, %v: training error %.1f %%", tc.loss, tc.out, dt, res.Stats.Eval.TrainError)
			if e := res.Stats.Eval.TrainError; e > bar {
				t.Errorf("%s, %d outputs, %v: training error %.1f %%, want ≤ %.1f %%", tc.loss, tc.out, dt, e, bar)
			}
		}
	}
}

// bnEventCounter counts the events of a run.
type bnEventCounter struct{ init, steps, epochs int }

func (c *bnEventCounter) Init(*pasp.Stats) error { c.init++; return nil }
func (c *bnEventCounter) Record(ev pasp.Event, _ *pasp.Stats) error {
	if ev == pasp.StepEnd {
		c.steps++
	} else {
		c.epochs++
	}
	return nil
}

func TestBinaryNetDeterministicAndRecorded(t *testing.T) {
	train, test := bnTeacherSet(300, 17, 3, 7), bnTeacherSet(100, 17, 3, 8)
	run := func(seed uint64) (*BinaryNet, *bnEventCounter, string) {
		var buf bytes.Buffer
		c := &bnEventCounter{}
		s := DefaultBinaryNetSettings()
		s.Seed, s.Epochs, s.BatchSize, s.Density = seed, 2, 32, []float64{0.8}
		s.Recorder = pasp.Recorders{c, &pasp.Printer{W: &buf}, &pasp.JSONRecorder{W: &buf}}
		bn, err := NewBinaryNet([]int{17, 11, 3}, s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bn.Fit(context.Background(), train, test); err != nil {
			t.Fatal(err)
		}
		return bn, c, buf.String()
	}
	a, c, out := run(1)
	b, _, _ := run(1)
	d, _, _ := run(2)
	for l := 0; l < a.L(); l++ {
		wa, wb := a.Weights(l), b.Weights(l)
		for i := range wa {
			if !testutil.Identical(wa[i], wb[i]) {
				t.Fatalf("seed 1 twice: layer %d weight %d: %v and %v", l, i, wa[i], wb[i])
			}
		}
	}
	if a.Stats().Eval.TestError != b.Stats().Eval.TestError {
		t.Errorf("seed 1 twice: test errors %v and %v", a.Stats().Eval.TestError, b.Stats().Eval.TestError)
	}
	if fmt.Sprint(a.Weights(0)) == fmt.Sprint(d.Weights(0)) {
		t.Error("seeds 1 and 2 give the same weights")
	}
	// 300/32 = 9 mini-batches per epoch, 2 epochs, epoch 0 evaluated.
	if c.init != 1 || c.steps != 18 || c.epochs != 3 {
		t.Errorf("recorder saw Init %d, StepEnd %d, EpochEnd %d; want 1, 18, 3", c.init, c.steps, c.epochs)
	}
	if lines := strings.Count(out, "\n"); lines != 1+3+3 { // header, 3 epoch lines, 3 JSON objects
		t.Errorf("Printer and JSONRecorder wrote %d lines, want 7:\n%s", lines, out)
	}
	st := a.Stats()
	if st.Steps != 18 || st.Epoch != 2 || st.StepsPerEpoch != 9 || st.Change <= 0 || st.Eval.Epoch != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestMaskedWeightsStayZero(t *testing.T) {
	train := bnTeacherSet(200, 15, 4, 3)
	widths := []int{15, 9, 4}
	for _, binary := range []bool{true, false} {
		s := &BinaryNetSettings{Density: []float64{0.5, 0.7}, Seed: 11, Epochs: 3, BatchSize: 10, LR: 0.05, Binary: binary}
		bn, err := NewBinaryNet(widths, s)
		if err != nil {
			t.Fatal(err)
		}
		// The masks are mpnet's for the same seed (pasp seeds its source the same way).
		tr, err := pasp.New(mpnet.Config{Widths: widths, Kinds: []mpnet.Kind{mpnet.BPI, mpnet.ArgMax}, Density: s.Density},
			&pasp.Settings{Seed: s.Seed, EpsInit: 1})
		if err != nil {
			t.Fatal(err)
		}
		for l := 0; l < 2; l++ {
			if got, want := bn.Mask(l), tr.Network().Mask(l); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("layer %d: mask differs from mpnet's for the same seed", l)
			}
		}
		before := [][]float64{bn.Weights(0), bn.Weights(1)}
		if _, err := bn.Fit(context.Background(), train, nil); err != nil {
			t.Fatal(err)
		}
		for l := 0; l < 2; l++ {
			mask, w := bn.Mask(l), bn.Weights(l)
			changed := 0
			for i := range w {
				if mask[i] == 0 && w[i] != 0 {
					t.Fatalf("binary=%v layer %d: masked weight %d is %v", binary, l, i, w[i])
				}
				if w[i] != before[l][i] {
					changed++
				}
			}
			if changed == 0 {
				t.Errorf("binary=%v layer %d: no weight changed", binary, l)
			}
		}
	}
}

func TestBinaryNetSettingsErrors(t *testing.T) {
	cases := []struct {
		name   string
		widths []int
		s      BinaryNetSettings
		field  string
	}{
		{"one width", []int{5}, BinaryNetSettings{}, "Widths"},
		{"zero width", []int{5, 0, 2}, BinaryNetSettings{}, "Widths"},
		{"negative LR", []int{5, 3}, BinaryNetSettings{LR: -1}, "LR"},
		{"NaN LR", []int{5, 3}, BinaryNetSettings{LR: math.NaN()}, "LR"},
		{"optimizer", []int{5, 3}, BinaryNetSettings{Optimizer: "rmsprop"}, "Optimizer"},
		{"loss", []int{5, 3}, BinaryNetSettings{Loss: "mse"}, "Loss"},
		{"ce on one output", []int{5, 1}, BinaryNetSettings{Loss: LossCE}, "Loss"},
		{"logistic on 3 outputs", []int{5, 3}, BinaryNetSettings{Loss: LossLogistic}, "Loss"},
		{"batch", []int{5, 3}, BinaryNetSettings{BatchSize: -1}, "BatchSize"},
		{"epochs", []int{5, 3}, BinaryNetSettings{Epochs: -2}, "Epochs"},
		{"train eval", []int{5, 3}, BinaryNetSettings{TrainEval: -1}, "TrainEval"},
		{"density count", []int{5, 4, 3}, BinaryNetSettings{Density: []float64{1, 1, 1}}, "Density"},
		{"density 0", []int{5, 3}, BinaryNetSettings{Density: []float64{0}}, "Density"},
		{"density NaN", []int{5, 3}, BinaryNetSettings{Density: []float64{math.NaN()}}, "Density"},
		{"dtype", []int{5, 3}, BinaryNetSettings{Dtype: tensor.Int}, "Dtype"},
	}
	for _, c := range cases {
		_, err := NewBinaryNet(c.widths, &c.s)
		var se *BinaryNetSettingsError
		if !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("%s: error %v, want a BinaryNetSettingsError for %s", c.name, err, c.field)
		}
	}
}

func TestBinaryNetDataErrors(t *testing.T) {
	bn, err := NewBinaryNet([]int{4, 3, 3}, &BinaryNetSettings{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	good := bnTeacherSet(10, 4, 3, 1)
	mod := func(f func(s *data.Set)) *data.Set { s := good.Clone(); f(s); return s }
	sets := map[string]*data.Set{
		"nil":         nil,
		"empty":       {N: 4, Classes: 3},
		"width":       bnTeacherSet(10, 5, 3, 1),
		"classes":     bnTeacherSet(10, 4, 4, 1),
		"two classes": bnTeacherSet(10, 4, 2, 1),
		"label":       mod(func(s *data.Set) { s.Y[3] = 3 }),
		"NaN":         mod(func(s *data.Set) { s.X[5] = math.NaN() }),
		"short X":     mod(func(s *data.Set) { s.X = s.X[:7] }),
	}
	for name, s := range sets {
		if _, err := bn.Fit(context.Background(), s, nil); err == nil {
			t.Errorf("Fit on the %s training set: no error", name)
		}
		if s != nil {
			if _, err := bn.Fit(context.Background(), good, s); err == nil {
				t.Errorf("Fit with the %s test set: no error", name)
			}
		}
	}
	if _, err := bn.Fit(context.Background(), bnTeacherSet(1, 4, 3, 1), nil); err == nil {
		t.Error("batch larger than the training set: no error")
	}
	if _, err := bn.Step(good.X[:7], good.Y[:2]); err == nil {
		t.Error("Step with short inputs: no error")
	}
	if _, err := bn.Step(good.X[:8], []int{0, 5}); err == nil {
		t.Error("Step with a label outside the classes: no error")
	}
	if err := bn.Predict(make([]int, 3), good.X[:8]); err == nil {
		t.Error("Predict with short inputs: no error")
	}
	one, err := NewBinaryNet([]int{4, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := one.Step(good.X[:8], []int{0, 1}); err == nil {
		t.Error("one output, label 0: no error")
	}
}

func TestBinaryNetInterrupted(t *testing.T) {
	bn, err := NewBinaryNet([]int{9, 5, 3}, &BinaryNetSettings{BatchSize: 4, Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := bn.Fit(ctx, bnTeacherSet(40, 9, 3, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != pasp.Interrupted || res.Stats.Steps != 0 {
		t.Errorf("cancelled Fit: status %v after %d steps, want Interrupted after 0", res.Status, res.Stats.Steps)
	}
}

// TestBinaryNetMNIST trains 784-101-101-10 on the embedded MNIST subset
// (10k/2k, standardised) with Adam, LR 1e-3, batch 128, for 2 epochs.
func TestBinaryNetMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	train, test := testutil.Embedded(t, false)
	s := DefaultBinaryNetSettings()
	s.Epochs, s.Seed = 2, 1
	_, res := bnFit(t, []int{784, 101, 101, 10}, s, train, test)
	// Measured (seed 1): 15.20 % test error after 2 epochs (9.9 % train).
	if e := res.Stats.Eval.TestError; e > 18 {
		t.Errorf("test error %.2f %% after 2 epochs, want ≤ 18 %%", e)
	}
	t.Logf("784-101-101-10, 2 epochs: train %.2f %%, test %.2f %%", res.Stats.Eval.TrainError, res.Stats.Eval.TestError)
}

// maxExpSum returns the largest entry m of row and Σ_k exp(row_k − m), the
// stable parts of log Σ_k exp(row_k) = m + log Σ_k exp(row_k − m).
func maxExpSum(row []float64) (m, s float64) {
	m = math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, v)
	}
	for _, v := range row {
		s += math.Exp(v - m)
	}
	return m, s
}

// bnLossRef is the loss of the binarynet_loss.go comment in plain float64.
func bnLossRef(loss string, z, t []float64, B, C int) float64 {
	var s float64
	for n := 0; n < B; n++ {
		zr, tr := z[n*C:(n+1)*C], t[n*C:(n+1)*C]
		switch loss {
		case LossCE:
			m, e := maxExpSum(zr)
			for k, v := range zr {
				s += tr[k] * (m + math.Log(e) - v)
			}
		case LossLogistic:
			s += math.Log1p(math.Exp(-tr[0] * zr[0]))
		case LossSqHinge:
			for k, v := range zr {
				h := math.Max(0, 1-tr[k]*v)
				s += h * h
			}
		}
	}
	return s / float64(B)
}

func TestBinaryNetLossGradients(t *testing.T) {
	const B = 6
	rng := rand.New(rand.NewPCG(3, 3))
	for _, tc := range []struct {
		loss string
		C    int
	}{{LossCE, 4}, {LossLogistic, 1}, {LossSqHinge, 1}, {LossSqHinge, 4}} {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			z := make([]float64, B*tc.C)
			for j := range z {
				z[j] = 3 * rng.NormFloat64()
			}
			y := make([]int, B)
			for n := range y {
				if tc.C == 1 {
					y[n] = 2*rng.IntN(2) - 1
				} else {
					y[n] = rng.IntN(tc.C)
				}
			}
			tv := make([]float64, B*tc.C)
			bnTargets(tv, y, tc.C, tc.loss == LossCE)
			g := gorgonia.NewGraph()
			zn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(B, tc.C), gorgonia.WithName("z"), gorgonia.WithValue(steDense(dt, z, B, tc.C)))
			tn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(B, tc.C), gorgonia.WithName("t"), gorgonia.WithValue(steDense(dt, tv, B, tc.C)))
			loss, err := bnLossNode(tc.loss, zn, tn, B)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := gorgonia.Grad(loss, zn); err != nil {
				t.Fatal(err)
			}
			vm := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(zn))
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			tol := 1e-7 // float64: central differences with h = 1e-5
			if dt == tensor.Float32 {
				tol = 1e-5 // float32: z, t and the results are rounded to float32
			}
			lv, err := bnScalar(loss.Value())
			if err != nil {
				t.Fatal(err)
			}
			if want := bnLossRef(tc.loss, z, tv, B, tc.C); !testutil.Close(lv, want, tol) {
				t.Errorf("%s %v: loss = %v, want %v", tc.loss, dt, lv, want)
			}
			gv, _ := zn.Grad()
			want := steFD(func(z []float64) float64 { return bnLossRef(tc.loss, z, tv, B, tc.C) }, z, 1e-5)
			if msg := testutil.CloseSlices(steFloats(t, gv), want, tol); msg != "" {
				t.Errorf("%s %v: ∂L/∂z: %s", tc.loss, dt, msg)
			}
			vm.Close()
		}
	}
}

func TestBinaryNetCEExtremeLogits(t *testing.T) {
	// Rows far below the first one: the case where tensor's LogSoftMax fails.
	z := []float64{800, 0, -800, -790, -1000, -1001}
	tv := []float64{1, 0, 0, 1, 0, 1}
	got := bnCE(z, tv, nil, 3, 2, 0)
	want := bnLossRef(LossCE, z, tv, 3, 2)
	if !testutil.Close(got, want, 1e-12) || math.IsInf(got, 0) {
		t.Errorf("cross-entropy of extreme logits = %v, want %v", got, want)
	}
}

// bnSink keeps benchmark results alive.
var bnSink float64

// BenchmarkBinaryNetStep times one training step (forward, backward, Adam,
// clipping) of 784-501-501-10 on a mini-batch of 128.
func BenchmarkBinaryNetStep(b *testing.B) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		b.Run(fmt.Sprintf("784-501-501-10/%v", dt), func(b *testing.B) {
			s := DefaultBinaryNetSettings()
			s.Dtype = dt
			bn, err := NewBinaryNet([]int{784, 501, 501, 10}, s)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			x := make([]float64, 128*784)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			y := make([]int, 128)
			for i := range y {
				y[i] = rng.IntN(10)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				l, err := bn.Step(x, y)
				if err != nil {
					b.Fatal(err)
				}
				bnSink += l
			}
		})
	}
}
