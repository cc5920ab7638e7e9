package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/internal/testutil"
)

// steDense returns a tensor of dtype dt holding v.
func steDense(dt tensor.Dtype, v []float64, shape ...int) *tensor.Dense {
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(dt))
	for j, a := range v {
		bnSet(t, j, a)
	}
	return t
}

// steFloats returns the elements of a dense value as float64s.
func steFloats(t *testing.T, v gorgonia.Value) []float64 {
	t.Helper()
	d, ok := v.(*tensor.Dense)
	if !ok {
		t.Fatalf("value %v is %T, want *tensor.Dense", v, v)
	}
	out := make([]float64, d.Shape().TotalSize())
	for j := range out {
		out[j] = bnGet(d, j)
	}
	return out
}

func TestSTEDoBare(t *testing.T) {
	nan := math.NaN()
	z := []float64{-2, -1, -0.5, 0, 0.5, 1, 2, nan}
	g := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	mask := []float64{1, 0, 1, 1, 0, 1, 1, 1}
	cases := []struct {
		kind steKind
		in   [][]float64
		want []float64 // from the formulas in steKernel's doc comment
	}{
		{steSign, [][]float64{z}, []float64{-1, -1, -1, 1, 1, 1, 1, nan}},
		{steBinarize, [][]float64{z}, []float64{-1, -1, -1, 1, 1, 1, 1, nan}},
		{steBinarizeMasked, [][]float64{z, mask}, []float64{-1, 0, -1, 1, 0, 1, 1, nan}},
		{steWindow, [][]float64{z, g}, []float64{0, 2, 3, 4, 5, 6, 0, 0}},
		{stePass, [][]float64{g}, g},
		{stePassMasked, [][]float64{g, mask}, []float64{1, 0, 3, 4, 0, 6, 7, 8}},
	}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%v/%v", c.kind, dt), func(t *testing.T) {
				var vs []gorgonia.Value
				for _, in := range c.in {
					vs = append(vs, steDense(dt, in, len(in)))
				}
				before := steFloats(t, vs[0])
				out, err := (&steOp{kind: c.kind}).Do(vs...)
				if err != nil {
					t.Fatal(err)
				}
				got := steFloats(t, out)
				for j := range got {
					if !testutil.Same(got[j], c.want[j]) {
						t.Errorf("%v[%d] = %v, want %v", c.kind, j, got[j], c.want[j])
					}
				}
				if after := steFloats(t, vs[0]); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("%v changed its input: %v → %v", c.kind, before, after)
				}
			})
		}
	}
}

func TestSTEDoErrors(t *testing.T) {
	a := steDense(tensor.Float64, []float64{1, 2}, 2)
	b := steDense(tensor.Float64, []float64{1, 2, 3}, 3)
	c := steDense(tensor.Float32, []float64{1, 2}, 2)
	i := tensor.New(tensor.WithShape(2), tensor.Of(tensor.Int))
	for name, vs := range map[string][]gorgonia.Value{
		"arity": {a, a}, "shape": {a, b}, "dtype": {a, c}, "int": {i},
	} {
		kind := steWindow
		if name == "arity" || name == "int" {
			kind = steSign
		}
		if _, err := (&steOp{kind: kind}).Do(vs...); err == nil {
			t.Errorf("%s: %v.Do gave no error", name, kind)
		}
	}
}

// steGrid returns n points spread over [−2, 2] that stay at least 0.01
// away from the kinks of hardtanh (±1) and from 0.
func steGrid(n int, rng *rand.Rand) []float64 {
	z := make([]float64, n)
	for j := range z {
		for {
			z[j] = 4*rng.Float64() - 2
			if math.Abs(math.Abs(z[j])-1) > 0.01 && math.Abs(z[j]) > 0.01 {
				break
			}
		}
	}
	return z
}

// steFD returns the central finite-difference gradient of f at z.
func steFD(f func([]float64) float64, z []float64, h float64) []float64 {
	g := make([]float64, len(z))
	for j := range z {
		zp := append([]float64(nil), z...)
		zm := append([]float64(nil), z...)
		zp[j] += h
		zm[j] -= h
		g[j] = (f(zp) - f(zm)) / (2 * h)
	}
	return g
}

