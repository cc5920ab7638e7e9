package mpnet

import (
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// bpForward adds the cavity part of the BP forward step (ALGORITHMS §7.1):
//
//	x̂cav[k,i,n] = tanh(Bup_below[i,n] + Bcav[k,i,n])    (first layer: x̂cav = X for every k)
//	ω[k,n]      = Σ_i mcav[k,i,n]·x̂cav[k,i,n]
//
// The cavity pre-activations ωcav = ω − mcav·x̂cav are formed inside the
// backward op rather than stored.
func (b *builder) bpForward(ly *layer, s *layerSweep, bupBelow *gorgonia.Node) {
	if ly.first {
		s.xcav = s.xhat
	} else {
		s.xcav = b.do(ops.BPCavityMeans(bupBelow, s.bcavIn))
	}
	s.omega = b.do(ops.BPOmega(s.mcavIn, s.xcav))
}

// bpBackward adds the BP backward contractions and returns Hin:
//
//	gcav[k,i,n] = g(Btop[k,n], ωcav[k,i,n], V[k,n])
//	B[i,n]      = Σ_k mcav·gcav,   Bcav = B − mcav·gcav          (not on the first layer)
//	Hin[k,i]    = Σ_n gcav·x̂cav
//
// B and Bcav use the cavity means from before this iteration's update.
func (b *builder) bpBackward(ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	s.gcav = b.do(ops.BPCavityG(btop, s.omega, s.v, s.mcavIn, s.xcav))
	if !ly.first {
		s.bNew = b.do(ops.BPDownField(s.mcavIn, s.gcav))
		s.bcavNew = b.do(ops.BPCavityDown(s.bNew, s.mcavIn, s.gcav))
	}
	return b.do(ops.BPHin(s.gcav, s.xcav))
}

// bpMarginals adds the damped cavity magnetizations
// mcav ← (ψ·mcav + (1−ψ)·tanh(H − gcav·x̂cav))·mask.
func (b *builder) bpMarginals(ly *layer, s *layerSweep) {
	s.mcavNew = b.do(ops.BPCavityMag(s.mcavIn, s.hNew, s.gcav, s.xcav, s.mask, s.psi))
}
