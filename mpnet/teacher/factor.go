package teacher

import "math"

// This file holds the factor of one output unit a (thesis eq. 2.5 and 3.1)
// and the three exact-enumeration factor-to-variable updates.
//
// A factor has n = K_out + K_out·K_in variables (its slots): slot j < K_out
// is the weight W_out[a, r_j] of the j-th hidden unit r_j of row a, and slot
// K_out + j·K_in + l is the l-th weight of row r_j of W_in. A configuration
// is an integer c ∈ [0, q^n) whose base-q digit j, d_j(c) = ⌊c/q^j⌋ mod q,
// is the alphabet index of slot j. A factor table keeps the configurations
// with a non-zero factor value and their values, in increasing order of c.
// Messages of one factor are n×q row-major: m[j·q + d].

// table is the enumerated factor of one output unit for one mini-batch.
type table struct {
	cfg []uint32  // configurations with a non-zero factor (all of them for max-sum)
	w   []float64 // their values: ξ_a (probability domain) or −H_a (log domain)

	// sorted is set when w is in decreasing order (MaxSum tables), which
	// lets maxSum stop early.
	sorted bool
}

// digits writes the base-q digits of c into d (len n).
func digits(d []int, c uint32, q int) {
	for j := range d {
		d[j] = int(c % uint32(q))
		c /= uint32(q)
	}
}

// sumProduct computes the sum-product update (thesis eq. 2.7, 2.8) of every
// slot of one factor:
//
//	out[j, d] = Σ_{c: d_j(c) = d} w_c Π_{i ≠ j} in[i, d_i(c)]
//
// offs[c·n + i] = i·q + d_i(c) locates the message entry of slot i in
// configuration c. The product over i ≠ j is a prefix product times a
// running suffix product, so no message is ever divided and exact zeros are
// safe. out is not normalised; pre (len n+1) is scratch.
func sumProduct(out, in []float64, t *table, offs []uint16, n int, pre []float64) {
	clear(out)
	for k, c := range t.cfg {
		o := offs[int(c)*n : int(c)*n+n]
		pre[0] = 1
		for i, oi := range o {
			pre[i+1] = pre[i] * in[oi]
		}
		s := t.w[k]
		for i := n - 1; i >= 0; i-- {
			out[o[i]] += pre[i] * s
			s *= in[o[i]]
		}
	}
}

// maxProduct computes the max-product update (thesis eq. 2.12) of every
// slot of one factor:
//
//	out[j, d] = max_{c: d_j(c) = d} w_c Π_{i ≠ j} in[i, d_i(c)]
//
// with the maximum over no configuration equal to 0. out is not normalised.
func maxProduct(out, in []float64, t *table, offs []uint16, n int, pre []float64) {
	clear(out)
	for k, c := range t.cfg {
		o := offs[int(c)*n : int(c)*n+n]
		pre[0] = 1
		for i, oi := range o {
			pre[i+1] = pre[i] * in[oi]
		}
		s := t.w[k]
		for i := n - 1; i >= 0; i-- {
			out[o[i]] = math.Max(out[o[i]], pre[i]*s)
			s *= in[o[i]]
		}
	}
}

// maxSum computes the max-sum update (thesis eq. 3.7) of every slot of one
// factor in the log domain:
//
//	out[j, d] = max_{c: d_j(c) = d} [ −H_a(c) + Σ_{i ≠ j} in[i, d_i(c)] ]
//
// where w_c = −H_a(c), with the maximum over no configuration equal to −∞.
// out is not normalised.
//
// Pruning: every candidate of configuration c is at most w_c + B with
// B = Σ_i max(0, max_d in[i, d]) (B = 0 for normalised messages), so c is
// skipped when w_c + B is below the smallest entry of out, and when the
// table is sorted by decreasing w the loop stops there. Both are exact.
func maxSum(out, in []float64, t *table, offs []uint16, n int, pre []float64) {
	for i := range out {
		out[i] = math.Inf(-1)
	}
	q := len(in) / n
	var bound float64
	for i := 0; i < n; i++ {
		mx := 0.0
		for _, v := range in[i*q : (i+1)*q] {
			mx = math.Max(mx, v)
		}
		bound += mx
	}
	floor := math.Inf(-1)
	for k, c := range t.cfg {
		s := t.w[k]
		if k&63 == 63 {
			floor = minOf(out)
		}
		if s+bound < floor {
			if t.sorted {
				break
			}
			continue
		}
		o := offs[int(c)*n : int(c)*n+n]
		pre[0] = 0
		for i, oi := range o {
			pre[i+1] = pre[i] + in[oi]
		}
		for i := n - 1; i >= 0; i-- {
			out[o[i]] = math.Max(out[o[i]], pre[i]+s)
			s += in[o[i]]
		}
	}
}

func minOf(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}

// offsets returns the table offs[c·n + i] = i·q + d_i(c) for c < q^n.
func offsets(n, q int) []uint16 {
	nc := ipow(q, n)
	offs := make([]uint16, nc*n)
	dig := make([]int, n)
	for c := 0; c < nc; c++ {
		digits(dig, uint32(c), q)
		for i, d := range dig {
			offs[c*n+i] = uint16(i*q + d)
		}
	}
	return offs
}
