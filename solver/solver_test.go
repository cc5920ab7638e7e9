package solver

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// layouts are the ways a user may lay out the same network.
var layouts = []struct {
	name string
	lo   layout
}{
	{"rows/float64/onehot", layout{oneHot: true}},
	{"rows/float64/index", layout{}},
	{"rows/float32/onehot/scaled", layout{dt: tensor.Float32, oneHot: true, scale: true}},
	{"columns/float64/onehot", layout{featureMajor: true, oneHot: true}},
	{"columns/float32/index/scaled", layout{featureMajor: true, dt: tensor.Float32, scale: true}},
	{"rows/gorgonia.Sign/onehot", layout{gorgoniaSign: true, oneHot: true}},
}

// TestStepMatchesTrainer feeds the same mini-batches to a Solver, through
// the user's graph in every layout, and to a pasp.Trainer built from the
// same widths and settings: the message-passing states must agree bit for
// bit, and the weights written into the graph must be sign(m) in the
// user's layout.
func TestStepMatchesTrainer(t *testing.T) {
	const N, B, steps, seed = 24, 16, 6, 5
	for _, out := range []int{4, 1} {
		for _, tc := range layouts {
			if out == 1 && tc.lo.oneHot {
				continue
			}
			t.Run(tc.name+"/out"+itoa(out), func(t *testing.T) {
				widths := []int{N, 9, 7, out}
				u := buildNet(t, widths, B, tc.lo, 1)
				s, err := New(u.x, u.y, u.ws, WithSeed(seed))
				if err != nil {
					t.Fatal(err)
				}
				if got := s.Widths(); !slices.Equal(got, widths) {
					t.Fatalf("Widths() = %v, want %v", got, widths)
				}
				classes, kinds := 2, mpnet.Kinds(mpnet.BPI, 3, 2)
				if out > 1 {
					classes, kinds = out, mpnet.Kinds(mpnet.BPI, 3, out)
				}
				ps := pasp.DefaultSettings(mpnet.BPI, 3, classes)
				ps.Seed = seed
				tr, err := pasp.New(mpnet.Config{Widths: widths, Kinds: kinds}, ps)
				if err != nil {
					t.Fatal(err)
				}
				x, y := teacher(rand.New(rand.NewPCG(2, 3)), N, 5, out, steps*B, tc.lo.dt)
				for st := 0; st < steps; st++ {
					u.bind(t, x, y, st*B, out == 1 && st%2 == 1)
					if err := s.Step(G.NodesToValueGrads(u.ws)); err != nil {
						t.Fatalf("step %d: %v", st, err)
					}
					if _, err := tr.Step(x[st*B*N:(st+1)*B*N], y[st*B:(st+1)*B]); err != nil {
						t.Fatal(err)
					}
				}
				checkSameState(t, s, tr.Network(), u)
			})
		}
	}
}

// checkSameState compares the solver's network with net and the user's
// weight values with the point-wise weights.
func checkSameState(t *testing.T, s *Solver, net *mpnet.Network, u *userNet) {
	t.Helper()
	for l := 0; l < net.L(); l++ {
		if got, want := s.Network().H(l), net.H(l); !slices.Equal(got, want) {
			t.Fatalf("layer %d: fields differ from the trainer's", l)
		}
		K, N := net.Shape(l)
		pw := net.PointWeights(l)
		got := floats(u.ws[l].Value().(*tensor.Dense))
		for k := 0; k < K; k++ {
			for i := 0; i < N; i++ {
				j := i*K + k
				if u.lo.featureMajor {
					j = k*N + i
				}
				if got[j] != pw[k*N+i] {
					t.Fatalf("layer %d: user weight (%d,%d) = %v, sign(m) = %v", l, k, i, got[j], pw[k*N+i])
				}
			}
		}
	}
}

