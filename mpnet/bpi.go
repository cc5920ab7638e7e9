package mpnet

import (
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// bpi is the rule of a BPI layer (ALGORITHMS §7.2), the paper's "BP": BP
// without stored cavities, the cavity being taken only inside the output
// function and contracted on the fly. Its weights are ±1 and it keeps no
// batch state beyond B. Forward:
//
//	ω = m x̂,   V = σ(x̂² + Δ) + m²Δ + 1e-8   (common),   Bup = atanh2Hm1(−ω/√V)
//
// Backward, with gcav never stored:
//
//	gcav[k,i,n] = g(Btop[k,n], ω[k,n] − m[k,i]·x̂[i,n], V[k,n])
//	B[i,n]      = Σ_k m[k,i]·gcav[k,i,n]          (not on the first layer)
//	Hin[k,i]    = Σ_n gcav[k,i,n]·x̂[i,n]
//	H = Hin + Hext + r·H_old (or the focusing field),   m = (ψm + (1−ψ)tanh H)·mask.
type bpi struct{ bpiFamily }

func newBPI(*Config) rule { return bpi{} }

func (bpi) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	return b.bpiCavity(ly, s, btop)
}

func (bpi) marginals(b *builder, _ *layer, s *layerSweep) { b.dampedTanh(s) }

// bpiFamily is what the BPI, MF and ArgMax rules share: ±1 weights, no
// batch state beyond B, the BPI forward step (ω = m x̂, V from the two
// variance products), and storage of the present weights only for a sparse
// layer.
type bpiFamily struct {
	binaryWeights
	noBatchState
	bpiForward
}

func (bpiFamily) sparse() bool { return true }

// bpiForward is the forward step of BPI, which MF, ArgMax and CBPI share
// (ALGORITHMS §7.3, §7.5, §7.6): ω = m x̂, and V from the masked σ.
type bpiForward struct{}

func (bpiForward) forward(b *builder, ly *layer, s *layerSweep, _ *gorgonia.Node) (omega, sigma *gorgonia.Node) {
	return b.wx(ly, s.m, s.xhat), s.sigma
}

// bpiCavity adds the BPI cavity contractions B (not on the first layer, set
// in s.bNew) and Hin (returned), both from one fused op (ops.BPICavity, or
// ops.BPICavitySparse over the present weights). CBPI shares them.
func (b *builder) bpiCavity(ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	B := s.xhat.Shape()[1]
	var packed *gorgonia.Node
	hin := []int{ly.K, ly.N}
	if ly.pat != nil {
		packed = b.do(ops.BPICavitySparse(ly.pat, s.m, s.xhat, s.omega, s.v, btop, !ly.first))
		hin = []int{ly.pat.NNZ()}
	} else {
		packed = b.do(ops.BPICavity(s.m, s.xhat, s.omega, s.v, btop, !ly.first))
	}
	if b.err != nil {
		return nil
	}
	n := hin[0]
	if len(hin) == 2 {
		n *= hin[1]
	}
	if !ly.first {
		s.bNew = b.do(ops.Section(packed, n, ly.N, B))
	}
	return b.do(ops.Section(packed, 0, hin...))
}
