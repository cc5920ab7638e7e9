package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	fbpsolver "github.com/fbpgo/fbp/solver"
)

// model is the user's network as one Gorgonia graph:
//
//	h_0 = x,  z_l = h_{l−1}·BinarizeSTE(W_l)/√N_{l−1},  h_l = SignSTE(z_l),
//	logits = z_L,  loss = −mean_n Σ_c y[n,c]·logsoftmax(z_L)[n,c],
//
// with x the B×N_0 mini-batch, y its one-hot labels and W_l the
// N_{l−1}×N_l latent weights. The factor 1/√N keeps the pre-activations
// inside the window of the straight-through estimator.
type model struct {
	g       *gorgonia.ExprGraph
	x, y    *gorgonia.Node
	weights gorgonia.Nodes
	logits  *gorgonia.Node
	loss    *gorgonia.Node
	solver  gorgonia.Solver
}

// newModel builds the graph for widths N_0 … N_L and mini-batches of B
// samples, its gradients, and the solver named by o.
func newModel(o options, widths []int) (*model, error) {
	var err error
	g := gorgonia.NewGraph()
	B, L := o.batch, len(widths)-1
	m := &model{g: g}
	m.x = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(B, widths[0]), gorgonia.WithName("x"))
	m.y = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(B, widths[L]), gorgonia.WithName("y"))
	rng := rand.New(rand.NewPCG(o.seed, 1))
	h := m.x
	for l := 1; l <= L; l++ {
		N, K := widths[l-1], widths[l]
		w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(N, K), gorgonia.WithName(fmt.Sprintf("w%d", l)),
			gorgonia.WithValue(glorot(rng, N, K)))
		m.weights = append(m.weights, w)
		wb := gorgonia.Must(compare.BinarizeSTE(w, nil))
		z := gorgonia.Must(gorgonia.Mul(h, wb))
		z = gorgonia.Must(gorgonia.Div(z, gorgonia.NewConstant(math.Sqrt(float64(N)))))
		if l == L {
			m.logits = z
			break
		}
		h = gorgonia.Must(compare.SignSTE(z))
	}
	logp := gorgonia.Must(gorgonia.LogSoftMax(m.logits))
	ce := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(m.y, logp)), 1))
	m.loss = gorgonia.Must(gorgonia.Neg(gorgonia.Must(gorgonia.Mean(ce))))
	if _, err = gorgonia.Grad(m.loss, m.weights...); err != nil {
		return nil, err
	}
	switch o.solver {
	case "adam":
		m.solver = gorgonia.NewAdamSolver()
	case "fbp":
		m.solver, err = fbpsolver.New(m.x, m.y, m.weights, fbpsolver.WithSeed(o.seed))
	}
	return m, err
}

// glorot returns an N×K matrix drawn uniformly from ±√(6/(N+K)).
func glorot(rng *rand.Rand, N, K int) *tensor.Dense {
	a := math.Sqrt(6 / float64(N+K))
	v := make([]float64, N*K)
	for i := range v {
		v[i] = a * (2*rng.Float64() - 1)
	}
	return tensor.New(tensor.WithShape(N, K), tensor.WithBacking(v))
}

// fit builds the model and trains it for o.epochs epochs on train, each
// epoch in the order drawn from data.OrderSource(o.seed) (the last
// incomplete mini-batch dropped), printing the mean loss and the test
// error after every epoch. It returns the trained model and its last
// predictions on test.
func fit(ctx context.Context, o options, train, test *data.Set, w io.Writer) (*model, []int, error) {
	m, err := newModel(o, o.widths(train.N))
	if err != nil {
		return nil, nil, err
	}
	vm := gorgonia.NewTapeMachine(m.g, gorgonia.BindDualValues(m.weights...))
	defer vm.Close()
	order := data.OrderSource(o.seed)
	var pred []int
	for epoch := 1; epoch <= o.epochs; epoch++ {
		start := time.Now()
		loss, err := m.epoch(ctx, vm, train, rand.New(order).Perm(train.M))
		if err != nil {
			return nil, nil, err
		}
		if pred, err = m.predict(vm, test); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(w, "epoch %d  loss %.4f  test error %6.2f %%  (%.1f s)\n",
			epoch, loss, errorRate(pred, test.Y), time.Since(start).Seconds())
	}
	return m, pred, nil
}

// epoch runs one epoch over the samples of s in the order perm, one
// RunAll → Step → Reset per mini-batch, and returns the mean loss.
func (m *model) epoch(ctx context.Context, vm gorgonia.VM, s *data.Set, perm []int) (float64, error) {
	B := m.x.Shape()[0]
	var loss float64
	steps := 0
	for b := 0; b+B <= s.M; b += B {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := m.bind(s, perm[b:b+B]); err != nil {
			return 0, err
		}
		if err := vm.RunAll(); err != nil {
			return 0, err
		}
		loss += m.loss.Value().Data().(float64)
		steps++
		if err := m.solver.Step(gorgonia.NodesToValueGrads(m.weights)); err != nil {
			return 0, err
		}
		vm.Reset()
	}
	return loss / float64(steps), nil
}

// bind binds the samples idx of s to x and y (one-hot), padding with zero
// rows when idx holds fewer than B samples.
func (m *model) bind(s *data.Set, idx []int) error {
	B, C := m.y.Shape()[0], m.y.Shape()[1]
	x := make([]float64, B*s.N)
	y := make([]float64, B*C)
	for n, i := range idx {
		copy(x[n*s.N:(n+1)*s.N], s.Row(i))
		y[n*C+s.Y[i]] = 1
	}
	if err := gorgonia.Let(m.x, tensor.New(tensor.WithShape(B, s.N), tensor.WithBacking(x))); err != nil {
		return err
	}
	return gorgonia.Let(m.y, tensor.New(tensor.WithShape(B, C), tensor.WithBacking(y)))
}

// predict runs the graph on the samples of s, B at a time, and returns the
// class of each: the first maximum of its logits.
func (m *model) predict(vm gorgonia.VM, s *data.Set) ([]int, error) {
	B, C := m.y.Shape()[0], m.y.Shape()[1]
	pred := make([]int, 0, s.M)
	idx := make([]int, 0, B)
	for lo := 0; lo < s.M; lo += B {
		idx = idx[:0]
		for i := lo; i < min(lo+B, s.M); i++ {
			idx = append(idx, i)
		}
		if err := m.bind(s, idx); err != nil {
			return nil, err
		}
		if err := vm.RunAll(); err != nil {
			return nil, err
		}
		z := m.logits.Value().Data().([]float64)
		for n := range idx {
			best := 0
			for c, v := range z[n*C : (n+1)*C] {
				if v > z[n*C+best] {
					best = c
				}
			}
			pred = append(pred, best)
		}
		vm.Reset()
	}
	return pred, nil
}

// errorRate returns the percentage of predictions that differ from y.
func errorRate(pred, y []int) float64 {
	wrong := 0
	for n, p := range pred {
		if p != y[n] {
			wrong++
		}
	}
	return 100 * float64(wrong) / float64(len(y))
}