// TestGraphPredictsLikePredict trains through the usual Gorgonia loop
// (TapeMachine with dual values, RunAll → Step → Reset) and checks that the
// user's own forward graph, run with the written weights, predicts what
// Predict predicts, and that PredictBayes answers too.
func TestGraphPredictsLikePredict(t *testing.T) {
	const N, B, epochs = 30, 20, 3
	for _, tc := range layouts {
		if !tc.lo.oneHot {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			widths := []int{N, 15, 11, 5}
			u := buildNet(t, widths, B, tc.lo, 4)
			s, err := New(u.x, u.y, u.ws)
			if err != nil {
				t.Fatal(err)
			}
			x, y := teacher(rand.New(rand.NewPCG(6, 7)), N, 8, 5, 200, tc.lo.dt)
			var opts []G.VMOpt
			if u.cost != nil {
				opts = append(opts, G.BindDualValues(u.ws...))
			}
			vm := G.NewTapeMachine(u.g, opts...)
			defer vm.Close()
			for range epochs {
				for lo := 0; lo+B <= len(y); lo += B {
					u.bind(t, x, y, lo, false)
					if err := vm.RunAll(); err != nil {
						t.Fatal(err)
					}
					if err := s.Step(G.NodesToValueGrads(u.ws)); err != nil {
						t.Fatal(err)
					}
					vm.Reset()
				}
			}
			graph := make([]int, 0, len(y))
			for lo := 0; lo+B <= len(y); lo += B {
				u.bind(t, x, y, lo, false)
				if err := vm.RunAll(); err != nil {
					t.Fatal(err)
				}
				graph = append(graph, u.argmax(u.out.Value().(*tensor.Dense))...)
				vm.Reset()
			}
			xs := denseOf(tc.lo.dt, x, len(y), N)
			if tc.lo.featureMajor {
				xt := make([]float64, len(x))
				transposeInto(xt, x, len(y), N)
				xs = denseOf(tc.lo.dt, xt, N, len(y))
			}
			pred, err := s.Predict(xs)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(graph, pred) {
				t.Errorf("the graph's predictions differ from Predict's:\ngraph   %v\nPredict %v", graph, pred)
			}
			bayes, err := s.PredictBayes(xs)
			if err != nil || len(bayes) != len(y) {
				t.Fatalf("PredictBayes: %d predictions, %v", len(bayes), err)
			}
			if e := errorRate(pred, y); e > 50 {
				t.Errorf("training error %.1f %% after %d epochs: the solver does not learn (chance 80 %%)", e, epochs)
			}
		})
	}
}

// argmax returns the first maximum of every sample's class scores.
func (u *userNet) argmax(out *tensor.Dense) []int {
	v := floats(out)
	pred := make([]int, u.B)
	for n := range pred {
		for c := 1; c < u.C; c++ {
			if v[idx(u.lo.featureMajor, n, c, u.B, u.C)] > v[idx(u.lo.featureMajor, n, pred[n], u.B, u.C)] {
				pred[n] = c
			}
		}
	}
	return pred
}

// errorRate returns the percentage of pred that differs from y.
func errorRate(pred, y []int) float64 {
	wrong := len(y)
	for n := range y {
		if pred[n] == y[n] {
			wrong--
		}
	}
	return 100 * float64(wrong) / float64(len(y))
}

