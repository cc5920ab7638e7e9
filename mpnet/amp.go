package mpnet

import (
	"fmt"

	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// ampOmega adds the AMP pre-activation mean of ALGORITHMS §7.4,
//
//	ω = m x̂ − gold⊙(σ(x̂⊙x̂old)) − gold⊙((m⊙mold)Δ) + gold²⊙((σ⊙mold)(x̂old⊙Δ)),
//
// where the last two products vanish on the first layer (Δ = 0).
func (b *builder) ampOmega(ly *layer, s *layerSweep, sigma *gorgonia.Node) *gorgonia.Node {
	s.ampSigma = sigma
	p1 := b.wx(ly, s.m, s.xhat)
	p2 := b.wx(ly, sigma, b.do(ops.Mul(s.xhat, s.xhatoldIn)))
	var p3, p4 *gorgonia.Node
	if ly.first {
		p3 = b.zeros(ly, "KB", p1)
		p4 = p3
	} else {
		p3 = b.wx(ly, b.do(ops.Mul(s.m, s.moldIn)), s.delta)
		p4 = b.wx(ly, b.do(ops.Mul(sigma, s.moldIn)), b.do(ops.Mul(s.xhatoldIn, s.delta)))
	}
	return b.do(ops.AMPOmega(p1, p2, p3, p4, s.goldIn))
}

// ampBackward adds the AMP backward step of ALGORITHMS §7.4 and returns Hin:
//
//	g = g_channel(Btop, ω, V),  Γ = g⊙(ω/V + g)
//	B   = mᵀg + x̂⊙((m²)ᵀΓ) − x̂old⊙(σᵀ(g⊙gold)) − x̂⊙x̂old⊙((σ⊙m)ᵀ(gold⊙Γ))
//	Hin = g x̂ᵀ + m⊙(Γ(x̂²)ᵀ) − mold⊙((g⊙gold)Δᵀ) − m⊙mold⊙((gold⊙Γ)(Δ⊙x̂)ᵀ)
//
// On the first layer B is not needed and the Δ terms of Hin vanish.
func (b *builder) ampBackward(ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	s.g = b.do(ops.SignChannel(btop, s.omega, s.v))
	gamma := b.do(ops.Gamma(s.g, s.omega, s.v))
	ggold := b.do(ops.Mul(s.g, s.goldIn))
	goldGamma := b.do(ops.Mul(s.goldIn, gamma))
	if !ly.first {
		q1 := b.wtg(ly, s.m, s.g)
		q2 := b.wtg(ly, b.do(ops.Square(s.m)), gamma)
		q3 := b.wtg(ly, s.ampSigma, ggold)
		q4 := b.wtg(ly, b.do(ops.Mul(s.ampSigma, s.m)), goldGamma)
		s.bNew = b.do(ops.AMPField(q1, q2, q3, q4, s.xhat, s.xhatoldIn))
	}
	r1 := b.gxt(ly, s.g, s.xhat)
	r2 := b.gxt(ly, gamma, b.do(ops.Square(s.xhat)))
	var r3, r4 *gorgonia.Node
	if ly.first {
		r3 = b.zeros(ly, "KN", r1)
		r4 = r3
	} else {
		r3 = b.gxt(ly, ggold, s.delta)
		r4 = b.gxt(ly, goldGamma, b.do(ops.Mul(s.delta, s.xhat)))
	}
	return b.do(ops.AMPField(r1, r2, r3, r4, s.m, s.moldIn))
}

// zeros returns a constant zero node shaped like like.
func (b *builder) zeros(ly *layer, tag string, like *gorgonia.Node) *gorgonia.Node {
	if b.err != nil || like == nil {
		return nil
	}
	return b.constant(fmt.Sprintf("zero%s%p", tag, ly), 0, like.Shape()...)
}
