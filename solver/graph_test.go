package solver

import (
	"errors"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
)

// TestNewReadsArchitecture checks what New reads from the graph in every
// layout: widths, batch, orientation and label encoding.
func TestNewReadsArchitecture(t *testing.T) {
	for _, tc := range layouts {
		for _, out := range []int{1, 2, 10} {
			if out == 1 && tc.lo.oneHot {
				continue
			}
			widths := []int{13, 8, 6, out}
			u := buildNet(t, widths, 5, tc.lo, 1)
			s, err := New(u.x, u.y, u.ws)
			if err != nil {
				t.Fatalf("%s, %d outputs: %v", tc.name, out, err)
			}
			a := s.a
			if !slices.Equal(a.widths, widths) || a.batch != 5 || a.featureMajor != tc.lo.featureMajor || a.oneHot != tc.lo.oneHot {
				t.Errorf("%s, %d outputs: read %+v", tc.name, out, *a)
			}
		}
	}
}

// graphCase builds a graph with a problem for TestNewRejects.
type graphCase struct {
	name  string
	build func(g *G.ExprGraph) (x, y *G.Node, ws G.Nodes)
	// The expected error: an *UnsupportedError with Op (and Layer), or a
	// *ShapeError on the node Node when Op is empty.
	op    string
	layer int
	node  string
}

// mat returns a float64 matrix leaf with a zero value.
func mat(g *G.ExprGraph, name string, r, c int) *G.Node {
	return G.NewMatrix(g, tensor.Float64, G.WithShape(r, c), G.WithName(name), G.WithInit(G.Zeroes()))
}

// layerOf returns SignSTE(h·BinarizeSTE(w)) or, for the last layer, the product.
func layerOf(h, w *G.Node, last bool) *G.Node {
	z := must(G.Mul(h, must(compare.BinarizeSTE(w, nil))))
	if last {
		return z
	}
	return must(compare.SignSTE(z))
}

// ceLoss adds softmax cross-entropy and its gradients.
func ceLoss(out, y *G.Node, ws ...*G.Node) {
	cost := must(G.Neg(must(G.Mean(must(G.HadamardProd(must(G.LogSoftMax(out)), y))))))
	if _, err := G.Grad(cost, ws...); err != nil {
		panic(err)
	}
}