// TestStepErrors checks that a bad model or a bad mini-batch is an error
// that names the problem, and leaves the network untouched.
func TestStepErrors(t *testing.T) {
	const N, B = 12, 8
	for _, tc := range []struct {
		name  string
		out   int
		prep  func(u *userNet)
		model func(u *userNet) G.Nodes
		want  string
	}{
		{"NaN label", 3, func(u *userNet) { bindLabels(t, u, math.NaN()) }, nil, "label NaN of sample 0"},
		{"model lacks a weight", 3, nil, func(u *userNet) G.Nodes { return u.ws[:1] }, "lacks weights[1]"},
		{"model holds the input", 3, nil, func(u *userNet) G.Nodes { return append(G.Nodes{u.x}, u.ws...) }, "model[0] is not one of"},
		{"class out of range", 3, func(u *userNet) { bindLabels(t, u, 3) }, nil, "want a class index in [0, 3)"},
		{"fractional class", 3, func(u *userNet) { bindLabels(t, u, 0.5) }, nil, "want a class index"},
		{"sign label 2", 1, func(u *userNet) { bindLabels(t, u, 2) }, nil, "needs labels ±1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := buildNet(t, []int{N, 5, tc.out}, B, layout{gorgoniaSign: true}, 1)
			s, err := New(u.x, u.y, u.ws)
			if err != nil {
				t.Fatal(err)
			}
			x, y := teacher(rand.New(rand.NewPCG(1, 1)), N, 3, tc.out, B, tensor.Float64)
			u.bind(t, x, y, 0, false)
			if tc.prep != nil {
				tc.prep(u)
			}
			model := u.ws
			if tc.model != nil {
				model = tc.model(u)
			}
			h0 := s.Network().H(0)
			err = s.Step(G.NodesToValueGrads(model))
			if err == nil || !contains(err.Error(), tc.want) {
				t.Fatalf("Step: %v, want an error containing %q", err, tc.want)
			}
			if !slices.Equal(h0, s.Network().H(0)) {
				t.Error("a failed Step changed the network")
			}
		})
	}
}

// bindLabels binds labels that are all v.
func bindLabels(t *testing.T, u *userNet, v float64) {
	yb := make([]float64, u.B)
	for i := range yb {
		yb[i] = v
	}
	if err := G.Let(u.y, denseOf(tensor.Float64, yb, u.B)); err != nil {
		t.Fatal(err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestOptions checks the defaults (pasp.DefaultSettings of the detected
// task) and that each bad option is an *OptionError naming it.
func TestOptions(t *testing.T) {
	u := buildNet(t, []int{10, 6, 5, 10}, 4, layout{oneHot: true}, 1)
	s, err := New(u.x, u.y, u.ws)
	if err != nil {
		t.Fatal(err)
	}
	got, want := s.Trainer().Settings(), pasp.DefaultSettings(mpnet.BPI, 3, 10)
	if !slices.Equal(got.Rho, want.Rho) || !slices.Equal(got.Psi, want.Psi) || got.EpsInit != 1 || got.TauMax != 1 {
		t.Errorf("default settings %+v, want %+v", got, *want)
	}
	if k := s.Network().Kind(2); k != mpnet.ArgMax || s.Network().Kind(0) != mpnet.BPI {
		t.Errorf("layer kinds %v, %v: want bpi hidden, argmax output", s.Network().Kind(0), k)
	}
	s, err = New(u.x, u.y, u.ws, WithLayer(mpnet.AMP), WithRho(1), WithPsi(0.5), WithTauMax(2), WithEpsInit(0.5), WithDtype(tensor.Float32), WithSeed(9))
	if err != nil {
		t.Fatal(err)
	}
	if g := s.Trainer().Settings(); s.Network().Kind(1) != mpnet.AMP || g.Psi[0] != 0.5 || g.Rho[0] != 1 || g.TauMax != 2 || g.EpsInit != 0.5 || g.Seed != 9 || s.Network().Dtype() != tensor.Float32 {
		t.Errorf("options not applied: %+v, kind %v, dtype %v", g, s.Network().Kind(1), s.Network().Dtype())
	}
	for _, tc := range []struct {
		opt  Option
		name string
	}{
		{WithLayer(mpnet.ArgMax), "WithLayer"},
		{WithLayer(mpnet.CBPI), "WithLayer"},
		{WithPsi(1), "WithPsi"},
		{WithRho(1, 1), "WithRho"},
		{WithRho(-1), "WithRho"},
		{WithTauMax(-1), "WithTauMax"},
		{WithEpsInit(-1), "WithEpsInit"},
		{WithDtype(tensor.Int), "WithDtype"},
		{WithSettings(pasp.Settings{RStep: 2}), "WithSettings"},
	} {
		_, err := New(u.x, u.y, u.ws, tc.opt)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Option != tc.name {
			t.Errorf("%s: got %v, want an *OptionError naming %s", tc.name, err, tc.name)
		}
	}
}
