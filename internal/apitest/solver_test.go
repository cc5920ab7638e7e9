package apitest

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/gemm"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/solver"
)

// badOptions are options that New must refuse.
var badOptions = map[string]solver.Option{
	"WithLayer(-1)":     solver.WithLayer(-1),
	"WithRho(NaN)":      solver.WithRho(nan),
	"WithPsi(1)":        solver.WithPsi(1),
	"WithDtype(Int)":    solver.WithDtype(tensor.Int),
	"WithTauMax(-1)":    solver.WithTauMax(-1),
	"WithEpsInit(-Inf)": solver.WithEpsInit(-inf),
	"WithSettings(bad)": solver.WithSettings(pasp.Settings{BatchSize: -1}),
}

// smallGraph returns the nodes of a 6-4-1 model x·W1 → sign → ·W2 → sign.
func smallGraph() (x, y *gorgonia.Node, w gorgonia.Nodes) {
	g := gorgonia.NewGraph()
	x = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 6), gorgonia.WithName("x"))
	y = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 1), gorgonia.WithName("y"))
	w1 := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(6, 4), gorgonia.WithName("w1"), gorgonia.WithInit(gorgonia.Zeroes()))
	w2 := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 1), gorgonia.WithName("w2"), gorgonia.WithInit(gorgonia.Zeroes()))
	h := gorgonia.Must(gorgonia.Sign(gorgonia.Must(gorgonia.Mul(x, w1))))
	gorgonia.Must(gorgonia.Sign(gorgonia.Must(gorgonia.Mul(h, w2))))
	return x, y, gorgonia.Nodes{w1, w2}
}

var solverCases = []apiCase{
	errorCase("solver", "OptionError", &solver.OptionError{}, (*solver.OptionError)(nil), true),
	errorCase("solver", "ShapeError", &solver.ShapeError{}, (*solver.ShapeError)(nil), false),
	errorCase("solver", "UnsupportedError", &solver.UnsupportedError{}, (*solver.UnsupportedError)(nil), false),
	{names: []string{"solver.New", "solver.WithLayer", "solver.WithRho", "solver.WithPsi", "solver.WithDtype",
		"solver.WithTauMax", "solver.WithEpsInit", "solver.WithSettings", "solver.WithSeed"}, run: func(c *checker) {
		c.err("solver.New", "nil nodes", func() error { _, err := solver.New(nil, nil, nil); return err })
		x, y, w := smallGraph()
		c.nilErr("solver.New", "nil option (sets nothing)", func() error { _, err := solver.New(x, y, w, nil); return err })
		c.err("solver.New", "nil weight", func() error { _, err := solver.New(x, y, gorgonia.Nodes{nil, w[1]}); return err })
		c.err("solver.New", "no weights", func() error { _, err := solver.New(x, y, nil); return err })
		for what, o := range badOptions {
			name := "solver." + what[:len(what)-len(what[indexByte(what, '('):])]
			c.err(name, "New with "+what, func() error { _, err := solver.New(x, y, w, o); return err })
		}
		c.nilErr("solver.WithSeed", "New with WithSeed(MaxUint64)", func() error {
			_, err := solver.New(x, y, w, solver.WithSeed(math.MaxUint64))
			return err
		})
	}},
	{names: []string{"solver.(*Solver).Step", "solver.(*Solver).Predict", "solver.(*Solver).PredictBayes",
		"solver.(*Solver).Widths", "solver.(*Solver).Network", "solver.(*Solver).Trainer"}, run: func(c *checker) {
		for what, s := range map[string]*solver.Solver{"nil": nil, "zero": {}} {
			c.err("solver.(*Solver).Step", what, func() error { return s.Step(nil) })
			c.err("solver.(*Solver).Predict", what, func() error { _, err := s.Predict(nil); return err })
			c.err("solver.(*Solver).PredictBayes", what, func() error { _, err := s.PredictBayes(nil); return err })
			c.ok("solver.(*Solver).Widths", what, func() string { return ifNot(s.Widths() == nil, "not nil") })
			c.ok("solver.(*Solver).Network", what, func() string { return ifNot(s.Network() == nil, "not nil") })
			c.ok("solver.(*Solver).Trainer", what, func() string { return ifNot(s.Trainer() == nil, "not nil") })
		}
		x, y, w := smallGraph()
		s, err := solver.New(x, y, w)
		if err != nil {
			c.t.Fatal(err)
		}
		c.err("solver.(*Solver).Step", "nil model", func() error { return s.Step(nil) })
		c.err("solver.(*Solver).Step", "unbound input", func() error { return s.Step([]gorgonia.ValueGrad{w[0], w[1]}) })
		c.err("solver.(*Solver).Predict", "nil x", func() error { _, err := s.Predict(nil); return err })
		c.err("solver.(*Solver).PredictBayes", "wrong width", func() error {
			_, err := s.PredictBayes(tensor.New(tensor.WithShape(1, 5), tensor.WithBacking(make([]float64, 5))))
			return err
		})
		_ = mpnet.BP
	}},
	{names: []string{"gemm.Dgemm", "gemm.Sgemm", "gemm.Implementation.Dgemm", "gemm.Implementation.Sgemm"}, run: func(c *checker) {
		const why = "BLAS convention, documented: bad sizes, strides or short slices panic as in gonum's blas64"
		c.panics("gemm.Dgemm", "m = -1", why, func() { gemm.Dgemm(blas.NoTrans, blas.NoTrans, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) })
		c.panics("gemm.Sgemm", "short a", why, func() { gemm.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) })
		c.panics("gemm.Implementation.Dgemm", "bad transpose", why, func() {
			gemm.Implementation{}.Dgemm('x', blas.NoTrans, 1, 1, 1, 1, []float64{1}, 1, []float64{1}, 1, 0, []float64{1}, 1)
		})
		c.panics("gemm.Implementation.Sgemm", "lda 0", why, func() {
			gemm.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, []float32{1}, 0, []float32{1}, 1, 0, []float32{1}, 1)
		})
		c.ok("gemm.Dgemm", "zero sizes", func() string {
			gemm.Dgemm(blas.NoTrans, blas.NoTrans, 0, 0, 0, nan, nil, 1, nil, 1, nan, nil, 1)
			return ""
		})
	}},
	{names: []string{"gemm.Level", "gemm.Register", "gemm.level.String"}, run: func(c *checker) {
		c.ok("gemm.Level", "", func() string { return ifNot(gemm.Level() != "", "empty") })
		c.ok("gemm.level.String", "via Level", func() string { return ifNot(gemm.Level() != "", "empty") })
		c.ok("gemm.Register", "twice", func() string { gemm.Register(); gemm.Register(); return "" })
	}},
}

// indexByte returns the index of the first b in s, or len(s).
func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return len(s)
}