// steSurrogate is the function whose ordinary gradient the STE returns:
// for SignSTE, L = Σ c·hardtanh(z); for BinarizeSTE, L = Σ c·(W·mask).
func steSurrogate(sign bool, c, mask []float64) func([]float64) float64 {
	return func(z []float64) float64 {
		var s float64
		for j, v := range z {
			if sign {
				v = math.Max(-1, math.Min(1, v))
			} else {
				v *= mask[j]
			}
			s += c[j] * v
		}
		return s
	}
}

// steGraph builds L = Sum(c ⊙ op(z)) and returns the graph and z.
func steGraph(t *testing.T, dt tensor.Dtype, sign bool, z, c, mask []float64) (*gorgonia.ExprGraph, *gorgonia.Node, *gorgonia.Node) {
	t.Helper()
	n := len(z)
	g := gorgonia.NewGraph()
	zn := gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("z"), gorgonia.WithValue(steDense(dt, z, n)))
	cn := gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("c"), gorgonia.WithValue(steDense(dt, c, n)))
	var y *gorgonia.Node
	var err error
	if sign {
		y, err = SignSTE(zn)
	} else {
		mn := gorgonia.NewVector(g, dt, gorgonia.WithShape(n), gorgonia.WithName("mask"), gorgonia.WithValue(steDense(dt, mask, n)))
		y, err = BinarizeSTE(zn, mn)
	}
	if err != nil {
		t.Fatal(err)
	}
	loss := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(cn, y))))
	return g, zn, loss
}

func TestSTEGradientMatchesSurrogate(t *testing.T) {
	const n = 64
	rng := rand.New(rand.NewPCG(1, 2))
	z := steGrid(n, rng)
	c := make([]float64, n)
	mask := make([]float64, n)
	for j := range c {
		c[j] = rng.NormFloat64()
		if rng.Float64() < 0.7 {
			mask[j] = 1
		}
	}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		tol := 1e-8 // float64: the surrogate is piecewise linear, so FD is exact up to rounding
		if dt == tensor.Float32 {
			tol = 1e-6 // float32: c and the gradient are rounded to float32
		}
		for _, sign := range []bool{true, false} {
			want := steFD(steSurrogate(sign, c, mask), z, 1e-3)
			for _, machine := range []string{"tape+Grad", "lisp"} {
				name := fmt.Sprintf("%v/sign=%v/%s", dt, sign, machine)
				t.Run(name, func(t *testing.T) {
					g, zn, loss := steGraph(t, dt, sign, z, c, mask)
					var vm gorgonia.VM
					if machine == "lisp" {
						vm = gorgonia.NewLispMachine(g)
					} else {
						if _, err := gorgonia.Grad(loss, zn); err != nil {
							t.Fatal(err)
						}
						vm = gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(zn))
					}
					defer vm.Close()
					if err := vm.RunAll(); err != nil {
						t.Fatal(err)
					}
					gv, err := zn.Grad()
					if err != nil {
						t.Fatal(err)
					}
					got := steFloats(t, gv)
					if msg := testutil.CloseSlices(got, want, tol); msg != "" {
						t.Errorf("∂L/∂z: %s", msg)
					}
				})
			}
		}
	}
}

func TestSTEDistinctNodes(t *testing.T) {
	g := gorgonia.NewGraph()
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("w"), gorgonia.WithInit(gorgonia.Zeroes()))
	a := gorgonia.Must(SignSTE(w))
	b := gorgonia.Must(BinarizeSTE(w, nil))
	if a == b {
		t.Error("SignSTE(w) and BinarizeSTE(w) are one node")
	}
	if _, err := BinarizeSTE(w, gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithName("m"))); err == nil {
		t.Error("BinarizeSTE with a mask of another shape: no error")
	}
	if _, err := SignSTE(nil); err == nil {
		t.Error("SignSTE(nil): no error")
	}
}
