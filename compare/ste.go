package compare

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the straight-through estimators of BinaryNet (BASELINES
// §1.2) as Gorgonia ops with gradients, so that gorgonia.Grad (symbolic, SDOp)
// and the LispMachine (automatic, ADOp) differentiate through them.

// SignSTE returns the node h = sign(z), element-wise, with sign(0) = +1 and
// sign(NaN) = NaN, whose gradient is the straight-through estimator of the
// hard tanh (BASELINES §1.2):
//
//	forward:   h = +1 if z ≥ 0, −1 if z < 0
//	backward:  ∂L/∂z = ∂L/∂h · 1[|z| ≤ 1]
//
// The backward is the derivative of hardtanh(z) = max(−1, min(1, z))
// wherever |z| ≠ 1; the window includes |z| = 1 (the gradient passes there).
// z may have any shape and dtype float64 or float32.
func SignSTE(z *gorgonia.Node) (*gorgonia.Node, error) {
	return steApply(steSign, z)
}

// BinarizeSTE returns the node W_b = sign(W)·mask of BinaryNet's weight
// binarisation, with sign(0) = +1, whose gradient passes straight through
// to the latent weights W (BASELINES §1.2):
//
//	forward:   W_b = mask · (+1 if W ≥ 0, −1 if W < 0)
//	backward:  ∂L/∂W = ∂L/∂W_b · mask
//
// mask may be nil (every weight present); otherwise it has W's shape and
// holds 1 for present and 0 for pruned weights, so that pruned weights are 0
// in the forward pass and receive a zero gradient. The mask is a constant:
// no gradient flows into it.
func BinarizeSTE(w, mask *gorgonia.Node) (*gorgonia.Node, error) {
	if mask == nil {
		return steApply(steBinarize, w)
	}
	return steApply(steBinarizeMasked, w, mask)
}

// steKind selects what a steOp computes.
type steKind int

const (
	steSign           steKind = iota // sign(z)
	steWindow                        // g·1[|z| ≤ 1], the backward of steSign; inputs z, g
	steBinarize                      // sign(w)
	steBinarizeMasked                // sign(w)·mask; inputs w, mask
	stePass                          // g (a copy), the backward of steBinarize
	stePassMasked                    // g·mask, the backward of steBinarizeMasked; inputs g, mask
)

var steNames = [...]string{"SignSTE", "STEWindow", "BinarizeSTE", "BinarizeSTEMasked", "STEPass", "STEPassMasked"}

func (k steKind) arity() int {
	if k == steSign || k == steBinarize || k == stePass {
		return 1
	}
	return 2
}

// steOp is one of the element-wise straight-through ops. Every input has the
// output's shape. Like the ops of package ops, it owns its output tensor
// (allocated on the first Do, overwritten by later ones), so one op value
// belongs to one node: steApply builds a fresh one for every node.
type steOp struct {
	kind steKind
	out  *tensor.Dense
}

var (
	_ gorgonia.Op              = (*steOp)(nil)
	_ gorgonia.UsePreallocDoer = (*steOp)(nil)
	_ gorgonia.SDOp            = (*steOp)(nil)
	_ gorgonia.ADOp            = (*steOp)(nil)
)

// steApply adds a steOp of kind k with the given inputs to their graph.
func steApply(k steKind, in ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(in) != k.arity() {
		return nil, errors.Errorf("compare: %s takes %d inputs, got %d", steNames[k], k.arity(), len(in))
	}
	for i, n := range in {
		if n == nil {
			return nil, errors.Errorf("compare: %s: input %d is nil", steNames[k], i)
		}
	}
	n, err := gorgonia.ApplyOp(&steOp{kind: k}, in...)
	if err != nil {
		return nil, errors.Wrapf(err, "compare: %s", steNames[k])
	}
	return n, nil
}

// Arity returns 1 or 2, by kind.
func (o *steOp) Arity() int { return o.kind.arity() }

// Type is a → a or a → a → a: every input and the output share one type.
func (o *steOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	if o.Arity() == 1 {
		return hm.NewFnType(a, a)
	}
	return hm.NewFnType(a, a, a)
}

// InferShape returns the shape of input 0, which every input must share.
func (o *steOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(ds) != o.Arity() {
		return nil, errors.Errorf("compare: %s takes %d inputs, got %d shapes", o, o.Arity(), len(ds))
	}
	s0, ok := ds[0].(tensor.Shape)
	if !ok {
		return nil, errors.Errorf("compare: %s: shape %v is not a tensor.Shape", o, ds[0])
	}
	for i, d := range ds[1:] {
		if s, ok := d.(tensor.Shape); !ok || !s.Eq(s0) {
			return nil, errors.Errorf("compare: %s: input %d has shape %v, input 0 has %v", o, i+1, d, s0)
		}
	}
	return s0.Clone(), nil
}

// Do runs the op into its own output tensor.
func (o *steOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) { return o.UsePreallocDo(nil, vs...) }

// ReturnsPtr reports false: results are values.
func (o *steOp) ReturnsPtr() bool { return false }

// CallsExtern reports false: the kernels are pure Go.
func (o *steOp) CallsExtern() bool { return false }

// OverwritesInput reports -1: inputs are never written.
func (o *steOp) OverwritesInput() int { return -1 }

// WriteHash writes the op's name, which names every field.
func (o *steOp) WriteHash(h hash.Hash) { io.WriteString(h, o.String()) }

// Hashcode is the FNV-1a hash of the op's name.
func (o *steOp) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

func (o *steOp) String() string { return steNames[o.kind] }

// UsePreallocDo checks the inputs and runs the kernel into prealloc when it
// is a dense tensor of the right dtype and shape, else into the op's own
// output tensor.
func (o *steOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, err := o.check(vs)
	if err != nil {
		return nil, err
	}
	dt, shape := ts[0].Dtype(), ts[0].Shape()
	dst, ok := prealloc.(*tensor.Dense)
	if !ok || dst.Dtype() != dt || !dst.Shape().Eq(shape) {
		if o.out == nil || o.out.Dtype() != dt || !o.out.Shape().Eq(shape) {
			o.out = tensor.New(tensor.WithShape(shape.Clone()...), tensor.Of(dt))
		}
		dst = o.out
	}
	var b *tensor.Dense
	if len(ts) == 2 {
		b = ts[1]
	}
	if dt == tensor.Float64 {
		steKernel(o.kind, dst.Float64s(), ts[0].Float64s(), steData[float64](b))
	} else {
		steKernel(o.kind, dst.Float32s(), ts[0].Float32s(), steData[float32](b))
	}
	return dst, nil
}

// check returns the inputs as dense tensors of one float dtype and one shape.
func (o *steOp) check(vs []gorgonia.Value) ([]*tensor.Dense, error) {
	if len(vs) != o.Arity() {
		return nil, errors.Errorf("compare: %s takes %d inputs, got %d", o, o.Arity(), len(vs))
	}
	ts := make([]*tensor.Dense, len(vs))
	for i, v := range vs {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, errors.Errorf("compare: %s: input %d is %T, want *tensor.Dense", o, i, v)
		}
		if dt := d.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
			return nil, errors.Errorf("compare: %s: input %d has dtype %v, want float64 or float32", o, i, dt)
		}
		if i > 0 && (d.Dtype() != ts[0].Dtype() || !d.Shape().Eq(ts[0].Shape())) {
			return nil, errors.Errorf("compare: %s: input %d is %v %v, input 0 is %v %v", o, i, d.Dtype(), d.Shape(), ts[0].Dtype(), ts[0].Shape())
		}
		ts[i] = d
	}
	return ts, nil
}

