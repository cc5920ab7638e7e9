package teacher

import "math"

// updateFactors recomputes the messages of factors lo … hi−1 to their
// variables, normalises them (sum 1, or maximum 0 for MaxSum), damps them
// and records the largest change in w.delta:
//
//	μ̂_a→i ← α μ̂_a→i + (1 − α) normalise(U_a(μ_·→a)_i)
func (r *run) updateFactors(w *worker, lo, hi int) {
	n, q, alpha := r.g.n, r.g.q, r.s.Damping
	for a := lo; a < hi; a++ {
		in := r.in[a*n*q : (a+1)*n*q]
		out := r.out[a*n*q : (a+1)*n*q]
		r.kernel(w.buf, in, &r.tables[a], r.offs, n, w.pre)
		for j := 0; j < n; j++ {
			m := w.buf[j*q : (j+1)*q]
			if !r.normalise(m) {
				w.contra++
			}
			for d, v := range m {
				old := out[j*q+d]
				v = alpha*old + (1-alpha)*v
				w.delta = math.Max(w.delta, math.Abs(v-old))
				out[j*q+d] = v
			}
		}
	}
}

// updateVars recomputes the beliefs of variables lo … hi−1 and their
// messages to the factors at iteration t (thesis eq. 2.6, A.7, and with
// reinforcement r eq. 3.8–3.11):
//
//	b_i(w)   ∝ π_i(w) (b_i^old(w))^{r t} Π_{a∈∂i} μ̂_a→i(w)
//	μ_i→a(w) ∝ π_i(w) (b_i^old(w))^{r t} Π_{b∈∂i∖a} μ̂_b→i(w)
//
// in the log domain for MaxSum:
//
//	h_i(w)   = π_i(w) + r t h_i^old(w) + Σ_{a∈∂i} u_a→i(w)
//	h_i→a(w) = h_i(w) − u_a→i(w)
//
// each normalised (sum 1, or maximum 0).
func (r *run) updateVars(w *worker, lo, hi, t int) {
	q := r.g.q
	rt := r.s.Reinforcement * float64(t)
	base := w.base
	for v := lo; v < hi; v++ {
		b := r.belief[v*q : (v+1)*q]
		p := r.prior[v*q : (v+1)*q]
		edges := r.g.edge[r.g.start[v]:r.g.start[v+1]]
		for d := range base {
			base[d] = r.reinforced(p[d], b[d], rt)
		}
		for _, e := range edges {
			m := r.in[e*q : (e+1)*q]
			for d := range m {
				m[d] = base[d]
				for _, f := range edges {
					if f != e {
						m[d] = r.combine(m[d], r.out[f*q+d])
					}
				}
			}
			if !r.normalise(m) {
				w.contra++
			}
		}
		for d := range b {
			b[d] = base[d]
			for _, f := range edges {
				b[d] = r.combine(b[d], r.out[f*q+d])
			}
		}
		if !r.normalise(b) {
			w.contra++
		}
	}
}

// reinforced returns π·b^{rt} (or π + rt·b in the log domain).
func (r *run) reinforced(p, b, rt float64) float64 {
	switch {
	case rt == 0:
		return p
	case r.logDom:
		return p + rt*b
	}
	return p * math.Pow(b, rt)
}

func (r *run) combine(a, b float64) float64 {
	if r.logDom {
		return a + b
	}
	return a * b
}

// normalise scales m to sum 1 (subtracts its maximum in the log domain). A
// message with zero (or non-finite) normalisation becomes uniform and
// normalise reports false.
func (r *run) normalise(m []float64) bool {
	if r.logDom {
		mx := math.Inf(-1)
		for _, v := range m {
			mx = math.Max(mx, v)
		}
		ok := !math.IsInf(mx, 0) && !math.IsNaN(mx)
		for d := range m {
			if ok {
				m[d] -= mx
			} else {
				m[d] = 0
			}
		}
		return ok
	}
	var s float64
	for _, v := range m {
		s += v
	}
	ok := s > 0 && !math.IsInf(s, 0)
	for d := range m {
		if ok {
			m[d] /= s
		} else {
			m[d] = 1 / float64(len(m))
		}
	}
	return ok
}
