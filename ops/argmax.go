package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// argMaxOp is the output function of the ArgMax layer (ALGORITHMS §7.5).
type argMaxOp struct{ output }

// ArgMaxChannel returns the node g (C×B) of the ArgMax output layer from the
// pre-activation means ω (C×B), variances V (C×B) and the labels y (1×B,
// class indices 0..C−1 stored as floats). For every sample n with c = y_n:
//
//	g[k,n] = −GH(−(ω[c,n] − ω[k,n])/S)/S,  S = √(V[k,n] + V[c,n]),  k ≠ c,
//	g[c,n] = −Σ_{k≠c} g[k,n],
//
// the gradient of φ = Σ_{k≠c} log H(−(ω_c − ω_k)/√(V_k + V_c)). A label that
// is not an integer in [0, C) makes Do fail.
func ArgMaxChannel(omega, v, y *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&argMaxOp{}, omega, v, y)
}

func (o *argMaxOp) Arity() int    { return 3 }
func (o *argMaxOp) Type() hm.Type { return fnType(2, 2, 2, 2) }

func (o *argMaxOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 3, ds)
	if err != nil {
		return nil, err
	}
	if err := sameShape(o.String(), "ω and V", ss[0], ss[1]); err != nil {
		return nil, err
	}
	if len(ss[0]) != 2 || len(ss[2]) != 2 || ss[2][0] != 1 || ss[2][1] != ss[0][1] {
		return nil, errors.Errorf("ops: %v: want ω C×B and labels 1×B, got %v and %v", o, ss[0], ss[2])
	}
	return ss[0].Clone(), nil
}

func (o *argMaxOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return o.UsePreallocDo(nil, vs...)
}

// UsePreallocDo computes g into prealloc when it fits.
func (o *argMaxOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.String(), []int{2, 2, 2}, vs)
	if err != nil {
		return nil, err
	}
	s := ts[0].Shape()
	if !ts[1].Shape().Eq(s) || ts[2].Shape()[0] != 1 || ts[2].Shape()[1] != s[1] {
		return nil, errors.Errorf("ops: %v: shapes %v, %v, %v", o, s, ts[1].Shape(), ts[2].Shape())
	}
	// Labels are validated by the host before they reach the device; an
	// invalid one gives NaN outputs for its sample.
	if v, ok, err := o.onDevice(o.String(), ts, prealloc, dt, s, func(d deviceKernels, dst *tensor.Dense) error {
		return d.argMax(dst, ts[0], ts[1], ts[2], s[0], s[1])
	}); ok {
		return v, err
	}
	dst := o.dst(prealloc, dt, s)
	if dt == tensor.Float64 {
		err = argMaxG(f64(dst), f64(ts[0]), f64(ts[1]), f64(ts[2]), s[0], s[1])
	} else {
		err = argMaxG(f32(dst), f32(ts[0]), f32(ts[1]), f32(ts[2]), s[0], s[1])
	}
	if err != nil {
		return nil, err
	}
	return dst, nil
}

// argMaxG computes the ArgMax g for C classes and B samples.
func argMaxG[T Float](g, omega, v, y []T, C, B int) error {
	for n := 0; n < B; n++ {
		yn := float64(y[n])
		c := int(yn)
		if yn != float64(c) || c < 0 || c >= C {
			return errors.Errorf("ops: ArgMaxChannel: label %v of sample %d is not a class index in [0, %d)", yn, n, C)
		}
		wc, vc := float64(omega[c*B+n]), float64(v[c*B+n])
		var sum float64
		for k := 0; k < C; k++ {
			if k == c {
				continue
			}
			S := math.Sqrt(float64(v[k*B+n]) + vc)
			gk := -GH(-(wc-float64(omega[k*B+n]))/S) / S
			g[k*B+n] = T(gk)
			sum += gk
		}
		g[c*B+n] = T(-sum)
	}
	return nil
}

func (o *argMaxOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *argMaxOp) Hashcode() uint32      { return hashOf(o) }
func (o *argMaxOp) String() string        { return fmt.Sprintf("ArgMaxChannel") }

var _ gorgonia.UsePreallocDoer = (*argMaxOp)(nil)
