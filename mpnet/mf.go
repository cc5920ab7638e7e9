package mpnet

import (
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// mf is the rule of a mean-field layer (ALGORITHMS §7.3): no cavity at all.
// Its weights are ±1 and it keeps no batch state beyond B. The forward step
// is that of BPI (ω = m x̂); backward:
//
//	g   = g_sign(Btop, ω, V)                      (K×B)
//	B   = mᵀg                                     (not on the first layer)
//	Hin = g x̂ᵀ
//	H = Hin + Hext + r·H_old,   m = (ψm + (1−ψ)tanh H)·mask.
type mf struct{ bpiFamily }

func newMF(*Config) rule { return mf{} }

func (mf) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	g := b.do(ops.SignChannel(btop, s.omega, s.v)) // g = g_sign(Btop, ω, V)
	return b.mfFields(ly, s, g)
}

func (mf) marginals(b *builder, _ *layer, s *layerSweep) { b.dampedTanh(s) }

// mfFields adds the mean-field contractions of the output function g
// (§7.3, and §7.5 for ArgMax): B = mᵀg (not on the first layer, set in
// s.bNew) and returns Hin = g x̂ᵀ.
func (b *builder) mfFields(ly *layer, s *layerSweep, g *gorgonia.Node) *gorgonia.Node {
	if !ly.first {
		s.bNew = b.wtg(ly, s.m, g)
	}
	return b.gxt(ly, g, s.xhat)
}
