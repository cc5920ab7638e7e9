package teacher

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
)

// naiveFactor computes a factor-to-variable message straight from its
// definition: for slot j and value d, visit every configuration of all n
// variables, keep those with digit j equal to d and a non-zero factor, and
// combine the factor value with the messages of the other slots. reduce
// is + (sum-product) or max; prod is × or + (log domain).
func naiveFactor(f func(c int) (float64, bool), in []float64, n, q, j, d int,
	reduce func(a, b float64) float64, prod func(a, b float64) float64, empty float64) float64 {
	acc := empty
	total := ipow(q, n)
	for c := 0; c < total; c++ {
		w, ok := f(c)
		if !ok {
			continue
		}
		x := c
		var digit []int
		for range n {
			digit = append(digit, x%q)
			x /= q
		}
		if digit[j] != d {
			continue
		}
		v := w
		for i := 0; i < n; i++ {
			if i != j {
				v = prod(v, in[i*q+digit[i]])
			}
		}
		acc = reduce(acc, v)
	}
	return acc
}

// TestFactorUpdatesMatchEnumeration checks the three kernels against
// naiveFactor on random tiny factors whose tables leave out some
// configurations and whose messages hold exact zeros.
func TestFactorUpdatesMatchEnumeration(t *testing.T) {
	type kernelFn func(out, in []float64, t *table, offs []uint16, n int, pre []float64)
	sum := func(a, b float64) float64 { return a + b }
	mul := func(a, b float64) float64 { return a * b }
	kernels := []struct {
		name         string
		k            kernelFn
		reduce, prod func(a, b float64) float64
		empty        float64
		logDomain    bool
		sorted       bool // sort the table by decreasing value (lets maxSum stop early)
	}{
		{"sum-product", sumProduct, sum, mul, 0, false, false},
		{"max-product", maxProduct, math.Max, mul, 0, false, false},
		{"max-sum", maxSum, math.Max, sum, math.Inf(-1), true, false},
		{"max-sum-sorted", maxSum, math.Max, sum, math.Inf(-1), true, true},
	}
	for _, kc := range kernels {
		for _, shape := range [][2]int{{2, 2}, {3, 2}, {6, 2}, {3, 3}, {5, 3}, {8, 3}} {
			n, q := shape[0], shape[1]
			t.Run(fmt.Sprintf("%s/n=%d,q=%d", kc.name, n, q), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(q)))
				nc := ipow(q, n)
				vals := make([]float64, nc)
				keep := make([]bool, nc)
				tb := &table{}
				for c := range vals {
					keep[c] = rng.Float64() < 0.6
					vals[c] = rng.Float64() * 2
					if kc.logDomain {
						vals[c] = -30 * rng.Float64() * rng.Float64()
					}
					if keep[c] {
						tb.cfg = append(tb.cfg, uint32(c))
						tb.w = append(tb.w, vals[c])
					}
				}
				if kc.sorted {
					sortByWeight(tb)
				}
				in := make([]float64, n*q)
				for i := range in {
					in[i] = rng.Float64()
					if kc.logDomain {
						// Mostly ≤ 0 as after normalisation, some > 0 to exercise the bound.
						in[i] = -6*rng.Float64() + 0.5
					} else if rng.IntN(5) == 0 {
						in[i] = 0
					}
				}
				out := make([]float64, n*q)
				kc.k(out, in, tb, offsets(n, q), n, make([]float64, n+1))
				f := func(c int) (float64, bool) { return vals[c], keep[c] }
				for j := 0; j < n; j++ {
					for d := 0; d < q; d++ {
						want := naiveFactor(f, in, n, q, j, d, kc.reduce, kc.prod, kc.empty)
						if got := out[j*q+d]; !testutil.Close(got, want, 1e-12) {
							t.Errorf("out[%d,%d] = %v, want %v (rel err %.2g)", j, d, got, want, testutil.RelErr(got, want))
						}
					}
				}
			})
		}
	}
}

