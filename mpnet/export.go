package mpnet

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// PointWeights returns the point-wise binary weights of layer l,
//
//	W_l = sign(m_l)·mask_l ∈ {−1, 0, +1},
//
// as a K×N row-major float64 slice (a copy): the weights that Predict uses.
// A pruned weight is 0, and so is an unpruned one whose mean m is exactly 0.
// A CBPI layer has continuous weights: W_l = m_l·mask_l (ALGORITHMS §12.1).
// It returns nil if l is out of range.
func (net *Network) PointWeights(l int) []float64 {
	w := net.M(l) // K×N, exactly 0 where the mask is 0
	if w == nil {
		return nil
	}
	net.layers[l].rule.pointWeights(w)
	return w
}

// Exported is the point-wise predictor of a Network written as a plain
// Gorgonia inference graph: nothing in it but Gorgonia's own operations
// (Mul, Add, Sign) on float64 tensors, so it runs on any Gorgonia VM
// without this module's ops. With the samples one per row in the B×N_0
// matrix x, the graph computes
//
//	h_0 = x,  h_l = Sign(Add(Mul(h_{l−1}, W_lᵀ), 1e-10))  for l < L,
//
// and, for the last layer, the same signs (a one-unit network: B×1 values
// ±1) or the class scores Mul(h_{L−1}, W_Lᵀ) (C classes: B×C integers).
// The weights are the fixed matrices W_lᵀ of PointWeights, transposed to
// N_l×N_{l+1} so that one Mul per layer needs no Transpose node. Gorgonia
// v0.9.18 has no argmax operation, so the class is taken outside the graph
// (Decode, Predict) as the first maximum of each row, as Predict does.
//
// # Equality with Network.Predict
//
// Sign on a float64 tensor is the tensor engine's elementwise sign: −1, 0, +1
// for negative, zero and positive values (NaN stays NaN). Predict's sign is
// the same, so after the common tie-break a zero pre-activation gives +1 in
// both and only a pre-activation of exactly −1e-10 gives 0 in both. The
// pre-activations themselves agree exactly above the first layer: inputs ±1
// or 0 and weights ±1 or 0 make every product and partial sum an integer
// below 2^53. In the first layer, whose inputs are real, Gorgonia's matrix
// product (gonum Dgemm, A·B) and Predict's (gonum Dgemm, A·Bᵀ) sum in
// different orders, so a pre-activation may differ in its last bits; a
// prediction then differs only if such a value lies within that rounding
// of −1e-10 (for a one-layer network: of −1e-10, or of a tie between two
// class scores). Inputs with NaN give NaN here and 0 in Predict.
//
// # Float types
//
// The graph is always float64. A float32 network is exported through the
// float64 copies of PointWeights (±1 and 0 are exact in both types), and
// Predict itself computes in float64 for either dtype, so the predictions of
// a float32 network agree in the same way.
type Exported struct {
	Graph *gorgonia.ExprGraph
	// Input is the B×N_0 float64 matrix of samples, one per row. Give it a
	// value with gorgonia.Let before running the graph.
	Input *gorgonia.Node
	// Output is B×1 (values ±1; 0 only after an exact tie at −1e-10) for a
	// one-unit network, or the B×C class scores for C classes.
	Output *gorgonia.Node
	// Weights holds the constant matrices W_lᵀ (N_l×N_{l+1}, float64
	// values −1, 0, +1), one per layer.
	Weights []*gorgonia.Node
	// Classes is the number of outputs that Decode expects: 1 for a sign
	// output (predictions ±1), C ≥ 2 for class indices.
	Classes int
}

// Export returns the network's point-wise predictor as a new Gorgonia graph
// whose Input is a batch×N_0 float64 matrix (see Exported). batch must be
// at least 1. The graph holds copies of the weights; training the network
// further does not change it.
func (net *Network) Export(batch int) (*Exported, error) {
	if err := net.ready(); err != nil {
		return nil, err
	}
	if batch < 1 || batch > 1<<24 {
		return nil, errors.Errorf("mpnet: Export: batch %d: want a size in [1, 2^24]", batch)
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64,
		gorgonia.WithShape(batch, net.cfg.Widths[0]), gorgonia.WithName("fbp.x"))
	return net.ExportTo(x)
}

