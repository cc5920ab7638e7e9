package teacher

import (
	"cmp"
	"math"
	"slices"
)

// maxConfigs bounds q^n, the configurations of one factor that exact
// enumeration visits (3^11 = 177147 fits: a ternary factor with K_out = 1
// and K_in = 10; the thesis' largest, K_out = 3 and K_in = 2, has 3^9).
const maxConfigs = 1 << 18

// graph is the factor graph of a student: one factor per output unit a,
// one variable per student slot (the slots of W_in first, then those of
// W_out), edge e = a·n + j joining factor a and its slot j.
type graph struct {
	st          *Student
	q, n        int     // alphabet size, variables per factor
	nIn, nVars  int     // variables of W_in, of both matrices
	vars        []int32 // vars[e]: the variable of edge e
	start, edge []int   // edges of variable v: edge[start[v]:start[v+1]]
}

// newGraph builds the factor graph of st (see the file comment of factor.go
// for the slot order).
func newGraph(st *Student) *graph {
	ko, ki := st.Out.K, st.In.K
	g := &graph{st: st, q: st.q(), n: ko + ko*ki, nIn: len(st.In.Idx)}
	g.nVars = g.nIn + len(st.Out.Idx)
	g.vars = make([]int32, st.Out.Rows*g.n)
	for a := 0; a < st.Out.Rows; a++ {
		e := a * g.n
		for j, r := range st.Out.Row(a) {
			g.vars[e+j] = int32(g.nIn + a*ko + j)
			for l := 0; l < ki; l++ {
				g.vars[e+ko+j*ki+l] = int32(r*ki + l)
			}
		}
	}
	g.start = make([]int, g.nVars+1)
	for _, v := range g.vars {
		g.start[v+1]++
	}
	for v := 0; v < g.nVars; v++ {
		g.start[v+1] += g.start[v]
	}
	g.edge = make([]int, len(g.vars))
	fill := append([]int(nil), g.start[:g.nVars]...)
	for e, v := range g.vars {
		g.edge[fill[v]] = e
		fill[v]++
	}
	return g
}

// configs returns q^n, or 0 when it exceeds maxConfigs.
func (g *graph) configs() int {
	c := 1
	for range g.n {
		c *= g.q
		if c > maxConfigs {
			return 0
		}
	}
	return c
}

// tableScratch is one worker's scratch for buildTable.
type tableScratch struct {
	psi []float64 // K_out × q^K_in × M: φ of the hidden pre-activations
	z   []float64 // M: output pre-activations
	dig []int
	ci  []int // K_out: the W_in configuration index of each hidden slot
}

// buildTable enumerates the factor of output unit a on the samples of d
// (thesis eq. 2.5, 3.1–3.2):
//
//	H_a(c) = Σ_η ( y_η,a − φ( Σ_j W_out[a, r_j] φ( Σ_l W_in[r_j, s_l] x_η,s_l ) ) )²
//
// For MaxSum it stores every configuration with w = −H_a. Otherwise, with
// Beta = 0, the configurations meeting every sample within HardTol with
// w = 1 (the δ constraints); with Beta > 0 every configuration with
// w = exp(−β (H_a − min_c H_a)), shifted so the largest value is 1 (the
// shift is a constant factor and keeps large β from underflowing).
func (g *graph) buildTable(t *table, a int, d *Data, s *Settings, sc *tableScratch) {
	st, q := g.st, g.q
	ko, ki := st.Out.K, st.In.K
	nin := ipow(q, ki)
	sc.psi = grow(sc.psi, ko*nin*d.M)
	sc.z = grow(sc.z, d.M)
	sc.dig = growInt(sc.dig, g.n)
	for j, r := range st.Out.Row(a) {
		in := st.In.Row(r)
		for ci := 0; ci < nin; ci++ {
			digits(sc.dig[:ki], uint32(ci), q)
			p := sc.psi[(j*nin+ci)*d.M : (j*nin+ci+1)*d.M]
			for eta := range p {
				x := d.X[eta*d.NIn : (eta+1)*d.NIn]
				var z float64
				for l, col := range in {
					z += float64(st.value(sc.dig[l])) * float64(x[col])
				}
				p[eta] = st.Act.Eval(z)
			}
		}
	}
	hard := s.Algorithm != MaxSum && s.Beta == 0
	t.cfg, t.w = t.cfg[:0], t.w[:0]
	nc := g.configs()
	for c := 0; c < nc; c++ {
		digits(sc.dig, uint32(c), q)
		h, ok := g.energy(sc, a, d, hard, s.HardTol)
		if ok {
			t.cfg = append(t.cfg, uint32(c))
			t.w = append(t.w, -h)
		}
	}
	t.sorted = false
	switch {
	case s.Algorithm == MaxSum:
		sortByWeight(t)
	case hard:
		for k := range t.w {
			t.w[k] = 1
		}
	case s.Algorithm != MaxSum:
		hmin := math.Inf(1)
		for _, w := range t.w {
			hmin = math.Min(hmin, -w)
		}
		for k, w := range t.w {
			t.w[k] = math.Exp(-s.Beta * (-w - hmin))
		}
	}
}

// energy returns H_a of the configuration whose digits are in sc.dig. When
// hard is set it stops at the first sample missed by more than tol and
// reports ok = false.
func (g *graph) energy(sc *tableScratch, a int, d *Data, hard bool, tol float64) (h float64, ok bool) {
	st, q := g.st, g.q
	ko, ki := st.Out.K, st.In.K
	nin := ipow(q, ki)
	sc.ci = growInt(sc.ci, ko)
	for j := range sc.ci {
		ci := 0
		for l := ki - 1; l >= 0; l-- {
			ci = ci*q + sc.dig[ko+j*ki+l]
		}
		sc.ci[j] = (j*nin + ci) * d.M
	}
	for eta := 0; eta < d.M; eta++ {
		var z float64
		for j, off := range sc.ci {
			z += float64(st.value(sc.dig[j])) * sc.psi[off+eta]
		}
		diff := d.Y[eta*d.NOut+a] - st.Act.Eval(z)
		if hard && math.Abs(diff) > tol {
			return 0, false
		}
		h += diff * diff
	}
	return h, true
}

// sortByWeight orders the configurations of t by decreasing w (ties by
// increasing configuration) and sets t.sorted.
func sortByWeight(t *table) {
	idx := make([]int, len(t.cfg))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(t.w[b], t.w[a]) })
	cfg, w := slices.Clone(t.cfg), slices.Clone(t.w)
	for i, j := range idx {
		t.cfg[i], t.w[i] = cfg[j], w[j]
	}
	t.sorted = true
}

func ipow(b, e int) int {
	p := 1
	for range e {
		p *= b
	}
	return p
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func growInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
