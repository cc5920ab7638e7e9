package compare

import (
	"fmt"
	"math"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// bnGraph is the training graph of a BinaryNet for one batch size B: inputs
// x (B×N_0) and targets t (B×C) bound to tensors that Step fills, the weight
// nodes bound to the network's latent weight tensors, the loss, its
// gradients (gorgonia.Grad) and the TapeMachine that runs them.
type bnGraph struct {
	g      *gorgonia.ExprGraph
	x, t   *gorgonia.Node
	xT, tT *tensor.Dense
	ws     gorgonia.Nodes
	loss   *gorgonia.Node
	vm     gorgonia.VM
	model  []gorgonia.ValueGrad
}

// graph returns the training graph for batch size B, building it on first use.
func (bn *BinaryNet) graph(B int) (*bnGraph, error) {
	if gr, ok := bn.graphs[B]; ok {
		return gr, nil
	}
	gr, err := bn.build(B)
	if err != nil {
		return nil, errors.Wrapf(err, "compare: building the BinaryNet graph for batch size %d", B)
	}
	bn.graphs[B] = gr
	return gr, nil
}

// build makes the graph of the BinaryNet doc comment for batch size B.
func (bn *BinaryNet) build(B int) (*bnGraph, error) {
	dt, L := bn.rv.dt, bn.L()
	N0, C := bn.widths[0], bn.widths[L]
	gr := &bnGraph{g: gorgonia.NewGraph()}
	gr.xT = tensor.New(tensor.WithShape(B, N0), tensor.Of(dt))
	gr.tT = tensor.New(tensor.WithShape(B, C), tensor.Of(dt))
	gr.x = gorgonia.NewMatrix(gr.g, dt, gorgonia.WithShape(B, N0), gorgonia.WithName("x"), gorgonia.WithValue(gr.xT))
	gr.t = gorgonia.NewMatrix(gr.g, dt, gorgonia.WithShape(B, C), gorgonia.WithName("t"), gorgonia.WithValue(gr.tT))
	h := gr.x
	var err error
	for l := 0; l < L; l++ {
		N, K := bn.widths[l], bn.widths[l+1]
		w := gorgonia.NewMatrix(gr.g, dt, gorgonia.WithShape(N, K), gorgonia.WithName(fmt.Sprintf("W%d", l)), gorgonia.WithValue(bn.w[l]))
		gr.ws = append(gr.ws, w)
		var mask *gorgonia.Node
		if bn.mask[l] != nil {
			mask = gorgonia.NewMatrix(gr.g, dt, gorgonia.WithShape(N, K), gorgonia.WithName(fmt.Sprintf("mask%d", l)), gorgonia.WithValue(bn.mask[l]))
		}
		wb := w
		switch {
		case bn.s.Binary:
			wb, err = BinarizeSTE(w, mask)
		case mask != nil:
			wb, err = gorgonia.HadamardProd(w, mask)
		}
		if err != nil {
			return nil, err
		}
		if h, err = gorgonia.Mul(h, wb); err != nil { // B×K
			return nil, err
		}
		if h, err = gorgonia.Mul(h, bnConst(dt, 1/math.Sqrt(float64(N)))); err != nil {
			return nil, err
		}
		if l < L-1 {
			if h, err = SignSTE(h); err != nil {
				return nil, err
			}
		}
	}
	if gr.loss, err = bnLossNode(bn.rv.loss, h, gr.t, B); err != nil {
		return nil, err
	}
	grads, err := gorgonia.Grad(gr.loss, gr.ws...)
	if err != nil {
		return nil, err
	}
	// Grad also adds gradients nobody reads (of x, of the scale constants):
	// the machine runs only the ancestors of the loss and the weight gradients.
	sub := gr.g.SubgraphRoots(append(gorgonia.Nodes{gr.loss}, grads...)...)
	gr.vm = gorgonia.NewTapeMachine(sub, gorgonia.BindDualValues(gr.ws...))
	gr.model = gorgonia.NodesToValueGrads(gr.ws)
	return gr, nil
}

// Step trains on one mini-batch: x holds B samples (B×N_0, one per row), y
// their labels (±1 for one output, class indices for C outputs). It runs the
// forward and backward pass, one solver step and, for binary weights, the
// clipping of the latent weights to [−1, 1], and returns the mini-batch
// loss before the update. A non-finite loss is an error (and the weights
// are left unchanged). The first Step with a new B builds its graph.
func (bn *BinaryNet) Step(x []float64, y []int) (float64, error) {
	if err := bn.ready(); err != nil {
		return 0, err
	}
	B, N0, C := len(y), bn.widths[0], bn.widths[bn.L()]
	if B == 0 || len(x) != B*N0 {
		return 0, errors.Errorf("compare: BinaryNet.Step: %d labels and %d inputs (want B ≥ 1 labels and B·%d inputs)", B, len(x), N0)
	}
	for n, v := range y {
		if checkLabel(v, C) != nil {
			return 0, errors.Errorf("compare: BinaryNet.Step: label %d of sample %d is invalid for %d outputs", v, n, C)
		}
	}
	gr, err := bn.graph(B)
	if err != nil {
		return 0, err
	}
	bn.fillBatch(gr, x, y)
	defer gr.vm.Reset()
	if err := gr.vm.RunAll(); err != nil {
		return 0, errors.Wrap(err, "compare: BinaryNet forward/backward")
	}
	loss, err := bnScalar(gr.loss.Value())
	if err != nil {
		return 0, errors.Wrap(err, "compare: BinaryNet loss")
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, errors.Errorf("compare: BinaryNet: the mini-batch loss is %v", loss)
	}
	for l, w := range bn.w {
		bnToFloat64s(bn.prev[l], w)
	}
	if err := bn.solver.Step(gr.model); err != nil {
		return loss, errors.Wrap(err, "compare: BinaryNet solver step")
	}
	bn.prog.Stats.Change = 0
	for l, w := range bn.w {
		if bn.s.Binary {
			bnClip(w)
		}
		bn.prog.Stats.Change = math.Max(bn.prog.Stats.Change, bnMeanAbsDiff(bn.prev[l], w))
	}
	bn.prog.Stats.Steps++
	bn.prog.Stats.Sweeps++
	return loss, nil
}

// fillBatch writes the inputs and the targets of the loss into the graph's
// input tensors: one-hot rows for ce, y for one output, ±1 one-vs-all rows
// for sqhinge with C outputs.
func (bn *BinaryNet) fillBatch(gr *bnGraph, x []float64, y []int) {
	C := bn.widths[bn.L()]
	switch gr.xT.Dtype() {
	case tensor.Float32:
		xs, ts := gr.xT.Float32s(), gr.tT.Float32s()
		for j, v := range x {
			xs[j] = float32(v)
		}
		bnTargets(ts, y, C, bn.rv.loss == LossCE)
	default:
		copy(gr.xT.Float64s(), x)
		bnTargets(gr.tT.Float64s(), y, C, bn.rv.loss == LossCE)
	}
}

// bnTargets writes the B×C targets of labels y: for C = 1, t = y (±1); for
// C ≥ 2, t[n][y_n] = 1 and the other entries 0 (oneHot) or −1.
func bnTargets[T float32 | float64](t []T, y []int, C int, oneHot bool) {
	if C == 1 {
		for n, v := range y {
			t[n] = T(v)
		}
		return
	}
	var off T = -1
	if oneHot {
		off = 0
	}
	for j := range t {
		t[j] = off
	}
	for n, v := range y {
		t[n*C+v] = 1
	}
}

// bnClip clips every element of w to [−1, 1].
func bnClip(w *tensor.Dense) {
	switch w.Dtype() {
	case tensor.Float32:
		d := w.Float32s()
		for j, v := range d {
			d[j] = min(max(v, -1), 1)
		}
	default:
		d := w.Float64s()
		for j, v := range d {
			d[j] = min(max(v, -1), 1)
		}
	}
}

// bnToFloat64s copies the elements of w into dst.
func bnToFloat64s(dst []float64, w *tensor.Dense) {
	switch w.Dtype() {
	case tensor.Float32:
		for j, v := range w.Float32s() {
			dst[j] = float64(v)
		}
	default:
		copy(dst, w.Float64s())
	}
}

// bnMeanAbsDiff returns mean_j |prev_j − w_j|.
func bnMeanAbsDiff(prev []float64, w *tensor.Dense) float64 {
	var s float64
	switch w.Dtype() {
	case tensor.Float32:
		for j, v := range w.Float32s() {
			s += math.Abs(prev[j] - float64(v))
		}
	default:
		for j, v := range w.Float64s() {
			s += math.Abs(prev[j] - v)
		}
	}
	return s / float64(len(prev))
}
