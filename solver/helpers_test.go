package solver

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
)

// layout describes how a test builds the user's graph.
type layout struct {
	featureMajor bool         // x N_0×B, W N_l×N_{l−1}, z = W·h
	dt           tensor.Dtype // of x, y and the weights
	oneHot       bool         // one-hot labels (C ≥ 2); else one label per sample
	gorgoniaSign bool         // gorgonia.Sign instead of the STE ops (no gradients then)
	scale        bool         // every product divided by √N_{l−1}, as BinaryNet does
}

// userNet is a user's graph: x → (B(W_l), sign)… → out.
type userNet struct {
	g    *G.ExprGraph
	x, y *G.Node
	ws   G.Nodes
	out  *G.Node // z_L, scaled when asked
	cost *G.Node // nil when lo.gorgoniaSign
	lo   layout
	B, C int
}

// buildNet builds the graph of a user's binary network with the given
// widths and batch size, with weights drawn from seed.
func buildNet(t testing.TB, widths []int, B int, lo layout, seed uint64) *userNet {
	t.Helper()
	if lo.dt == (tensor.Dtype{}) {
		lo.dt = tensor.Float64
	}
	g := G.NewGraph()
	L := len(widths) - 1
	u := &userNet{g: g, lo: lo, B: B, C: widths[L]}
	xs := []int{B, widths[0]}
	if lo.featureMajor {
		xs = []int{widths[0], B}
	}
	u.x = G.NewMatrix(g, lo.dt, G.WithShape(xs...), G.WithName("x"))
	if lo.oneHot {
		ys := []int{B, u.C}
		if lo.featureMajor {
			ys = []int{u.C, B}
		}
		u.y = G.NewMatrix(g, lo.dt, G.WithShape(ys...), G.WithName("y"))
	} else {
		u.y = G.NewVector(g, lo.dt, G.WithShape(B), G.WithName("y"))
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	h := u.x
	for l := 1; l <= L; l++ {
		ws := []int{widths[l-1], widths[l]}
		if lo.featureMajor {
			ws = []int{widths[l], widths[l-1]}
		}
		w := G.NewMatrix(g, lo.dt, G.WithShape(ws...), G.WithName(fmt.Sprintf("w%d", l)),
			G.WithValue(randDense(rng, lo.dt, ws...)))
		u.ws = append(u.ws, w)
		wb := must(compare.BinarizeSTE(w, nil))
		if lo.gorgoniaSign {
			wb = must(G.Sign(w))
		}
		var z *G.Node
		if lo.featureMajor {
			z = must(G.Mul(wb, h))
		} else {
			z = must(G.Mul(h, wb))
		}
		if lo.scale {
			var c any = math.Sqrt(float64(widths[l-1]))
			if lo.dt == tensor.Float32 {
				c = float32(math.Sqrt(float64(widths[l-1])))
			}
			z = must(G.Div(z, G.NewConstant(c, G.WithName(fmt.Sprintf("sqrtN%d", l)))))
		}
		switch {
		case l == L:
			u.out = z
		case lo.gorgoniaSign:
			h = must(G.Sign(z))
		default:
			h = must(compare.SignSTE(z))
		}
	}
	if !lo.gorgoniaSign {
		u.cost = must(G.Mean(must(G.Square(u.out))))
		if lo.oneHot {
			axis := 1
			if lo.featureMajor {
				axis = 0
			}
			u.cost = must(G.Neg(must(G.Mean(must(G.HadamardProd(must(G.LogSoftMax(u.out, axis)), u.y))))))
		}
		if _, err := G.Grad(u.cost, u.ws...); err != nil {
			t.Fatalf("Grad: %v", err)
		}
	}
	return u
}

func must(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(err)
	}
	return n
}

// randDense returns a tensor of standard normal values.
func randDense(rng *rand.Rand, dt tensor.Dtype, shape ...int) *tensor.Dense {
	v := make([]float64, shape[0]*shape[1])
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return denseOf(dt, v, shape...)
}

// denseOf returns a tensor of dtype dt holding v.
func denseOf(dt tensor.Dtype, v []float64, shape ...int) *tensor.Dense {
	if dt == tensor.Float32 {
		f := make([]float32, len(v))
		for i, x := range v {
			f[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), v...)))
}

// teacher draws M samples of N Gaussian features and labels them by a
// random network N-hidden-C with sign activations: class indices for
// C ≥ 2, ±1 for C = 1. Inputs are rounded to float32 when dt is, so that
// the solver and a trainer given the float64 slice see the same values.
func teacher(rng *rand.Rand, N, hidden, C, M int, dt tensor.Dtype) (x []float64, y []int) {
	w1 := make([]float64, hidden*N)
	w2 := make([]float64, C*hidden)
	for i := range w1 {
		w1[i] = rng.NormFloat64()
	}
	for i := range w2 {
		w2[i] = rng.NormFloat64()
	}
	x, y = make([]float64, M*N), make([]int, M)
	h := make([]float64, hidden)
	for n := 0; n < M; n++ {
		for i := 0; i < N; i++ {
			v := rng.NormFloat64()
			if dt == tensor.Float32 {
				v = float64(float32(v))
			}
			x[n*N+i] = v
		}
		for k := range h {
			var z float64
			for i := 0; i < N; i++ {
				z += w1[k*N+i] * x[n*N+i]
			}
			h[k] = math.Copysign(1, z)
		}
		best, bz := 0, math.Inf(-1)
		for c := 0; c < C; c++ {
			var z float64
			for k := range h {
				z += w2[c*hidden+k] * h[k]
			}
			if z > bz {
				best, bz = c, z
			}
		}
		if C == 1 {
			best = int(math.Copysign(1, bz))
		}
		y[n] = best
	}
	return x, y
}

// bind binds samples lo…lo+B of (x, y) to the user's input and label nodes
// in the net's layout and dtype. zeroOne writes one-output labels as 1/0.
func (u *userNet) bind(t testing.TB, x []float64, y []int, lo int, zeroOne bool) {
	t.Helper()
	N0 := len(x) / len(y)
	xb := x[lo*N0 : (lo+u.B)*N0]
	if u.lo.featureMajor {
		xt := make([]float64, len(xb))
		transposeInto(xt, xb, u.B, N0)
		xb = xt
	}
	if err := G.Let(u.x, denseOf(u.lo.dt, xb, u.x.Shape()...)); err != nil {
		t.Fatal(err)
	}
	yb := make([]float64, u.y.Shape().TotalSize())
	for n, c := range y[lo : lo+u.B] {
		switch {
		case u.lo.oneHot:
			yb[idx(u.lo.featureMajor, n, c, u.B, u.C)] = 1
		case zeroOne && c < 0:
			yb[n] = 0
		default:
			yb[n] = float64(c)
		}
	}
	if err := G.Let(u.y, denseOf(u.lo.dt, yb, u.y.Shape()...)); err != nil {
		t.Fatal(err)
	}
}

// floats returns the elements of a float tensor as float64.
func floats(t *tensor.Dense) []float64 {
	v := make([]float64, t.Size())
	if err := readFloats(v, t); err != nil {
		panic(err)
	}
	return v
}
