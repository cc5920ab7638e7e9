package solver

import (
	"math"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// value returns the dense tensor bound to n, checked against n's shape.
func value(n *gorgonia.Node, role string) (*tensor.Dense, error) {
	v := n.Value()
	if v == nil {
		return nil, errors.Errorf("solver: Step: %s %s has no value: bind one with gorgonia.Let (or run the machine) before Step", role, n.Name())
	}
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, errors.Errorf("solver: Step: %s %s holds a %T, want a *tensor.Dense", role, n.Name(), v)
	}
	if !d.Shape().Eq(n.Shape()) {
		return nil, errors.Errorf("solver: Step: %s %s holds a %v tensor, the node is %v", role, n.Name(), d.Shape(), n.Shape())
	}
	return d, nil
}

// readFloats copies the elements of d, in logical order, into dst, which
// must hold d.Size() values. d may hold floats or integers.
func readFloats(dst []float64, d *tensor.Dense) error {
	if d.IsMaterializable() {
		m, ok := d.Materialize().(*tensor.Dense)
		if !ok {
			return errors.Errorf("cannot materialize a %v view", d.Shape())
		}
		d = m
	}
	switch v := d.Data().(type) {
	case []float64:
		copy(dst, v)
	case []float32:
		widen(dst, v)
	case []int:
		widen(dst, v)
	case []int64:
		widen(dst, v)
	case []int32:
		widen(dst, v)
	default:
		return errors.Errorf("dtype %v: want float64, float32, int, int64 or int32", d.Dtype())
	}
	return nil
}

// widen sets dst[i] = float64(src[i]) for every i of dst.
func widen[T float32 | int | int64 | int32](dst []float64, src []T) {
	for i := range dst {
		dst[i] = float64(src[i])
	}
}

// transposeInto sets dst (c×r) to the transpose of src (r×c), row-major.
func transposeInto(dst, src []float64, r, c int) {
	for i := 0; i < r; i++ {
		for j, v := range src[i*c : (i+1)*c] {
			dst[j*r+i] = v
		}
	}
}

// readBatch reads the mini-batch bound to x and y into xbuf (B×N_0) and
// ybuf (class indices, or ±1 for one output).
func (s *Solver) readBatch() error {
	d, err := value(s.x, "input")
	if err != nil {
		return err
	}
	B, N0 := s.a.batch, s.a.widths[0]
	src := s.xbuf
	if s.a.featureMajor {
		src = make([]float64, B*N0)
	}
	if err := readFloats(src, d); err != nil {
		return errors.Wrapf(err, "solver: Step: input %s", s.x.Name())
	}
	if s.a.featureMajor {
		transposeInto(s.xbuf, src, N0, B)
	}
	if d, err = value(s.y, "label"); err != nil {
		return err
	}
	y := make([]float64, d.Size())
	if err := readFloats(y, d); err != nil {
		return errors.Wrapf(err, "solver: Step: labels %s", s.y.Name())
	}
	return s.decodeLabels(y)
}

// decodeLabels turns the label values y into ybuf: the first maximum of
// each one-hot row, or one class index or sign per sample.
func (s *Solver) decodeLabels(y []float64) error {
	B, C := s.a.batch, s.a.widths[len(s.a.widths)-1]
	for n := range s.ybuf {
		if !s.a.oneHot {
			v := y[n]
			switch {
			case C == 1 && v == 1:
				s.ybuf[n] = 1
			case C == 1 && (v == -1 || v == 0):
				s.ybuf[n] = -1
			case C == 1:
				return errors.Errorf("solver: Step: label %v of sample %d: one output unit needs labels ±1 (or 1/0)", v, n)
			case v != math.Trunc(v) || v < 0 || v >= float64(C):
				return errors.Errorf("solver: Step: label %v of sample %d: want a class index in [0, %d)", v, n, C)
			default:
				s.ybuf[n] = int(v)
			}
			continue
		}
		best := 0
		for c := 0; c < C; c++ {
			v := y[idx(s.a.featureMajor, n, c, B, C)]
			if math.IsNaN(v) {
				return errors.Errorf("solver: Step: one-hot label of sample %d holds NaN", n)
			}
			if v > y[idx(s.a.featureMajor, n, best, B, C)] {
				best = c
			}
		}
		s.ybuf[n] = best
	}
	return nil
}

// idx is the position of class c of sample n in a one-hot label tensor.
func idx(featureMajor bool, n, c, B, C int) int {
	if featureMajor {
		return c*B + n
	}
	return n*C + c
}

// writeWeights writes W_l = sign(m_l) into the value of every weight node,
// in its layout (N_{l−1}×N_l, or N_l×N_{l−1} transposed) and dtype.
func (s *Solver) writeWeights() error {
	net := s.tr.Network()
	for l, w := range s.weights {
		d, err := value(w, "weight")
		if err != nil {
			return err
		}
		if d.IsMaterializable() {
			return errors.Errorf("solver: Step: weight %s holds a view, which cannot be written in place", w.Name())
		}
		K, N := net.Shape(l)
		pw := net.PointWeights(l) // K×N
		if !s.a.featureMajor {
			t := make([]float64, len(pw))
			transposeInto(t, pw, K, N)
			pw = t
		}
		switch v := d.Data().(type) {
		case []float64:
			copy(v, pw)
		case []float32:
			for i, x := range pw {
				v[i] = float32(x)
			}
		default:
			return errors.Errorf("solver: Step: weight %s has dtype %v: want float64 or float32", w.Name(), d.Dtype())
		}
	}
	return nil
}

// samples returns the samples of x (laid out like the input node, any
// number M of them) as an M×N_0 row-major float64 slice.
func (s *Solver) samples(x tensor.Tensor) ([]float64, int, error) {
	d, ok := x.(*tensor.Dense)
	if !ok || d == nil {
		return nil, 0, errors.Errorf("solver: predict: x is a %T, want a *tensor.Dense", x)
	}
	N0, sh := s.a.widths[0], d.Shape()
	want := "M×" + itoa(N0)
	if s.a.featureMajor {
		want = itoa(N0) + "×M"
	}
	if len(sh) != 2 || (!s.a.featureMajor && sh[1] != N0) || (s.a.featureMajor && sh[0] != N0) {
		return nil, 0, &ShapeError{Node: "x (argument of Predict)", Shape: sh, Want: want + ", laid out like the input node"}
	}
	M := d.Size() / N0
	xs := make([]float64, M*N0)
	if err := readFloats(xs, d); err != nil {
		return nil, 0, errors.Wrap(err, "solver: predict")
	}
	if s.a.featureMajor {
		t := make([]float64, len(xs))
		transposeInto(t, xs, N0, M)
		xs = t
	}
	return xs, M, nil
}
