package mpnet

import (
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// argmax is the rule of the multi-class output layer (ALGORITHMS §7.5),
// K = C classes, labels the class indices c. Its weights are ±1 and it keeps
// no batch state beyond B. The forward step is that of BPI (ω = m x̂, no Bup:
// it is the last layer); backward, with S_kn = √(V[k,n] + V[c,n]):
//
//	g[k,n] = −GH(−(ω[c,n] − ω[k,n])/S_kn)/S_kn   (k ≠ c),   g[c,n] = −Σ_{k≠c} g[k,n]
//	B      = mᵀg                                           (not on the first layer)
//	Hin    = g x̂ᵀ,   Hnew = Hin + Hext + r·H_old (or the focusing field)
//	H      = ψ·H + (1 − ψ)·Hnew    (damping on H, not on m),   m = tanh(H)·mask.
type argmax struct{ bpiFamily }

func newArgMax(*Config) rule { return argmax{} }

func (argmax) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	g := b.do(ops.ArgMaxChannel(s.omega, s.v, btop)) // btop holds the class indices
	return b.mfFields(ly, s, g)
}

// marginals damps H rather than m: H = ψ·H + (1 − ψ)·Hnew, m = tanh(H)·mask,
// σ = (1 − m²)·mask.
func (argmax) marginals(b *builder, _ *layer, s *layerSweep) {
	s.hNew = b.do(ops.Damp(s.h, s.hNew, s.psi))
	s.mNew = b.do(ops.MaskedTanh(s.hNew, s.mask))
	s.sigmaNew = b.do(ops.BinaryVariance(s.mNew, s.mask))
}
