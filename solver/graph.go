package solver

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/graph"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// arch is the network read from a graph: widths, batch and layouts.
type arch struct {
	widths []int // N_0 … N_L
	batch  int   // B, the samples of one mini-batch
	// featureMajor: x is N_0×B, W_l is N_l×N_{l−1} and z_l = W_l·h_{l−1};
	// otherwise x is B×N_0, W_l is N_{l−1}×N_l and z_l = h_{l−1}·W_l.
	featureMajor bool
	// oneHot: y holds one-hot rows (B×C, or C×B feature-major); otherwise
	// one label per sample (class indices, or signs for one output).
	oneHot bool
}

// parser reads the architecture from the weights down to the input.
type parser struct {
	g    *gorgonia.ExprGraph
	x, y *gorgonia.Node
	ws   gorgonia.Nodes
	z    gorgonia.Nodes // the products z_1 … z_l found so far
	a    arch
}

// cand is a matrix product z that has a weight (binarised or not) as a
// factor; other is its other factor.
type cand struct {
	z, other *gorgonia.Node
	wFirst   bool // z = W·other (feature-major); else z = other·W
}

// analyze reads the network that the graph of x computes with the weights
// ws, in order, and checks that it is one the solver can train.
func analyze(x, y *gorgonia.Node, ws gorgonia.Nodes) (*arch, error) {
	if err := checkLeaves(x, y, ws); err != nil {
		return nil, err
	}
	p := &parser{g: x.Graph(), x: x, y: y, ws: ws}
	for l := range ws {
		if err := p.layer(l); err != nil {
			return nil, err
		}
	}
	if err := p.head(p.z[len(p.z)-1], map[*gorgonia.Node]bool{}); err != nil {
		return nil, err
	}
	if err := p.labels(); err != nil {
		return nil, err
	}
	return &p.a, nil
}

// checkLeaves checks the nodes given to New before the graph is walked.
func checkLeaves(x, y *gorgonia.Node, ws gorgonia.Nodes) error {
	switch {
	case x == nil || y == nil:
		return errors.New("solver: the input and label nodes must not be nil")
	case x.Graph() == nil || y.Graph() != x.Graph():
		return errors.New("solver: the input and label nodes must belong to one graph")
	case !x.IsMatrix():
		return &ShapeError{Node: x.Name(), Shape: x.Shape(), Want: "a matrix, samples × features or features × samples"}
	case x.Dtype() != tensor.Float64 && x.Dtype() != tensor.Float32:
		return errors.Errorf("solver: input %s has dtype %v: want float64 or float32", x.Name(), x.Dtype())
	case len(ws) == 0:
		return errors.New("solver: no weight nodes: pass the weights of every layer, first layer first")
	}
	for l, w := range ws {
		switch {
		case w == nil:
			return errors.Errorf("solver: weights[%d] is nil", l)
		case w.Graph() != x.Graph():
			return errors.Errorf("solver: weights[%d] (%s) belongs to another graph than the input %s", l, w.Name(), x.Name())
		case w == x || w == y:
			return errors.Errorf("solver: weights[%d] is the input or the label node", l)
		case !w.IsVar():
			return unsupported(l+1, w, "weights[%d] must be a learnable leaf (gorgonia.NewMatrix), not the result of an op: pass the latent weights", l)
		case w.Dtype() != tensor.Float64 && w.Dtype() != tensor.Float32:
			return errors.Errorf("solver: weights[%d] (%s) has dtype %v: want float64 or float32", l, w.Name(), w.Dtype())
		}
		for _, v := range ws[:l] {
			if v == w {
				return errors.Errorf("solver: weights[%d] (%s) is listed twice", l, w.Name())
			}
		}
	}
	return nil
}