// steData returns the backing slice of d, or nil for a nil d.
func steData[T float32 | float64](d *tensor.Dense) []T {
	if d == nil {
		return nil
	}
	return d.Data().([]T)
}

// steKernel computes dst from a (and b, the second input) for kind k:
//
//	steSign, steBinarize:  dst = +1 if a ≥ 0, −1 if a < 0, NaN if a is NaN
//	steBinarizeMasked:     dst = b·sign(a)            (b: mask)
//	steWindow:             dst = b·1[|a| ≤ 1]          (a: z, b: gradient)
//	stePass:               dst = a
//	stePassMasked:         dst = a·b                  (b: mask)
//
// It panics if a slice is shorter than dst.
func steKernel[T float32 | float64](k steKind, dst, a, b []T) {
	a = a[:len(dst)]
	if k.arity() == 2 {
		b = b[:len(dst)]
	}
	switch k {
	case steSign, steBinarize:
		for j, v := range a {
			dst[j] = steSignOf(v)
		}
	case steBinarizeMasked:
		for j, v := range a {
			dst[j] = b[j] * steSignOf(v)
		}
	case steWindow:
		for j, z := range a {
			if z >= -1 && z <= 1 {
				dst[j] = b[j]
			} else {
				dst[j] = 0
			}
		}
	case stePass:
		copy(dst, a)
	case stePassMasked:
		for j, g := range a {
			dst[j] = g * b[j]
		}
	}
}