// ExportTo builds the network's point-wise predictor into the graph of x,
// a float64 matrix node of B×N_0 samples (one per row), and returns it with
// Input = x. It is the way to place a trained binary network inside a
// larger Gorgonia graph; the result's Output may feed further nodes.
func (net *Network) ExportTo(x *gorgonia.Node) (*Exported, error) {
	if err := net.ready(); err != nil {
		return nil, err
	}
	N0 := net.cfg.Widths[0]
	switch {
	case x == nil:
		return nil, errors.New("mpnet: ExportTo: nil input node")
	case x.Graph() == nil:
		return nil, errors.New("mpnet: ExportTo: the input node belongs to no graph")
	case x.Dtype() != tensor.Float64:
		return nil, errors.Errorf("mpnet: ExportTo: input dtype %v: want float64", x.Dtype())
	case !x.IsMatrix() || x.Shape()[1] != N0:
		return nil, errors.Errorf("mpnet: ExportTo: input shape %v: want a B×%d matrix", x.Shape(), N0)
	}
	g := x.Graph()
	e := &Exported{Graph: g, Input: x, Classes: net.layers[net.L()-1].K}
	tie := gorgonia.NewConstant(tieBreak, gorgonia.WithName("fbp.tiebreak"))
	h := x
	for l, ly := range net.layers {
		w := transpose(net.PointWeights(l), ly.K, ly.N) // N×K
		wt := tensor.New(tensor.WithShape(ly.N, ly.K), tensor.WithBacking(w))
		W := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(ly.N, ly.K),
			gorgonia.WithName(fmt.Sprintf("fbp.W%dT", l)), gorgonia.WithValue(wt))
		e.Weights = append(e.Weights, W)
		z, err := gorgonia.Mul(h, W)
		if err != nil {
			return nil, errors.Wrapf(err, "mpnet: ExportTo: layer %d: Mul", l)
		}
		if ly.last && ly.K > 1 {
			h = z // class scores
			break
		}
		if h, err = signTieBreak(z, tie); err != nil {
			return nil, errors.Wrapf(err, "mpnet: ExportTo: layer %d", l)
		}
	}
	e.Output = h
	return e, nil
}

// signTieBreak returns the node Sign(z + tie), the activation of Predict.
func signTieBreak(z, tie *gorgonia.Node) (*gorgonia.Node, error) {
	s, err := gorgonia.Add(z, tie)
	if err != nil {
		return nil, errors.Wrap(err, "Add")
	}
	if s, err = gorgonia.Sign(s); err != nil {
		return nil, errors.Wrap(err, "Sign")
	}
	return s, nil
}

// transpose returns the N×K transpose of the K×N row-major matrix w.
func transpose(w []float64, K, N int) []float64 {
	t := make([]float64, len(w))
	for k := 0; k < K; k++ {
		for n, v := range w[k*N : (k+1)*N] {
			t[n*K+k] = v
		}
	}
	return t
}

// Decode writes the predictions held in out, a value of e.Output with
// len(dst) rows, into dst: the sign (±1) for a one-unit network, the index
// of the first maximum of each row for C classes, as Network.Predict does.
func (e *Exported) Decode(dst []int, out gorgonia.Value) error {
	if e == nil {
		return errNoExported
	}
	t, ok := out.(tensor.Tensor)
	if !ok {
		return errors.Errorf("mpnet: Decode: output is a %T, not a tensor", out)
	}
	if t.Dtype() != tensor.Float64 {
		return errors.Errorf("mpnet: Decode: output dtype %v: want float64", t.Dtype())
	}
	v, ok := tensor.Materialize(t).Data().([]float64) // a copy only for views
	if !ok {
		return errors.Errorf("mpnet: Decode: output data is a %T, want []float64", t.Data())
	}
	C := e.Classes
	if s := t.Shape(); len(s) != 2 || s[1] != C || len(v) < len(dst)*C {
		return errors.Errorf("mpnet: Decode: output shape %v: want %d rows of %d", s, len(dst), C)
	}
	Decide(dst, v, C, 0) // a one-unit output is already ±1
	return nil
}

// errNoExported is what the methods of a nil or incomplete Exported return.
var errNoExported = errors.New("mpnet: Exported is nil or lacks its Graph, Input or Output: make it with Network.Export or ExportTo")

// Predict runs the exported graph with a Gorgonia TapeMachine on the
// M = len(dst) samples in x (M×N_0, one sample per row) and writes the
// predictions into dst: ±1 for a one-unit network, class indices for C
// classes, as Network.Predict does. The samples go through in batches of
// the Input's B rows; the last one is padded with zero rows. Only the
// nodes that Output depends on are run, so e may live in a larger graph,
// but Input must be the graph's only free input there.
func (e *Exported) Predict(dst []int, x []float64) error {
	if e == nil || e.Graph == nil || e.Input == nil || e.Output == nil {
		return errNoExported
	}
	shape := e.Input.Shape()
	if len(shape) != 2 || shape[0] < 1 {
		return errors.Errorf("mpnet: Exported.Predict: Input shape %v: want a B×N_0 matrix", shape)
	}
	B, N0 := shape[0], shape[1]
	M := len(dst)
	if len(x) != M*N0 {
		return errors.Errorf("mpnet: Exported.Predict: %d samples need %d inputs, got %d", M, M*N0, len(x))
	}
	vm := gorgonia.NewTapeMachine(e.Graph.SubgraphRoots(e.Output))
	defer vm.Close()
	for lo := 0; lo < M; lo += B {
		hi := min(lo+B, M)
		buf := make([]float64, B*N0) // zero padding; fresh, as the machine may keep it
		copy(buf, x[lo*N0:hi*N0])
		in := tensor.New(tensor.WithShape(B, N0), tensor.WithBacking(buf))
		if err := gorgonia.Let(e.Input, in); err != nil {
			return errors.Wrap(err, "mpnet: Exported.Predict")
		}
		if err := vm.RunAll(); err != nil {
			return errors.Wrapf(err, "mpnet: Exported.Predict: samples %d to %d", lo, hi)
		}
		if err := e.Decode(dst[lo:hi], e.Output.Value()); err != nil {
			return err
		}
		vm.Reset()
	}
	return nil
}
