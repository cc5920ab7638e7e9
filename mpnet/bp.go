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
// gcav, Hin and B come from one pass over the cavities (ops.BPCavityBackward),
// the new mcav and Bcav from another (ops.BPCavityMagDown). B and Bcav use
// the cavity means from before this iteration's update. A
// new mini-batch resets mcav = m (broadcast over the batch) and Bcav = 0,
// so at τmax = 1 BP equals BPI. There are no device kernels for the
// K×N×B cavities (kind.go), and a masked BP layer stays dense.
type bp struct {
	binaryWeights

	mcav, bcav     *tensor.Dense  // K×N×B cavity means and downward fields (bcav nil on the first layer)
	mcavIn, bcavIn *gorgonia.Node // input nodes bound to them
	xcav, gcav     *gorgonia.Node // cavity activation means (or x̂ broadcast); gcav, Hin and B (BPCavityBackward)
	mcavNew        *gorgonia.Node // the new mcav (first layer), or the new mcav and Bcav (BPCavityMagDown)
	packed         *tensor.Dense  // the value of mcavNew that mcav and Bcav are the halves of
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
	// gcav, Hin = Σ_n gcav·x̂cav and B = Σ_k mcav·gcav, in one vector
	r.gcav = b.do(ops.BPCavityBackward(btop, s.omega, s.v, r.mcavIn, r.xcav, !ly.first))
	knb, kn := ly.K*ly.N*b.B, ly.K*ly.N
	if !ly.first {
		s.bNew = b.do(ops.Section(r.gcav, knb+kn, ly.N, b.B))
	}
	return b.do(ops.Section(r.gcav, knb, ly.K, ly.N))
}

func (r *bp) marginals(b *builder, ly *layer, s *layerSweep) {
	b.dampedTanh(s)
	if ly.first {
		r.mcavNew = b.do(ops.BPCavityMag(r.mcavIn, s.hNew, r.gcav, r.xcav, s.mask, s.psi))
		return
	}
	// the new mcav, and Bcav = B − mcav·gcav from the mcav before it
	r.mcavNew = b.do(ops.BPCavityMagDown(r.mcavIn, s.hNew, r.gcav, r.xcav, s.mask, s.psi, s.bNew))
}

// reset sets mcav[k,i,n] = m[k,i] and Bcav = 0.
func (r *bp) reset(ly *layer, _ *tensor.Dense) {
	broadcastM(r.mcav, ly.m, r.mcav.Shape()[2])
	if r.bcav != nil {
		fill(r.bcav, 0)
	}
}

// commit makes the new mcav and Bcav the state without copying their
// K×N×B elements: the input nodes are bound to the value of mcavNew (on
// the first layer) or to its two halves. That value is also the op's
// preallocated output, so from the next sweep on the op writes the state
// it reads in place; BPCavityMag and BPCavityMagDown allow it (element by
// element, each input element is read before the output element at its
// place is written), and the state's readers (BPCavityMeans for Bcav;
// every op before them for mcav) run before them in each sweep. Should a
// binding fail, it copies.
func (r *bp) commit(_ *layer, _ *layerSweep) {
	v := value(r.mcavNew)
	if v == r.packed || v == r.mcav {
		return
	}
	if r.bcav == nil {
		if ops.DeviceOf(r.mcav) != nil || gorgonia.Let(r.mcavIn, v) != nil {
			copyDense(r.mcav, v)
			return
		}
		r.mcav = v
		return
	}
	mc, bc := halves(v)
	if ops.DeviceOf(r.mcav) != nil || gorgonia.Let(r.mcavIn, mc) != nil || gorgonia.Let(r.bcavIn, bc) != nil {
		copyDense(r.mcav, mc)
		copyDense(r.bcav, bc)
		_ = gorgonia.Let(r.mcavIn, r.mcav) // back to the binding it had
		return
	}
	r.mcav, r.bcav, r.packed = mc, bc, v
}

// halves returns the two K×N×B halves of a 2×K×N×B host tensor, sharing
// its elements.
func halves(v *tensor.Dense) (first, second *tensor.Dense) {
	s := v.Shape()[1:].Clone()
	n := s.TotalSize()
	if v.Dtype() == tensor.Float64 {
		d := v.Float64s()
		return tensor.New(tensor.WithShape(s...), tensor.WithBacking(d[:n])), tensor.New(tensor.WithShape(s...), tensor.WithBacking(d[n:]))
	}
	d := v.Float32s()
	return tensor.New(tensor.WithShape(s...), tensor.WithBacking(d[:n])), tensor.New(tensor.WithShape(s...), tensor.WithBacking(d[n:]))
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
