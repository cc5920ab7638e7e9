package solver

import (
	"fmt"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// UnsupportedError reports a part of the user's graph that the solver cannot
// map onto a message-passing network: an op where the architecture needs
// the input, a matrix product, a positive constant scaling or a sign
// activation (a bias add, a ReLU, a convolution, a masked binarisation, an
// extra learnable after the last product, …).
type UnsupportedError struct {
	// Layer is the weight layer, 1 … L, in which the op was met, or 0 where
	// no layer applies (a weight that feeds no product).
	Layer int
	// Op is the op as Gorgonia prints it, without the "true"/"false" flag
	// of element-wise ops ("+", "Reshape(3, 9)", "SignSTE"); "input" for a
	// leaf node.
	Op string
	// Node is the name of the node that holds the op.
	Node string
	// Reason says what the solver expected there.
	Reason string
}

func (e *UnsupportedError) Error() string {
	where := ""
	if e.Layer > 0 {
		where = fmt.Sprintf("layer %d: ", e.Layer)
	}
	return fmt.Sprintf("solver: %sunsupported op %q at node %s: %s", where, e.Op, e.Node, e.Reason)
}

// ShapeError reports a node whose shape or kind does not fit the network
// read from the graph: an input that is not a matrix, a weight whose shape
// disagrees with its product, labels that match neither one-hot rows nor
// one class per sample.
type ShapeError struct {
	Node  string       // the node's name
	Shape tensor.Shape // its shape
	Want  string       // what the solver accepts there
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("solver: node %s has shape %v: want %s", e.Node, e.Shape, e.Want)
}

// opName returns the op of n as Gorgonia prints it, without the retSame
// flag that element-wise ops append, or "input" for a leaf.
func opName(n *gorgonia.Node) string {
	if n.Op() == nil {
		return "input"
	}
	s := n.Op().String()
	s = strings.TrimSuffix(s, " false")
	return strings.TrimSuffix(s, " true")
}

// unsupported returns an *UnsupportedError for node n.
func unsupported(layer int, n *gorgonia.Node, format string, args ...any) error {
	return &UnsupportedError{Layer: layer, Op: opName(n), Node: n.Name(), Reason: fmt.Sprintf(format, args...)}
}
