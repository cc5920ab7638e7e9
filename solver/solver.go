package solver

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// Solver trains the binary network of a user's Gorgonia graph by PasP
// message passing. It implements gorgonia.Solver: in the usual loop
//
//	gorgonia.Let(x, batch); gorgonia.Let(y, labels)
//	vm.RunAll()
//	solver.Step(gorgonia.NodesToValueGrads(weights))
//	vm.Reset()
//
// Step reads the mini-batch bound to the input and label nodes, runs one
// PasP step on the network read from the graph and writes the point-wise
// weights W_l = sign(m_l) into the weight values, so that the graph's own
// forward pass computes with them. The gradients in the model are not used.
type Solver struct {
	x, y    *gorgonia.Node
	weights gorgonia.Nodes
	a       *arch
	tr      *pasp.Trainer
	xbuf    []float64 // the batch, B×N_0 row-major
	ybuf    []int     // its labels: class indices, or ±1 for one output
}

var _ gorgonia.Solver = (*Solver)(nil)

// errNoSolver is what the methods of a Solver that New did not make return.
var errNoSolver = errors.New("solver: the Solver is nil or a zero value: make it with New")

// ready returns errNoSolver for a Solver that New did not make.
func (s *Solver) ready() error {
	if s == nil || s.a == nil || s.tr == nil {
		return errNoSolver
	}
	return nil
}

// New reads the network from the graph of the input node x, the label node
// y and the weight nodes, first layer first, and returns a Solver for it.
// The graph must compute, up to positive constant factors,
//
//	h_0 = x,  z_l = h_{l−1}·B(W_l),  h_l = sign(z_l)  (l < L),  output z_L,
//
// with x a B×N_0 matrix of samples (one per row) and W_l an N_{l−1}×N_l
// matrix, or the transposed layout x: N_0×B, W_l: N_l×N_{l−1},
// z_l = B(W_l)·h_{l−1}. B(W) is W, compare.BinarizeSTE(W, nil) or
// gorgonia.Sign(W); sign is compare.SignSTE or gorgonia.Sign. Whatever
// reads z_L (a softmax, a loss, their gradients) is not part of the model,
// as long as it adds no learnable and compares nothing. N_L = 1 is a sign
// output trained on labels ±1 (or 0/1); N_L = C ≥ 2 is an ArgMax output
// over C classes. y holds one-hot rows (B×C, C×B in the transposed layout)
// or one label per sample (B, B×1 or 1×B: class indices, or signs).
//
// An op that does not fit is an *UnsupportedError naming the op and its
// node, a shape that does not fit a *ShapeError, a bad option an
// *OptionError. Without options the solver uses the paper's settings
// (pasp.DefaultSettings): BPI hidden layers, ρ = 1+1e-4 on the hidden
// layers and 0.9 on the output layer, ψ = 0.8 (0.81 for BPI with more than
// two classes), ϵinit = 1, τmax = 1. A nil Option sets nothing.
func New(x, y *gorgonia.Node, weights gorgonia.Nodes, opts ...Option) (*Solver, error) {
	a, err := analyze(x, y, weights)
	if err != nil {
		return nil, err
	}
	var c config
	for _, o := range opts {
		if o != nil { // a nil Option sets nothing
			o(&c)
		}
	}
	cfg, s, err := c.build(a)
	if err != nil {
		return nil, err
	}
	tr, err := pasp.New(cfg, s)
	if err != nil {
		return nil, errors.Wrap(err, "solver")
	}
	return &Solver{
		x: x, y: y, weights: append(gorgonia.Nodes(nil), weights...), a: a, tr: tr,
		xbuf: make([]float64, a.batch*a.widths[0]), ybuf: make([]int, a.batch),
	}, nil
}

// Step runs one PasP step (ALGORITHMS §9) on the mini-batch bound to the
// input and label nodes:
//
//	Hext_l ← ρ_l·H_l,  then τmax sweeps of message passing on (X, Y),
//
// and writes W_l = sign(m_l), m_l = tanh(H_l), into the values of the
// weights in the user's layout and dtype (a weight whose mean is exactly 0
// is written 0). model must hold exactly the weight nodes given to New (or
// their values), in any order, as gorgonia.NodesToValueGrads returns them.
func (s *Solver) Step(model []gorgonia.ValueGrad) error {
	if err := s.ready(); err != nil {
		return err
	}
	if err := s.checkModel(model); err != nil {
		return err
	}
	if err := s.readBatch(); err != nil {
		return err
	}
	if _, err := s.tr.Step(s.xbuf, s.ybuf); err != nil {
		return errors.Wrap(err, "solver: Step")
	}
	return s.writeWeights()
}

// checkModel checks that model holds every weight, and only weights.
func (s *Solver) checkModel(model []gorgonia.ValueGrad) error {
	seen := make([]bool, len(s.weights))
	for i, vg := range model {
		l := s.indexOf(vg)
		if l < 0 {
			return errors.Errorf("solver: Step: model[%d] is not one of the %d weight nodes given to New", i, len(s.weights))
		}
		seen[l] = true
	}
	for l, ok := range seen {
		if !ok {
			return errors.Errorf("solver: Step: the model lacks weights[%d] (%s)", l, s.weights[l].Name())
		}
	}
	return nil
}

// indexOf returns the layer of the weight that vg is (the node or its
// value), or −1.
func (s *Solver) indexOf(vg gorgonia.ValueGrad) int {
	for l, w := range s.weights {
		if n, ok := vg.(*gorgonia.Node); ok && n == w {
			return l
		}
		if v := w.Value(); v != nil && vg != nil && vg.Value() == v {
			return l
		}
	}
	return -1
}

// Predict returns the point-wise prediction of the trained network for the
// M samples in x, laid out like the input node (M×N_0, or N_0×M in the
// transposed layout; float64 or float32; M need not be the batch size):
// class indices for C ≥ 2 outputs, ±1 for one output. It equals what the
// user's graph computes with the weights Step wrote (ALGORITHMS §12.1):
// sign activations, the first maximum of the class scores.
func (s *Solver) Predict(x tensor.Tensor) ([]int, error) {
	return s.predict(x, false)
}

// PredictBayes returns the Bayesian prediction of ALGORITHMS §12.2 for the
// samples in x (as in Predict): the class scores are propagated through
// the factorised posterior of the weights, mean m and variance 1 − m²,
// instead of through its point-wise signs. It usually errs less.
func (s *Solver) PredictBayes(x tensor.Tensor) ([]int, error) {
	return s.predict(x, true)
}

func (s *Solver) predict(x tensor.Tensor, bayes bool) ([]int, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	xs, M, err := s.samples(x)
	if err != nil {
		return nil, err
	}
	dst := make([]int, M)
	net := s.tr.Network()
	if bayes {
		err = net.PredictBayes(dst, xs)
	} else {
		err = net.Predict(dst, xs)
	}
	return dst, errors.Wrap(err, "solver: predict")
}

// Widths returns N_0 … N_L as read from the graph; nil for a zero Solver.
func (s *Solver) Widths() []int {
	if s.ready() != nil {
		return nil
	}
	return append([]int(nil), s.a.widths...)
}

// Network returns the message-passing network being trained; nil for a
// zero Solver.
func (s *Solver) Network() *mpnet.Network { return s.Trainer().Network() }

// Trainer returns the PasP trainer underneath, for checkpoints (SaveFile)
// and statistics; nil for a zero Solver.
func (s *Solver) Trainer() *pasp.Trainer {
	if s == nil {
		return nil
	}
	return s.tr
}
