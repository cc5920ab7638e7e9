package mpnet

import (
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// bp is the rule of a belief-propagation layer with stored cavity messages
// (ALGORITHMS §7.1); its weights are ±1. Besides B it keeps, for the
// current mini-batch, the K×N×B cavity means mcav of the weights and
// cavity downward fields Bcav (not on the first layer). Forward:
//
//	x̂cav[k,i,n] = tanh(Bup_below[i,n] + Bcav[k,i,n])    (first layer: x̂cav = X for every k)
//	ω[k,n]      = Σ_i mcav[k,i,n]·x̂cav[k,i,n]
//
// with V from the full x̂, Δ and the masked σ; the cavity pre-activations
// ωcav = ω − mcav·x̂cav are formed inside the backward op rather than
// stored. Backward:
//
//	gcav[k,i,n] = g(Btop[k,n], ωcav[k,i,n], V[k,n])
//	B[i,n]      = Σ_k mcav·gcav,   Bcav = B − mcav·gcav          (not on the first layer)
//	Hin[k,i]    = Σ_n gcav·x̂cav
//	H = Hin + Hext + r·H_old (or the focusing field),   m = (ψm + (1−ψ)tanh H)·mask
//	mcav ← (ψ·mcav + (1−ψ)·tanh(H − gcav·x̂cav))·mask
//
// B and Bcav use the cavity means from before this iteration's update. A
// new mini-batch resets mcav = m (broadcast over the batch) and Bcav = 0,
// so at τmax = 1 BP equals BPI. There are no device kernels for the
// K×N×B cavities (kind.go), and a masked BP layer stays dense.
type bp struct {
	binaryWeights

	mcav, bcav     *tensor.Dense  // K×N×B cavity means and downward fields (bcav nil on the first layer)
	mcavIn, bcavIn *gorgonia.Node // input nodes bound to them
	xcav, gcav     *gorgonia.Node // cavity activation means (or x̂ broadcast) and output functions
	mcavNew        *gorgonia.Node
	bcavNew        *gorgonia.Node
}

func newBP(*Config) rule { return &bp{} }

func (*bp) sparse() bool { return false }

func (r *bp) bind(b *builder, ly *layer, p string) {
	r.mcav, r.bcav, r.bcavIn = b.alloc(ly.K, ly.N, b.B), nil, nil
	r.mcavIn = b.input(p+"mcav", r.mcav)
	if !ly.first {
		r.bcav = b.alloc(ly.K, ly.N, b.B)
		r.bcavIn = b.input(p+"Bcav", r.bcav)
	}
}

func (r *bp) forward(b *builder, ly *layer, s *layerSweep, bupBelow *gorgonia.Node) (omega, sigma *gorgonia.Node) {
	if ly.first {
		r.xcav = s.xhat
	} else {
		r.xcav = b.do(ops.BPCavityMeans(bupBelow, r.bcavIn)) // x̂cav = tanh(Bup_below + Bcav)
	}
	return b.do(ops.BPOmega(r.mcavIn, r.xcav)), s.sigma // ω = Σ_i mcav·x̂cav
}

func (r *bp) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	r.gcav = b.do(ops.BPCavityG(btop, s.omega, s.v, r.mcavIn, r.xcav))
	r.bcavNew = nil
	if !ly.first {
		s.bNew = b.do(ops.BPDownField(r.mcavIn, r.gcav))             // B = Σ_k mcav·gcav
		r.bcavNew = b.do(ops.BPCavityDown(s.bNew, r.mcavIn, r.gcav)) // Bcav = B − mcav·gcav
	}
	return b.do(ops.BPHin(r.gcav, r.xcav)) // Hin = Σ_n gcav·x̂cav
}

func (r *bp) marginals(b *builder, _ *layer, s *layerSweep) {
	b.dampedTanh(s)
	r.mcavNew = b.do(ops.BPCavityMag(r.mcavIn, s.hNew, r.gcav, r.xcav, s.mask, s.psi))
}

// reset sets mcav[k,i,n] = m[k,i] and Bcav = 0.
func (r *bp) reset(ly *layer, _ *tensor.Dense) {
	broadcastM(r.mcav, ly.m, r.mcav.Shape()[2])
	if r.bcav != nil {
		fill(r.bcav, 0)
	}
}

func (r *bp) commit(_ *layer, _ *layerSweep) {
	r.mcav = adopt(r.mcavIn, r.mcavNew, r.mcav)
	if r.bcavNew != nil {
		r.bcav = adopt(r.bcavIn, r.bcavNew, r.bcav)
	}
}

// adopt makes the value of node nw, the new state, the state in place of
// old without copying its K×N×B elements: the input node in is bound to it.
// nw's value is also its preallocated output, so from the next sweep on the
// op writes the state it reads in place; BPCavityMag and BPCavityDown allow
// it (element by element, each input element is read before the output
// element at its place is written), and the state's readers
// (BPCavityMeans for Bcav; every op before BPCavityMag for mcav) run
// before them in each sweep. Should the binding fail, it copies.
func adopt(in, nw *gorgonia.Node, old *tensor.Dense) *tensor.Dense {
	v := value(nw)
	if v == old {
		return old
	}
	if ops.DeviceOf(old) != nil || gorgonia.Let(in, v) != nil {
		copyDense(old, v)
		return old
	}
	return v
}

func (r *bp) release(dev ops.Device) {
	for _, t := range []*tensor.Dense{r.mcav, r.bcav} {
		if t != nil {
			dev.Release(t)
		}
	}
}

// broadcastM sets mcav[k,i,n] = m[k,i] for host tensors.
func broadcastM(mcav, m *tensor.Dense, B int) {
	if m.Dtype() == tensor.Float64 {
		dst, src := mcav.Float64s(), m.Float64s()
		for j, v := range src {
			row := dst[j*B : (j+1)*B]
			for n := range row {
				row[n] = v
			}
		}
		return
	}
	dst, src := mcav.Float32s(), m.Float32s()
	for j, v := range src {
		row := dst[j*B : (j+1)*B]
		for n := range row {
			row[n] = v
		}
	}
}
