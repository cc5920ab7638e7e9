package mpnet

import (
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// bpiBackward adds the backward step of a BPI layer (ALGORITHMS §7.2):
//
//	gcav[k,i,n] = g(Btop[k,n], ω[k,n] − m[k,i]·x̂[i,n], V[k,n])    (never stored)
//	B[i,n]      = Σ_k m[k,i]·gcav[k,i,n]                          (not on the first layer)
//	Hin[k,i]    = Σ_n gcav[k,i,n]·x̂[i,n]
//
// and returns Hin. Both contractions come from one fused op.
func (b *builder) bpiBackward(ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
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
