package compare

import (
	"hash"
	"hash/fnv"
	"io"
	"math"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The losses of BinaryNet (BASELINES §1.2) on the rescaled outputs z (B×C)
// and targets t (B×C), averaged over the B samples of a mini-batch:
//
//	ce:        L = (1/B) Σ_n [ log Σ_k exp(z_nk) − Σ_k t_nk z_nk ]     t one-hot
//	logistic:  L = (1/B) Σ_n log(1 + exp(−t_n z_n))                    C = 1, t = ±1
//	sqhinge:   L = (1/B) Σ_n Σ_k max(0, 1 − t_nk z_nk)²                t = ±1
//
// logistic and sqhinge are built from Gorgonia's own ops (Softplus, Rectify,
// Square). ce is the fused op below: gorgonia.LogSoftMax in
// gorgonia.org/tensor v0.9.24 starts every row's maximum from the first
// element of the whole tensor instead of the row's, so rows far below the
// first one underflow to −Inf.

// Loss names accepted by BinaryNetSettings.Loss.
const (
	LossCE       = "ce"       // softmax cross-entropy, C ≥ 2 outputs, class-index labels
	LossLogistic = "logistic" // log(1 + exp(−y z)), one output, ±1 labels
	LossSqHinge  = "sqhinge"  // squared hinge on ±1 targets (one-vs-all for C ≥ 2)
)

// bnLossNode returns the scalar loss node for z and targets t (both B×C).
func bnLossNode(loss string, z, t *gorgonia.Node, batch int) (*gorgonia.Node, error) {
	switch loss {
	case LossCE:
		n, err := gorgonia.ApplyOp(&bnCEOp{}, z, t)
		return n, errors.Wrap(err, "compare: cross-entropy")
	case LossLogistic:
		m, err := gorgonia.HadamardProd(t, z)
		if err != nil {
			return nil, errors.Wrap(err, "compare: logistic loss")
		}
		if m, err = gorgonia.Neg(m); err != nil {
			return nil, errors.Wrap(err, "compare: logistic loss")
		}
		if m, err = gorgonia.Softplus(m); err != nil {
			return nil, errors.Wrap(err, "compare: logistic loss")
		}
		return bnMeanOver(m, batch)
	case LossSqHinge:
		m, err := gorgonia.HadamardProd(t, z)
		if err != nil {
			return nil, errors.Wrap(err, "compare: squared hinge")
		}
		one := bnConst(z.Dtype(), 1)
		if m, err = gorgonia.Sub(one, m); err != nil {
			return nil, errors.Wrap(err, "compare: squared hinge")
		}
		if m, err = gorgonia.Rectify(m); err != nil {
			return nil, errors.Wrap(err, "compare: squared hinge")
		}
		if m, err = gorgonia.Square(m); err != nil {
			return nil, errors.Wrap(err, "compare: squared hinge")
		}
		return bnMeanOver(m, batch)
	}
	return nil, errors.Errorf("compare: unknown loss %q", loss)
}

// bnMeanOver returns Sum(m)/batch.
func bnMeanOver(m *gorgonia.Node, batch int) (*gorgonia.Node, error) {
	s, err := gorgonia.Sum(m)
	if err != nil {
		return nil, errors.Wrap(err, "compare: loss sum")
	}
	s, err = gorgonia.Mul(s, bnConst(m.Dtype(), 1/float64(batch)))
	return s, errors.Wrap(err, "compare: loss mean")
}

// bnConst returns a scalar constant of dtype dt.
func bnConst(dt tensor.Dtype, v float64) *gorgonia.Node {
	if dt == tensor.Float32 {
		return gorgonia.NewConstant(float32(v))
	}
	return gorgonia.NewConstant(v)
}

// bnCEOp is the softmax cross-entropy (1/B) Σ_n [lse(z_n) − Σ_k t_nk z_nk]
// of z (B×C) against targets t (B×C, rows summing to 1), with
// lse(z_n) = m_n + log Σ_k exp(z_nk − m_n), m_n = max_k z_nk, computed in
// float64. With grad set (arity 3: z, t, ∂L) it is the backward
//
//	∂L/∂z_nk = ∂L · (softmax(z_n)_k − t_nk) / B.
type bnCEOp struct {
	grad bool
	out  *tensor.Dense // backward output, reused
}

var (
	_ gorgonia.Op   = (*bnCEOp)(nil)
	_ gorgonia.SDOp = (*bnCEOp)(nil)
)

func (o *bnCEOp) Arity() int {
	if o.grad {
		return 3
	}
	return 2
}

func (o *bnCEOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m := gorgonia.TensorType{Dims: 2, Of: a}
	if o.grad {
		return hm.NewFnType(m, m, a, m)
	}
	return hm.NewFnType(m, m, a)
}

func (o *bnCEOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(ds) != o.Arity() {
		return nil, errors.Errorf("compare: %s takes %d inputs, got %d shapes", o, o.Arity(), len(ds))
	}
	z, ok1 := ds[0].(tensor.Shape)
	t, ok2 := ds[1].(tensor.Shape)
	if !ok1 || !ok2 || z.Dims() != 2 || !z.Eq(t) {
		return nil, errors.Errorf("compare: %s: z %v and t %v must be equal B×C shapes", o, ds[0], ds[1])
	}
	if o.grad {
		return z.Clone(), nil
	}
	return tensor.ScalarShape(), nil
}

func (o *bnCEOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != o.Arity() {
		return nil, errors.Errorf("compare: %s takes %d inputs, got %d", o, o.Arity(), len(vs))
	}
	z, ok1 := vs[0].(*tensor.Dense)
	t, ok2 := vs[1].(*tensor.Dense)
	if !ok1 || !ok2 || z.Dims() != 2 || !z.Shape().Eq(t.Shape()) || z.Dtype() != t.Dtype() ||
		(z.Dtype() != tensor.Float64 && z.Dtype() != tensor.Float32) {
		return nil, errors.Errorf("compare: %s: want two float B×C tensors of one dtype, got %v, %v", o, vs[0], vs[1])
	}
	B, C := z.Shape()[0], z.Shape()[1]
	if !o.grad {
		var l float64
		if z.Dtype() == tensor.Float64 {
			l = bnCE(z.Float64s(), t.Float64s(), nil, B, C, 0)
			return gorgonia.NewF64(l), nil
		}
		l = bnCE(z.Float32s(), t.Float32s(), nil, B, C, 0)
		return gorgonia.NewF32(float32(l)), nil
	}
	g, err := bnScalar(vs[2])
	if err != nil {
		return nil, errors.Wrapf(err, "compare: %s", o)
	}
	if o.out == nil || o.out.Dtype() != z.Dtype() || !o.out.Shape().Eq(z.Shape()) {
		o.out = tensor.New(tensor.WithShape(B, C), tensor.Of(z.Dtype()))
	}
	if z.Dtype() == tensor.Float64 {
		bnCE(z.Float64s(), t.Float64s(), o.out.Float64s(), B, C, g)
	} else {
		bnCE(z.Float32s(), t.Float32s(), o.out.Float32s(), B, C, g)
	}
	return o.out, nil
}

// bnCE returns the mean cross-entropy of z against t (B×C each) and, when
// dz is not nil, writes g·(softmax(z) − t)/B into it.
func bnCE[T float32 | float64](z, t, dz []T, B, C int, g float64) float64 {
	var sum float64
	for n := 0; n < B; n++ {
		zr, tr := z[n*C:(n+1)*C], t[n*C:(n+1)*C]
		m := math.Inf(-1)
		for _, v := range zr {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range zr {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		for k, v := range zr {
			sum += float64(tr[k]) * (lse - float64(v))
		}
		if dz != nil {
			for k, v := range zr {
				dz[n*C+k] = T(g * (math.Exp(float64(v)-lse) - float64(tr[k])) / float64(B))
			}
		}
	}
	return sum / float64(B)
}

// bnScalar reads a one-element value.
func bnScalar(v gorgonia.Value) (float64, error) {
	switch s := v.(type) {
	case *gorgonia.F64:
		return float64(*s), nil
	case *gorgonia.F32:
		return float64(*s), nil
	case *tensor.Dense:
		if s.Shape().TotalSize() == 1 {
			switch d := s.Data().(type) {
			case float64:
				return d, nil
			case float32:
				return float64(d), nil
			case []float64:
				return d[0], nil
			case []float32:
				return float64(d[0]), nil
			}
		}
	}
	return 0, errors.Errorf("gradient %v (%T) is not a float scalar", v, v)
}

func (o *bnCEOp) ReturnsPtr() bool      { return false }
func (o *bnCEOp) CallsExtern() bool     { return false }
func (o *bnCEOp) OverwritesInput() int  { return -1 }
func (o *bnCEOp) WriteHash(h hash.Hash) { io.WriteString(h, o.String()) }

func (o *bnCEOp) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

func (o *bnCEOp) String() string {
	if o.grad {
		return "SoftmaxCEGrad"
	}
	return "SoftmaxCE"
}

// DiffWRT: the loss is differentiable with respect to z only.
func (o *bnCEOp) DiffWRT(inputs int) []bool {
	d := make([]bool, max(inputs, 0)) // no inputs for a negative count
	if !o.grad && inputs > 0 {
		d[0] = true
	}
	return d
}

// SymDiff returns the backward node SoftmaxCEGrad(z, t, grad) for z.
func (o *bnCEOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if o.grad || len(inputs) != 2 {
		return nil, errors.Errorf("compare: %s: no second derivative", o)
	}
	n, err := gorgonia.ApplyOp(&bnCEOp{grad: true}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, errors.Wrap(err, "compare: cross-entropy gradient")
	}
	return gorgonia.Nodes{n, nil}, nil
}