var badGraphs = []graphCase{
	{name: "bias in a hidden layer", op: "+", layer: 2, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3)
		b := G.NewVector(g, tensor.Float64, G.WithShape(5), G.WithName("b"), G.WithInit(G.Zeroes()))
		z := must(G.Mul(x, must(compare.BinarizeSTE(w1, nil))))
		h := must(compare.SignSTE(must(G.BroadcastAdd(z, b, nil, []byte{0}))))
		ceLoss(layerOf(h, w2, true), y, w1, w2, b)
		return x, y, G.Nodes{w1, w2}
	}},
	{name: "bias on the output", op: "+", layer: 2, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3)
		b := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("b"), G.WithInit(G.Zeroes()))
		out := must(G.BroadcastAdd(layerOf(layerOf(x, w1, false), w2, true), b, nil, []byte{0}))
		ceLoss(out, y, w1, w2, b)
		return x, y, G.Nodes{w1, w2}
	}},
	{name: "ReLU hidden unit", op: "⊙", layer: 2, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3)
		h := must(G.Rectify(must(G.Mul(x, must(compare.BinarizeSTE(w1, nil))))))
		ceLoss(layerOf(h, w2, true), y, w1, w2)
		return x, y, G.Nodes{w1, w2}
	}},
	{name: "ReLU on the output", op: ">=", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 3)
		ceLoss(must(G.Rectify(layerOf(x, w1, true))), y, w1)
		return x, y, G.Nodes{w1}
	}},
	{name: "convolution", op: "Reshape(3, 9)", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y := mat(g, "x", 2, 64), mat(g, "y", 2, 10)
		f := G.NewTensor(g, tensor.Float64, 4, G.WithShape(3, 1, 3, 3), G.WithName("f"), G.WithInit(G.Zeroes()))
		w := mat(g, "w", 3*64, 10)
		img := must(G.Reshape(x, tensor.Shape{2, 1, 8, 8}))
		c := must(G.Conv2d(img, f, tensor.Shape{3, 3}, []int{1, 1}, []int{1, 1}, []int{1, 1}))
		out := layerOf(must(compare.SignSTE(must(G.Reshape(c, tensor.Shape{2, 3 * 64})))), w, true)
		ceLoss(out, y, f, w)
		return x, y, G.Nodes{f, w}
	}},
	{name: "labels of the wrong width", node: "y", build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1 := mat(g, "x", 4, 6), mat(g, "y", 4, 5), mat(g, "w1", 6, 3)
		layerOf(x, w1, true)
		return x, y, G.Nodes{w1}
	}},
	{name: "labels of another batch", node: "y", build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, w1 := mat(g, "x", 4, 6), mat(g, "w1", 6, 3)
		y := G.NewVector(g, tensor.Float64, G.WithShape(5), G.WithName("y"))
		layerOf(x, w1, true)
		return x, y, G.Nodes{w1}
	}},
	{name: "input not a matrix", node: "x", build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x := G.NewVector(g, tensor.Float64, G.WithShape(6), G.WithName("x"))
		return x, mat(g, "y", 1, 3), G.Nodes{mat(g, "w1", 6, 3)}
	}},
	{name: "weights in the wrong order", op: "SignSTE", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3)
		layerOf(layerOf(x, w1, false), w2, true)
		return x, y, G.Nodes{w2, w1}
	}},
	{name: "no activation between products", op: "A × B", layer: 2, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3)
		layerOf(layerOf(x, w1, true), w2, true)
		return x, y, G.Nodes{w1, w2}
	}},
	{name: "negative scaling", op: "⊙", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 3)
		layerOf(must(G.Mul(x, G.NewConstant(-1.0))), w1, true)
		return x, y, G.Nodes{w1}
	}},
	{name: "masked binarisation", op: "BinarizeSTEMasked", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, m := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 3), mat(g, "mask", 6, 3)
		must(G.Mul(x, must(compare.BinarizeSTE(w1, m))))
		return x, y, G.Nodes{w1}
	}},
	{name: "binarised copy passed as weight", op: "BinarizeSTE", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 3)
		wb := must(compare.BinarizeSTE(w1, nil))
		must(G.Mul(x, wb))
		return x, y, G.Nodes{wb}
	}},
	{name: "transposed weight", op: "Aᵀ{1, 0}", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 3, 6)
		must(G.Mul(x, must(G.Transpose(must(compare.BinarizeSTE(w1, nil))))))
		return x, y, G.Nodes{w1}
	}},
	{name: "skip connection into the output", op: "+", layer: 2, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2, w3 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 5), mat(g, "w2", 5, 3), mat(g, "w3", 5, 3)
		h := layerOf(x, w1, false)
		ceLoss(must(G.Add(layerOf(h, w2, true), must(G.Mul(h, w3)))), y, w1, w2, w3)
		return x, y, G.Nodes{w1, w2}
	}},
	{name: "weights of the last layer missing", op: "A × B", layer: 1, build: func(g *G.ExprGraph) (*G.Node, *G.Node, G.Nodes) {
		x, y, w1, w2 := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w1", 6, 3), mat(g, "w2", 3, 3)
		ceLoss(layerOf(layerOf(x, w1, false), w2, true), y, w1, w2)
		return x, y, G.Nodes{w1}
	}},
}

// TestNewRejects checks that each graph the solver cannot train gives the
// typed error that names the op (or the node of the bad shape).
func TestNewRejects(t *testing.T) {
	for _, tc := range badGraphs {
		t.Run(tc.name, func(t *testing.T) {
			x, y, ws := tc.build(G.NewGraph())
			_, err := New(x, y, ws)
			var ue *UnsupportedError
			var se *ShapeError
			switch {
			case err == nil:
				t.Fatal("New accepted the graph")
			case tc.op != "" && errors.As(err, &ue):
				if ue.Op != tc.op || ue.Layer != tc.layer || ue.Node == "" {
					t.Errorf("got %+v, want op %q in layer %d", *ue, tc.op, tc.layer)
				}
			case tc.op == "" && errors.As(err, &se):
				if se.Node != tc.node {
					t.Errorf("got %+v, want node %s", *se, tc.node)
				}
			default:
				t.Errorf("got %T %v", err, err)
			}
			t.Log(err)
		})
	}
}

// TestNewBadArguments checks the errors for nil or misplaced nodes.
func TestNewBadArguments(t *testing.T) {
	g := G.NewGraph()
	x, y, w := mat(g, "x", 4, 6), mat(g, "y", 4, 3), mat(g, "w", 6, 3)
	layerOf(x, w, true)
	other := mat(G.NewGraph(), "v", 6, 3)
	for name, args := range map[string][]*G.Node{
		"nil input": {nil, y, w}, "nil labels": {x, nil, w}, "nil weight": {x, y, nil},
		"weight of another graph": {x, y, other}, "input as weight": {x, y, x}, "weight twice": {x, y, w, w},
		"no weights": {x, y},
	} {
		if _, err := New(args[0], args[1], args[2:]); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
