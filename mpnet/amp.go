package mpnet

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// amp is the rule of an AMP layer (ALGORITHMS §7.4, the reference's "tap"):
// full quantities with first-order (Onsager) corrections from the previous
// iteration in place of cavities. Its weights are ±1; besides B it keeps,
// for the current mini-batch, mold = m^{t−2} (K×N), gold = g^{t−1} (K×B)
// and x̂old = x̂^{t−1} (N×B). Forward:
//
//	ω = m x̂ − gold⊙(σ(x̂⊙x̂old)) − gold⊙((m⊙mold)Δ) + gold²⊙((σ⊙mold)(x̂old⊙Δ))
//
// where the last two products vanish on the first layer (Δ = 0), and σ is
// the masked one, or 1 − m² unmasked with Config.AMPUnmaskedSigma (the
// reference's quirk, §15.2; such a layer stays dense). Backward:
//
//	g = g_sign(Btop, ω, V),  Γ = g⊙(ω/V + g)
//	B   = mᵀg + x̂⊙((m²)ᵀΓ) − x̂old⊙(σᵀ(g⊙gold)) − x̂⊙x̂old⊙((σ⊙m)ᵀ(gold⊙Γ))
//	Hin = g x̂ᵀ + m⊙(Γ(x̂²)ᵀ) − mold⊙((g⊙gold)Δᵀ) − m⊙mold⊙((gold⊙Γ)(Δ⊙x̂)ᵀ)
//	H = Hin + Hext + r·H_old,   m = (ψm + (1−ψ)tanh H)·mask
//
// (on the first layer B is not needed and the Δ terms of Hin vanish), then
// mold = m, gold = g, x̂old = x̂. A new mini-batch resets gold = 0, mold = m
// and x̂old = 0 (the first layer keeps x̂old = X).
type amp struct {
	binaryWeights
	unmasked bool // σ = 1 − m² in the forward step (Config.AMPUnmaskedSigma)

	mold, gold, xhatold       *tensor.Dense  // the previous iteration's m, g, x̂
	moldIn, goldIn, xhatoldIn *gorgonia.Node // input nodes bound to them
	sigma, g                  *gorgonia.Node // the σ of the forward step, the output function
}

func newAMP(cfg *Config) rule { return &amp{unmasked: cfg.AMPUnmaskedSigma} }

// sparse: the unmasked σ involves the absent weights.
func (r *amp) sparse() bool { return !r.unmasked }

func (r *amp) bind(b *builder, ly *layer, p string) {
	r.mold, r.gold, r.xhatold = b.alloc(ly.m.Shape()...), b.alloc(ly.K, b.B), b.alloc(ly.N, b.B)
	r.moldIn, r.goldIn, r.xhatoldIn = b.input(p+"mold", r.mold), b.input(p+"gold", r.gold), b.input(p+"xhatold", r.xhatold)
}

func (r *amp) forward(b *builder, ly *layer, s *layerSweep, _ *gorgonia.Node) (omega, sigma *gorgonia.Node) {
	r.sigma = s.sigma
	if r.unmasked {
		r.sigma = b.do(ops.OneMinusSquare(s.m)) // σ = 1 − m², unmasked (§15.2)
	}
	p1 := b.wx(ly, s.m, s.xhat)
	p2 := b.wx(ly, r.sigma, b.do(ops.Mul(s.xhat, r.xhatoldIn)))
	var p3, p4 *gorgonia.Node
	if ly.first {
		p3 = b.zeros(ly, "KB", p1)
		p4 = p3
	} else {
		p3 = b.wx(ly, b.do(ops.Mul(s.m, r.moldIn)), s.delta)
		p4 = b.wx(ly, b.do(ops.Mul(r.sigma, r.moldIn)), b.do(ops.Mul(r.xhatoldIn, s.delta)))
	}
	return b.do(ops.AMPOmega(p1, p2, p3, p4, r.goldIn)), r.sigma
}

func (r *amp) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	r.g = b.do(ops.SignChannel(btop, s.omega, s.v))
	gamma := b.do(ops.Gamma(r.g, s.omega, s.v))
	ggold := b.do(ops.Mul(r.g, r.goldIn))
	goldGamma := b.do(ops.Mul(r.goldIn, gamma))
	if !ly.first {
		q1 := b.wtg(ly, s.m, r.g)
		q2 := b.wtg(ly, b.do(ops.Square(s.m)), gamma)
		q3 := b.wtg(ly, r.sigma, ggold)
		q4 := b.wtg(ly, b.do(ops.Mul(r.sigma, s.m)), goldGamma)
		s.bNew = b.do(ops.AMPField(q1, q2, q3, q4, s.xhat, r.xhatoldIn))
	}
	r1 := b.gxt(ly, r.g, s.xhat)
	r2 := b.gxt(ly, gamma, b.do(ops.Square(s.xhat)))
	var r3, r4 *gorgonia.Node
	if ly.first {
		r3 = b.zeros(ly, "KN", r1)
		r4 = r3
	} else {
		r3 = b.gxt(ly, ggold, s.delta)
		r4 = b.gxt(ly, goldGamma, b.do(ops.Mul(s.delta, s.xhat)))
	}
	return b.do(ops.AMPField(r1, r2, r3, r4, s.m, r.moldIn))
}

func (*amp) marginals(b *builder, _ *layer, s *layerSweep) { b.dampedTanh(s) }

// reset sets gold = 0, mold = m and x̂old = 0, or x̂old = X on the first layer.
func (r *amp) reset(ly *layer, x *tensor.Dense) {
	fill(r.gold, 0)
	copyDense(r.mold, ly.m)
	if ly.first {
		copyDense(r.xhatold, x)
	} else {
		fill(r.xhatold, 0)
	}
}

// commit sets mold = m^{t−1} (the layer's m before the network copies the
// new one), gold = g and x̂old = x̂.
func (r *amp) commit(ly *layer, s *layerSweep) {
	copyDense(r.mold, ly.m)
	copyDense(r.gold, value(r.g))
	copyDense(r.xhatold, value(s.xhat))
}

func (r *amp) release(dev ops.Device) {
	for _, t := range []*tensor.Dense{r.mold, r.gold, r.xhatold} {
		if t != nil {
			dev.Release(t)
		}
	}
}

// zeros returns a constant zero node shaped like like.
func (b *builder) zeros(ly *layer, tag string, like *gorgonia.Node) *gorgonia.Node {
	if b.err != nil || like == nil {
		return nil
	}
	return b.constant(fmt.Sprintf("zero%s%p", tag, ly), 0, like.Shape()...)
}