// TestBuildTableMatchesForward checks the enumerated factor of every output
// unit against the energy computed by building the weight matrices of each
// configuration and running the network forward (thesis eq. 3.2).
func TestBuildTableMatchesForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tc, err := New(Config{NIn: 6, NHidden: 4, NOut: 4, KIn: 3, KOut: 2, Act: LeakyReLU{A: 0.1}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	d, err := tc.Generate(5, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, ternary := range []bool{false, true} {
		st := &Student{In: tc.In, Out: tc.Out, Act: tc.Act, Ternary: ternary}
		g := newGraph(st)
		for _, s := range []Settings{{Algorithm: MaxSum}, {Beta: 0}, {Beta: 0.7}} {
			s = s.withDefaults(1)
			for a := 0; a < tc.NOut; a++ {
				var tb table
				g.buildTable(&tb, a, d, &s, &tableScratch{})
				checkTable(t, g, &tb, a, d, &s)
			}
		}
	}
}

// checkTable compares tb with the energies of forward passes.
func checkTable(t *testing.T, g *graph, tb *table, a int, d *Data, s *Settings) {
	t.Helper()
	st := g.st
	nc := ipow(g.q, g.n)
	energy := make([]float64, nc)
	hmin := math.Inf(1)
	for c := range energy {
		energy[c] = forwardEnergy(g, c, a, d)
		hmin = math.Min(hmin, energy[c])
	}
	got := make(map[uint32]float64, len(tb.cfg))
	for k, c := range tb.cfg {
		got[c] = tb.w[k]
	}
	if len(got) != len(tb.cfg) {
		t.Fatalf("factor %d: repeated configurations", a)
	}
	kept := 0
	for c := 0; c < nc; c++ {
		var want float64
		switch {
		case s.Algorithm == MaxSum:
			want = -energy[c]
		case s.Beta == 0:
			if energy[c] > 1e-20 {
				continue
			}
			want = 1
		default:
			want = math.Exp(-s.Beta * (energy[c] - hmin))
		}
		kept++
		w, ok := got[uint32(c)]
		if !ok {
			t.Fatalf("ternary=%v %+v factor %d: configuration %d missing", st.Ternary, *s, a, c)
		}
		if !testutil.Close(w, want, 1e-12) {
			t.Errorf("factor %d config %d: w = %v, want %v", a, c, w, want)
		}
	}
	if kept != len(tb.cfg) {
		t.Errorf("factor %d: %d configurations kept, want %d", a, len(tb.cfg), kept)
	}
	for k := 1; tb.sorted && k < len(tb.w); k++ {
		if tb.w[k] > tb.w[k-1] {
			t.Fatalf("factor %d: table marked sorted is not", a)
		}
	}
	if tb.sorted != (s.Algorithm == MaxSum) {
		t.Errorf("factor %d: sorted = %v", a, tb.sorted)
	}
}

// forwardEnergy returns H_a of configuration c: the squared error of output
// a over d when the slots of factor a take the weights of c and the network
// is evaluated with explicit dense matrices.
func forwardEnergy(g *graph, c, a int, d *Data) float64 {
	st := g.st
	nh, nin := st.In.Rows, st.In.Cols
	win := make([][]float64, nh)
	for r := range win {
		win[r] = make([]float64, nin)
	}
	wout := make([]float64, nh)
	for j := 0; j < g.n; j++ {
		w := float64(st.value(c % g.q))
		c /= g.q
		v := int(g.vars[a*g.n+j])
		if v >= g.nIn {
			wout[st.Out.Idx[v-g.nIn]] = w
			continue
		}
		r := v / st.In.K
		win[r][st.In.Idx[v]] = w
	}
	var h float64
	for eta := 0; eta < d.M; eta++ {
		var z float64
		for r := 0; r < nh; r++ {
			if wout[r] == 0 {
				continue
			}
			var zr float64
			for s := 0; s < nin; s++ {
				zr += win[r][s] * float64(d.X[eta*nin+s])
			}
			z += wout[r] * st.Act.Eval(zr)
		}
		diff := d.Y[eta*d.NOut+a] - st.Act.Eval(z)
		h += diff * diff
	}
	return h
}
