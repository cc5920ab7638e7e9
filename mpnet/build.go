package mpnet

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// buildSweep builds and compiles the sweep graph for batch size B.
func (net *Network) buildSweep(B int) (*sweep, error) {
	g := gorgonia.NewGraph()
	dt := net.dt
	N0 := net.cfg.Widths[0]
	b := &builder{g: g, dt: dt, dev: net.dev}
	sw := &sweep{B: B, g: g, x: b.alloc(N0, B), out: b.alloc(1, B)}
	xNode := b.input("X", sw.x)
	outNode := b.input("out", sw.out)
	for l, ly := range net.layers {
		s := &layerSweep{}
		p := fmt.Sprintf("l%d.", l)
		s.m, s.sigma = b.input(p+"m", ly.m), b.input(p+"sigma", ly.sigma)
		s.h, s.hext, s.mask = b.input(p+"H", ly.h), b.input(p+"Hext", ly.hext), b.input(p+"mask", ly.mask)
		s.psi, s.r = b.input(p+"psi", ly.psi), b.input(p+"r", ly.r)
		if !ly.first {
			s.b = b.alloc(ly.N, B)
			s.bIn = b.input(p+"B", s.b)
		}
		if ly.kind == CBPI {
			s.omegaIn, s.omegaExtIn = b.input(p+"Omega", ly.omega), b.input(p+"Omegaext", ly.omegaExt)
		}
		switch ly.kind {
		case AMP:
			s.mold, s.gold, s.xhatold = b.alloc(ly.m.Shape()...), b.alloc(ly.K, B), b.alloc(ly.N, B)
			s.moldIn, s.goldIn, s.xhatoldIn = b.input(p+"mold", s.mold), b.input(p+"gold", s.gold), b.input(p+"xhatold", s.xhatold)
		case BP:
			s.mcav = b.alloc(ly.K, ly.N, B)
			s.mcavIn = b.input(p+"mcav", s.mcav)
			if !ly.first {
				s.bcav = b.alloc(ly.K, ly.N, B)
				s.bcavIn = b.input(p+"Bcav", s.bcav)
			}
		}
		sw.ls = append(sw.ls, s)
	}
	// Forward over the layers (ALGORITHMS §8).
	for l, ly := range net.layers {
		var bupBelow *gorgonia.Node
		if l > 0 {
			bupBelow = sw.ls[l-1].bup
		}
		if err := b.forward(ly, sw.ls[l], xNode, bupBelow, net.cfg.AMPUnmaskedSigma); err != nil {
			return nil, errors.Wrapf(err, "mpnet: layer %d (%v) forward", l, ly.kind)
		}
	}
	// Backward over the layers.
	for l := len(net.layers) - 1; l >= 0; l-- {
		ly := net.layers[l]
		btop := outNode
		if l < len(net.layers)-1 {
			btop = sw.ls[l+1].bNew
		}
		if err := b.backward(ly, sw.ls[l], btop); err != nil {
			return nil, errors.Wrapf(err, "mpnet: layer %d (%v) backward", l, ly.kind)
		}
	}
	if b.err != nil {
		return nil, errors.Wrap(b.err, "mpnet: building the sweep graph")
	}
	if b.err != nil {
		return nil, errors.Wrap(b.err, "mpnet: allocating the sweep state")
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

// forward adds the forward step of layer ly (ALGORITHMS §7): the input
// statistics x̂, Δ, the pre-activation mean ω and variance V, and the upward
// field Bup (not for the last layer).
func (b *builder) forward(ly *layer, s *layerSweep, x, bupBelow *gorgonia.Node, ampUnmasked bool) error {
	B := x.Shape()[1]
	if ly.first {
		s.xhat = x // x̂ = X, Δ = 0 (§7.7)
	} else {
		s.xhat = b.do(ops.TanhSum(bupBelow, s.bIn)) // x̂ = tanh(Bup_below + B)
		s.delta = b.do(ops.OneMinusSquare(s.xhat))  // Δ = 1 − x̂²
	}
	sigma := s.sigma
	if ly.kind == AMP && ampUnmasked {
		sigma = b.do(ops.OneMinusSquare(s.m)) // σ = 1 − m², unmasked (§15.2)
	}
	switch ly.kind {
	case AMP:
		s.omega = b.ampOmega(ly, s, sigma)
	case BP:
		b.bpForward(ly, s, bupBelow)
	default: // BPI, MF, ArgMax
		s.omega = b.wx(ly, s.m, s.xhat) // ω = m x̂
	}
	// V = σ(x̂² + Δ) + m²Δ + 1e-8; on the first layer Δ = 0: V = σ x̂² + 1e-8.
	if ly.first {
		sx := b.wx(ly, sigma, b.do(ops.Square(s.xhat)))
		s.v = b.do(ops.Variance(sx, b.constant(fmt.Sprintf("zeroKB%p", ly), 0, ly.K, B)))
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
// btop from above: the output function, the downward field B (not for the
// first layer), the field H and the damped marginals (ALGORITHMS §7).
func (b *builder) backward(ly *layer, s *layerSweep, btop *gorgonia.Node) error {
	var hin *gorgonia.Node
	switch ly.kind {
	case BPI:
		hin = b.bpiBackward(ly, s, btop)
	case CBPI:
		hin = b.cbpiBackward(ly, s, btop)
	case MF:
		s.g = b.do(ops.SignChannel(btop, s.omega, s.v)) // g = g_channel(Btop, ω, V)
		hin = b.mfFields(ly, s)
	case ArgMax:
		s.g = b.do(ops.ArgMaxChannel(s.omega, s.v, btop))
		hin = b.mfFields(ly, s)
	case AMP:
		hin = b.ampBackward(ly, s, btop)
	case BP:
		hin = b.bpBackward(ly, s, btop)
	}
	if b.err != nil {
		return b.err
	}
	s.hNew = b.field(ly, s, hin) // H = Hin + Hext + r·H_old, or the focusing field (focus.go)
	if ly.kind == CBPI {
		b.cbpiMarginals(ly, s) // m = (ψm + (1−ψ)H/Ω)·mask, σ = mask/Ω
		return b.err
	}
	if ly.kind == ArgMax {
		s.hNew = b.do(ops.Damp(s.h, s.hNew, s.psi))   // H = ψ·H + (1 − ψ)·Hnew
		s.mNew = b.do(ops.MaskedTanh(s.hNew, s.mask)) // m = tanh(H)·mask
	} else {
		s.mNew = b.do(ops.DampedTanh(s.m, s.hNew, s.mask, s.psi)) // m = (ψm + (1−ψ)tanh H)·mask
	}
	s.sigmaNew = b.do(ops.BinaryVariance(s.mNew, s.mask)) // σ = (1 − m²)·mask
	if ly.kind == BP {
		b.bpMarginals(ly, s)
	}
	return b.err
}

// mfFields adds the mean-field contractions of §7.3 and §7.5 from g:
// B = mᵀg (not for the first layer) and returns Hin = g x̂ᵀ.
func (b *builder) mfFields(ly *layer, s *layerSweep) *gorgonia.Node {
	if !ly.first {
		s.bNew = b.wtg(ly, s.m, s.g)
	}
	return b.gxt(ly, s.g, s.xhat)
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
