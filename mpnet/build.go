package mpnet

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// buildSweep builds and compiles the sweep graph for batch size B: the
// common input nodes of every layer and those its rule binds, the forward
// step from the first layer up and the backward step from the last down
// (ALGORITHMS §8).
func (net *Network) buildSweep(B int) (*sweep, error) {
	g := gorgonia.NewGraph()
	b := &builder{g: g, dt: net.dt, dev: net.dev, B: B}
	sw := &sweep{B: B, g: g, x: b.alloc(net.cfg.Widths[0], B), out: b.alloc(1, B)}
	xNode := b.input("X", sw.x)
	outNode := b.input("out", sw.out)
	for l, ly := range net.layers {
		sw.ls = append(sw.ls, b.bind(ly, fmt.Sprintf("l%d.", l)))
	}
	var bupBelow *gorgonia.Node // Bup of the layer below; none for the first
	for l, ly := range net.layers {
		if err := b.forward(ly, sw.ls[l], xNode, bupBelow); err != nil {
			return nil, errors.Wrapf(err, "mpnet: layer %d (%v) forward", l, ly.kind)
		}
		bupBelow = sw.ls[l].bup
	}
	btop := outNode // the label fields, then B of the layer above
	for l := len(net.layers) - 1; l >= 0; l-- {
		ly := net.layers[l]
		if err := b.backward(ly, sw.ls[l], btop); err != nil {
			return nil, errors.Wrapf(err, "mpnet: layer %d (%v) backward", l, ly.kind)
		}
		btop = sw.ls[l].bNew
	}
	if b.err != nil {
		return nil, errors.Wrap(b.err, "mpnet: building the sweep graph")
	}
	if net.dev != nil {
		// The machine gives its engine to every value: the device's.
		sw.vm = gorgonia.NewTapeMachine(g, gorgonia.WithEngine(net.dev))
	} else {
		sw.vm = gorgonia.NewTapeMachine(g)
	}
	sw.reset(net)
	return sw, net.devErr()
}

// builder adds nodes to a graph, keeping the first error so that the layer
// code can read as a list of equations.
type builder struct {
	g   *gorgonia.ExprGraph
	dt  tensor.Dtype
	dev ops.Device // nil: host memory
	B   int        // batch size
	err error
}

// alloc returns a zeroed tensor of the builder's dtype on its device.
func (b *builder) alloc(shape ...int) *tensor.Dense {
	t, err := newDenseOn(b.dev, b.dt, shape...)
	if err != nil && b.err == nil {
		b.err = err
	}
	return t
}

// input returns a node bound to the state tensor t.
func (b *builder) input(name string, t *tensor.Dense) *gorgonia.Node {
	return gorgonia.NewTensor(b.g, b.dt, t.Dims(), gorgonia.WithShape(t.Shape().Clone()...), gorgonia.WithName(name), gorgonia.WithValue(t))
}

// constant returns a node holding a fresh tensor of the given shape filled with v.
func (b *builder) constant(name string, v float64, shape ...int) *gorgonia.Node {
	t := b.alloc(shape...)
	fill(t, v)
	return b.input(name, t)
}

// do records the result of a node constructor.
func (b *builder) do(n *gorgonia.Node, err error) *gorgonia.Node {
	if err != nil && b.err == nil {
		b.err = err
	}
	return n
}

// bind returns the sweep state of layer ly: input nodes bound to its common
// state (names prefixed with p), the downward field B it sends (not on the
// first layer), and whatever its rule binds.
func (b *builder) bind(ly *layer, p string) *layerSweep {
	s := &layerSweep{}
	s.m, s.sigma = b.input(p+"m", ly.m), b.input(p+"sigma", ly.sigma)
	s.h, s.hext, s.mask = b.input(p+"H", ly.h), b.input(p+"Hext", ly.hext), b.input(p+"mask", ly.mask)
	s.psi, s.r = b.input(p+"psi", ly.psi), b.input(p+"r", ly.r)
	if !ly.first {
		s.b = b.alloc(ly.N, b.B)
		s.bIn = b.input(p+"B", s.b)
	}
	ly.rule.bind(b, ly, p)
	return s
}

// forward adds the forward step of layer ly (ALGORITHMS §7): the input
// statistics x̂, Δ, the rule's pre-activation mean ω, the variance V and
// the upward field Bup (not for the last layer).
func (b *builder) forward(ly *layer, s *layerSweep, x, bupBelow *gorgonia.Node) error {
	if ly.first {
		s.xhat = x // x̂ = X, Δ = 0 (§7.7)
	} else {
		s.xhat = b.do(ops.TanhSum(bupBelow, s.bIn)) // x̂ = tanh(Bup_below + B)
		s.delta = b.do(ops.OneMinusSquare(s.xhat))  // Δ = 1 − x̂²
	}
	var sigma *gorgonia.Node
	s.omega, sigma = ly.rule.forward(b, ly, s, bupBelow)
	// V = σ(x̂² + Δ) + m²Δ + 1e-8; on the first layer Δ = 0: V = σ x̂² + 1e-8.
	if ly.first {
		sx := b.wx(ly, sigma, b.do(ops.Square(s.xhat)))
		s.v = b.do(ops.Variance(sx, b.constant(fmt.Sprintf("zeroKB%p", ly), 0, ly.K, b.B)))
	} else {
		sx := b.wx(ly, sigma, b.do(ops.SquarePlus(s.xhat, s.delta)))
		md := b.wx(ly, b.do(ops.Square(s.m)), s.delta)
		s.v = b.do(ops.Variance(sx, md))
	}
	if !ly.last {
		s.bup = b.do(ops.UpField(s.omega, s.v)) // Bup = atanh2Hm1(−ω/√V)
	}
	return b.err
}

// backward adds the backward step of layer ly, whose output units receive
// btop from above: the rule's output function, downward field B (not for
// the first layer) and Hin, the field H (focus.go), and the rule's damped
// marginals (ALGORITHMS §7).
func (b *builder) backward(ly *layer, s *layerSweep, btop *gorgonia.Node) error {
	hin := ly.rule.backward(b, ly, s, btop)
	if b.err != nil {
		return b.err
	}
	s.hNew = b.field(ly, s, hin) // H = Hin + Hext + r·H_old, or the focusing field
	ly.rule.marginals(b, ly, s)
	return b.err
}

// The three products of a layer, dense (gonum BLAS) or, for a layer with a
// sparsity pattern, over its present weights only (ops.SpMatMul & co.):

// wx returns w·x for the weight-shaped w (K×N) and x (N×B).
func (b *builder) wx(ly *layer, w, x *gorgonia.Node) *gorgonia.Node {
	if ly.pat != nil {
		return b.do(ops.SpMatMul(ly.pat, w, x))
	}
	return b.do(ops.MatMul(w, x, false, false))
}

// wtg returns wᵀ·g for the weight-shaped w (K×N) and g (K×B).
func (b *builder) wtg(ly *layer, w, g *gorgonia.Node) *gorgonia.Node {
	if ly.pat != nil {
		return b.do(ops.SpMatMulT(ly.pat, w, g))
	}
	return b.do(ops.MatMul(w, g, true, false))
}

// gxt returns g·xᵀ (K×N, or its present entries) for g (K×B) and x (N×B).
func (b *builder) gxt(ly *layer, g, x *gorgonia.Node) *gorgonia.Node {
	if ly.pat != nil {
		return b.do(ops.SpSampled(ly.pat, g, x))
	}
	return b.do(ops.MatMul(g, x, false, true))
}