// layer finds the product of layer l+1 and records its widths.
func (p *parser) layer(l int) error {
	cs, err := p.candidates(l)
	if err != nil {
		return err
	}
	var first error
	for _, c := range cs {
		err := p.follows(l, c)
		if err == nil && l > 0 && c.wFirst != p.a.featureMajor {
			err = unsupported(l+1, c.z, "layer 1 multiplies its weights from the %s, this layer from the other side", side(p.a.featureMajor))
		}
		if err == nil {
			return p.accept(l, c)
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func side(wFirst bool) string {
	if wFirst {
		return "left (W·x)"
	}
	return "right (x·W)"
}

// candidates returns the matrix products that have weights[l] as a factor,
// directly or through compare.BinarizeSTE or gorgonia.Sign. A product with
// transposed factors ("Aᵀ × B") is a gradient, not a layer.
func (p *parser) candidates(l int) ([]cand, error) {
	w := p.ws[l]
	users := p.consumers(w)
	effs := gorgonia.Nodes{w}
	for _, c := range users {
		switch opName(c) {
		case "BinarizeSTE", "sign":
			effs = append(effs, c)
		case "BinarizeSTEMasked":
			return nil, unsupported(l+1, c, "a masked binarisation: the solver trains dense layers")
		}
	}
	var cs []cand
	for _, e := range effs {
		for _, c := range p.consumers(e) {
			if opName(c) != "A × B" {
				continue
			}
			switch ch := p.children(c); {
			case ch[1] == e && ch[0] != e:
				cs = append(cs, cand{z: c, other: ch[0]})
			case ch[0] == e && ch[1] != e:
				cs = append(cs, cand{z: c, other: ch[1], wFirst: true})
			}
		}
	}
	if len(cs) > 0 {
		return cs, nil
	}
	for _, e := range effs {
		for _, c := range p.consumers(e) {
			if !effs.Contains(c) {
				return nil, unsupported(l+1, c, "weights[%d] (%s) must be a factor of a matrix product (gorgonia.Mul), directly or through compare.BinarizeSTE or gorgonia.Sign", l, w.Name())
			}
		}
	}
	return nil, unsupported(l+1, w, "weights[%d] is used by no matrix product of the graph", l)
}

// follows checks that the other factor of c is the input (layer 1) or the
// sign of the previous product, up to positive constant factors. Other
// readers of the nodes in between are not checked: gradients read them, and
// a branch that rejoins the network is caught where it rejoins (head, or
// here one layer up).
func (p *parser) follows(l int, c cand) error {
	act := p.unscale(c.other)
	if l == 0 {
		if act != p.x {
			return unsupported(1, act, "the first product must multiply the input %s (up to a positive constant factor)%s", p.x.Name(), p.hint(act))
		}
		return nil
	}
	if opName(act) != "SignSTE" && opName(act) != "sign" {
		return unsupported(l+1, act, "the factor of layer %d's product must be a sign activation (compare.SignSTE or gorgonia.Sign) of layer %d's product%s", l+1, l, p.hint(act))
	}
	src := p.unscale(p.children(act)[0])
	if src != p.z[l-1] {
		return unsupported(l+1, src, "the sign activation must read the product of layer %d (up to a positive constant factor)%s", l, p.hint(src))
	}
	return nil
}

// accept records the product of layer l+1 and its widths.
func (p *parser) accept(l int, c cand) error {
	w := p.ws[l]
	if !w.IsMatrix() {
		return &ShapeError{Node: w.Name(), Shape: w.Shape(), Want: "a matrix"}
	}
	if l == 0 {
		p.a.featureMajor = c.wFirst
		xs := p.x.Shape()
		p.a.widths, p.a.batch = []int{xs[1]}, xs[0]
		if c.wFirst {
			p.a.widths, p.a.batch = []int{xs[0]}, xs[1]
		}
	}
	ws := w.Shape()
	N, K := ws[0], ws[1]
	want := "%d×K (input × output) for a product h·W"
	if c.wFirst {
		N, K = ws[1], ws[0]
		want = "K×%d (output × input) for a product W·h"
	}
	if N != p.a.widths[l] {
		return &ShapeError{Node: w.Name(), Shape: ws, Want: strings.Replace(want, "%d", itoa(p.a.widths[l]), 1)}
	}
	p.a.widths = append(p.a.widths, K)
	p.z = append(p.z, c.z)
	return nil
}

// head checks what reads the last product n (or a positively scaled copy,
// or the sign, of it): the loss may, but nothing that adds a learnable (a
// bias, a skip connection, a further layer whose weights were not passed)
// or compares (a ReLU), since the solver's output is the product itself.
func (p *parser) head(n *gorgonia.Node, seen map[*gorgonia.Node]bool) error {
	L := len(p.ws)
	for _, c := range p.consumers(n) {
		if comparison(c) {
			return unsupported(L, c, "a comparison (a ReLU?) after the last product: the network's output must be the product, up to a positive constant factor")
		}
		for _, o := range p.children(c) {
			if o == n {
				continue
			}
			switch v := p.learnable(o, seen); {
			case v == nil:
			case opName(c) == "A × B":
				return unsupported(L, c, "the output of layer %d feeds a further product with the learnable %s: pass the weights of every layer, first layer first", L, v.Name())
			default:
				return unsupported(L, c, "it combines the last product with a term that depends on the learnable %s (a bias? a skip connection?): the network's output must be the product, up to a positive constant factor", v.Name())
			}
		}
		if p.scaledFrom(c) == n || opName(c) == "SignSTE" || opName(c) == "sign" {
			if err := p.head(c, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// learnable returns a leaf below n, other than the input and the labels and
// not below the last product, or nil.
func (p *parser) learnable(n *gorgonia.Node, seen map[*gorgonia.Node]bool) *gorgonia.Node {
	if seen[n] || n == p.z[len(p.z)-1] || n == p.x || n == p.y {
		return nil
	}
	seen[n] = true
	if n.IsVar() {
		return n
	}
	for _, c := range p.children(n) {
		if v := p.learnable(c, seen); v != nil {
			return v
		}
	}
	return nil
}

// labels checks the label node against the output width and batch.
func (p *parser) labels() error {
	B, C := p.a.batch, p.a.widths[len(p.a.widths)-1]
	s := p.y.Shape()
	hot := tensor.Shape{B, C}
	if p.a.featureMajor {
		hot = tensor.Shape{C, B}
	}
	switch {
	case C >= 2 && s.Eq(hot):
		p.a.oneHot = true
	case s.Eq(tensor.Shape{B}) || s.Eq(tensor.Shape{B, 1}) || s.Eq(tensor.Shape{1, B}):
	default:
		want := itoa(B) + " signs ±1 (one output unit)"
		if C >= 2 {
			want = "one-hot " + itoa(hot[0]) + "×" + itoa(hot[1]) + " or " + itoa(B) + " class indices"
		}
		return &ShapeError{Node: p.y.Name(), Shape: s, Want: want}
	}
	return nil
}

// unscale strips positive constant factors from n and returns the node
// below them.
func (p *parser) unscale(n *gorgonia.Node) *gorgonia.Node {
	for a := p.scaledFrom(n); a != nil; a = p.scaledFrom(n) {
		n = a
	}
	return n
}

// scaledFrom returns a if n = a⊙c, c⊙a or a÷c for a positive constant
// scalar c, else nil. A positive factor changes no sign and no argmax.
func (p *parser) scaledFrom(n *gorgonia.Node) *gorgonia.Node {
	op := opName(n)
	if op != "⊙" && op != "÷" {
		return nil
	}
	ch := p.children(n)
	switch {
	case len(ch) != 2:
		return nil
	case positiveConstant(ch[1]):
		return ch[0]
	case op == "⊙" && positiveConstant(ch[0]):
		return ch[1]
	}
	return nil
}

// positiveConstant reports whether n is a constant scalar > 0.
func positiveConstant(n *gorgonia.Node) bool {
	if n.Op() == nil || !n.IsScalar() || !strings.HasPrefix(n.Op().String(), "const") {
		return false
	}
	switch v := n.Value().Data().(type) {
	case float64:
		return v > 0
	case float32:
		return v > 0
	}
	return false
}

// hint names the usual suspect behind an unsupported op.
func (p *parser) hint(n *gorgonia.Node) string {
	switch opName(n) {
	case "+", "-":
		return "; an addition here is a bias, which the solver's networks do not have"
	case "⊙":
		for _, c := range p.children(n) {
			if comparison(c) {
				return "; this looks like a ReLU (gorgonia.Rectify): hidden units must be signs"
			}
		}
	}
	return ""
}

// comparison reports whether n compares element-wise (>, ≥, <, ≤, ==, ≠).
func comparison(n *gorgonia.Node) bool {
	switch opName(n) {
	case ">", ">=", "≥", "<", "<=", "≤", "==", "!=", "≠":
		return true
	}
	return false
}

// consumers returns the nodes that take n as an input, in the order they
// were added to the graph (Gorgonia keeps them in a set).
func (p *parser) consumers(n *gorgonia.Node) gorgonia.Nodes {
	ns := collect(p.g.To(n.ID()))
	slices.SortFunc(ns, func(a, b *gorgonia.Node) int { return cmp.Compare(a.ID(), b.ID()) })
	return ns
}

// children returns the inputs of n, in order.
func (p *parser) children(n *gorgonia.Node) gorgonia.Nodes {
	return collect(p.g.From(n.ID()))
}

func collect(it graph.Nodes) gorgonia.Nodes {
	var ns gorgonia.Nodes
	for it.Next() {
		if n, ok := it.Node().(*gorgonia.Node); ok {
			ns = append(ns, n)
		}
	}
	return ns
}

func itoa(i int) string { return strconv.Itoa(i) }