// steSignOf returns +1 for v ≥ 0, −1 for v < 0 and NaN for NaN.
func steSignOf[T float32 | float64](v T) T {
	switch {
	case v >= 0:
		return 1
	case v < 0:
		return -1
	}
	return v
}

// DiffWRT reports which inputs the op is differentiable with respect to:
// z for SignSTE, W for BinarizeSTE (not the mask); the backward kinds are
// not differentiable.
func (o *steOp) DiffWRT(inputs int) []bool {
	d := make([]bool, max(inputs, 0)) // no inputs for a negative count
	if inputs > 0 && (o.kind == steSign || o.kind == steBinarize || o.kind == steBinarizeMasked) {
		d[0] = true
	}
	return d
}

// SymDiff builds the backward nodes: STEWindow(z, grad) for SignSTE,
// STEPass(grad) or STEPassMasked(grad, mask) for BinarizeSTE. The mask's
// gradient is nil.
func (o *steOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != o.Arity() {
		return nil, errors.Errorf("compare: %s.SymDiff: %d inputs, want %d", o, len(inputs), o.Arity())
	}
	var n *gorgonia.Node
	var err error
	switch o.kind {
	case steSign:
		n, err = steApply(steWindow, inputs[0], grad)
	case steBinarize:
		n, err = steApply(stePass, grad)
	case steBinarizeMasked:
		n, err = steApply(stePassMasked, grad, inputs[1])
	default:
		return nil, errors.Errorf("compare: %s is not differentiable", o)
	}
	if err != nil {
		return nil, err
	}
	out := make(gorgonia.Nodes, len(inputs))
	out[0] = n
	return out, nil
}

// DoDiff adds the backward of the op to the gradient of its first input,
// reading the output's gradient (the LispMachine's automatic differentiation):
// ∂L/∂z += ∂L/∂h·1[|z| ≤ 1] for SignSTE, ∂L/∂W += ∂L/∂W_b(·mask) for
// BinarizeSTE.
func (o *steOp) DoDiff(ctx gorgonia.ExecutionContext, inputs gorgonia.Nodes, output *gorgonia.Node) error {
	if len(inputs) != o.Arity() {
		return errors.Errorf("compare: %s.DoDiff: %d inputs, want %d", o, len(inputs), o.Arity())
	}
	var back steKind
	var args []gorgonia.Value
	og, err := output.Grad()
	if err != nil {
		return errors.Wrapf(err, "compare: %s.DoDiff: output gradient", o)
	}
	switch o.kind {
	case steSign:
		back, args = steWindow, []gorgonia.Value{inputs[0].Value(), og}
	case steBinarize:
		back, args = stePass, []gorgonia.Value{og}
	case steBinarizeMasked:
		back, args = stePassMasked, []gorgonia.Value{og, inputs[1].Value()}
	default:
		return errors.Errorf("compare: %s is not differentiable", o)
	}
	d, err := (&steOp{kind: back}).Do(args...)
	if err != nil {
		return err
	}
	ig, err := inputs[0].Grad()
	if err != nil {
		return errors.Wrapf(err, "compare: %s.DoDiff: input gradient", o)
	}
	igd, ok := ig.(*tensor.Dense)
	if !ok {
		return errors.Errorf("compare: %s.DoDiff: input gradient is %T, want *tensor.Dense", o, ig)
	}
	if _, err := igd.Add(d.(*tensor.Dense), tensor.UseUnsafe()); err != nil {
		return errors.Wrapf(err, "compare: %s.DoDiff", o)
	}
	return nil
}

// String of a kind, for messages.
func (k steKind) String() string {
	if k < 0 || int(k) >= len(steNames) {
		return fmt.Sprintf("steKind(%d)", int(k))
	}
	return steNames[k]
}
