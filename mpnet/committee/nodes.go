package committee

import "math"

// This file holds the two factor-node updates of ALGORITHMS §16: the
// Gaussian ("accurate") perceptron node of the first layer and the exact
// convolution node (the output node, and optionally the first layer).

// gaussNode is the first-layer perceptron node in the Gaussian
// approximation. With the cavity magnetizations h_i = tanh(mw_i ⊘ uw_i) of
// its N weights, couplings ξ_i = ±1 and the output cavity Hc = mτ ⊘ U,
//
//	μ = Σ_i h_i ξ_i,   σ² = Σ_i (1 − h_i²)
//	U_new = erf( μ / √(2σ²) )
//	μ̄_i = μ − ξ_i h_i,   σ̄_i² = σ² − (1 − h_i²)
//	m±_i = (μ̄_i ± ξ_i) / √(2σ̄_i²)
//	u_i = Hc (erf m⁺ − erf m⁻) / (2 + Hc (erf m⁺ + erf m⁻))
//
// and in fields u_i = mix(atanh Hc, atanherf(m⁺), atanherf(m⁻)). U_new is
// clamped to [−FieldMax, FieldMax] so that a saturated unit (σ² = 0) gives
// a hard but finite message; σ̄² is floored at 0 (it can round below).
type gaussNode struct {
	h, v []float64 // N scratch: cavity fields and magnetizations
}

func newGaussNode(N int) *gaussNode {
	return &gaussNode{h: make([]float64, N), v: make([]float64, N)}
}

// update updates the messages uw (N) of one pattern to one unit, the unit's
// totals mw (N), the message U to the unit's output and its total mtau,
// with damping lambda, and returns the largest change of a message as a
// magnetization.
func (g *gaussNode) update(mw, uw, xi []float64, mtau, U *float64, lambda float64) float64 {
	h, v := g.h[:len(mw)], g.v[:len(mw)]
	var mu, s2 float64
	for i := range h {
		h[i] = remove(mw[i], uw[i])
		v[i] = math.Tanh(h[i])
		mu += v[i] * xi[i]
		s2 += 1 - v[i]*v[i]
	}
	H := remove(*mtau, *U)
	newU := clampField(atanherf(ratio(mu, math.Sqrt(2*s2))))
	diff := math.Abs(math.Tanh(newU) - math.Tanh(*U))
	*U = damp(newU, *U, lambda)
	*mtau = combine(H, *U)
	for i, hi := range h {
		x, vi := xi[i], v[i]
		mub := mu - x*vi
		d := math.Sqrt(2 * math.Max(s2-(1-vi*vi), 0))
		newu := mix(H, atanherf(ratio(mub+x, d)), atanherf(ratio(mub-x, d)))
		diff = math.Max(diff, math.Abs(math.Tanh(newu)-math.Tanh(uw[i])))
		uw[i] = damp(newu, uw[i], lambda)
		mw[i] = combine(hi, uw[i])
	}
	return diff
}

// ratio returns a/b with 0/0 = 0 (a Gaussian of zero mean and variance).
func ratio(a, b float64) float64 {
	if a == 0 {
		return 0
	}
	return a / b
}

// convNode is the exact perceptron node computed by convolution: with
// couplings ξ_i and inputs w_i = ±1 of cavity fields h_i, the output is
// sign(Σ_i ξ_i w_i) (n odd). The distribution of the number c of inputs
// with ξ_i w_i = +1 is built from the left (inputs < i) and from the right
// (inputs > i); for each i the others' count splits into P(S′ > 0), P(S′ =
// 0), P(S′ < 0), S′ = Σ_{j≠i} ξ_j w_j, in O(n), so a node costs O(n²). Then
//
//	P(out = ±1 | w_i) = P(S′ > 0 | S′ < 0) + P(S′ = 0)·[ξ_i w_i = ±1]
//	a±_i = ½ log( P(out = +1 | w_i = ±1) / P(out = −1 | w_i = ±1) )
//	u_i = mix(aH, a⁺_i, a⁻_i)
//
// with a± clamped to [−FieldMax, FieldMax].
type convNode struct {
	n         int
	p, q      []float64 // n: P(ξ_i w_i = +1), P(ξ_i w_i = −1)
	left, rgt []float64 // triangular tables: j inputs at offset j(j+1)/2
	cr, sr    []float64 // prefix and suffix sums of one right table
}

func newConvNode(n int) *convNode {
	t := (n + 1) * (n + 2) / 2
	return &convNode{n: n, p: make([]float64, n), q: make([]float64, n),
		left: make([]float64, t), rgt: make([]float64, t), cr: make([]float64, n+1), sr: make([]float64, n+2)}
}

func tri(j int) int { return j * (j + 1) / 2 }

// messages fills u (n) with the new messages to the inputs of cavity
// fields h (n) and couplings xi (n; nil means all +1), given the output
// cavity field aH, and returns the field of the output magnetization
// ½ log(P(out = +1)/P(out = −1)) under the inputs alone.
func (c *convNode) messages(u, h, xi []float64, aH float64) float64 {
	n := c.n
	for i, hi := range h {
		if xi != nil && xi[i] < 0 {
			hi = -hi
		}
		// (1 ± tanh h)/2 without cancellation.
		c.p[i], c.q[i] = 1/(1+math.Exp(-2*hi)), 1/(1+math.Exp(2*hi))
	}
	L, R := c.left, c.rgt
	L[0], R[0] = 1, 1
	for j := 1; j <= n; j++ {
		c.extend(L[tri(j-1):tri(j)], L[tri(j):tri(j+1)], j-1)
		c.extend(R[tri(j-1):tri(j)], R[tri(j):tri(j+1)], n-j)
	}
	var pp, pm float64
	full := L[tri(n):tri(n+1)]
	for k, v := range full {
		if 2*k > n {
			pp += v
		} else {
			pm += v
		}
	}
	half := (n - 1) / 2
	for i := range n {
		l := L[tri(i):tri(i+1)]
		r := R[tri(n-1-i):tri(n-i)]
		pgt, peq, plt := c.split(l, r, half)
		s := 1.0
		if xi != nil && xi[i] < 0 {
			s = -1
		}
		var ap, am float64
		if s > 0 {
			ap, am = probField(pgt+peq, plt), probField(pgt, plt+peq)
		} else {
			ap, am = probField(pgt, plt+peq), probField(pgt+peq, plt)
		}
		u[i] = mix(aH, ap, am)
	}
	return probField(pp, pm)
}

// extend sets dst (len(src)+1) to the count distribution src with input i
// added.
func (c *convNode) extend(src, dst []float64, i int) {
	p, q := c.p[i], c.q[i]
	dst[0] = src[0] * q
	for k := 1; k < len(src); k++ {
		dst[k] = src[k]*q + src[k-1]*p
	}
	dst[len(src)] = src[len(src)-1] * p
}

// split returns P(c > half), P(c = half), P(c < half) for c the sum of two
// independent counts with distributions l and r.
func (c *convNode) split(l, r []float64, half int) (gt, eq, lt float64) {
	cr, sr := c.cr[:len(r)], c.sr[:len(r)+1]
	acc := 0.0
	for b, v := range r {
		acc += v
		cr[b] = acc
	}
	sr[len(r)] = 0
	for b := len(r) - 1; b >= 0; b-- {
		sr[b] = sr[b+1] + r[b]
	}
	for a, v := range l {
		if v == 0 {
			continue
		}
		if j := half - a; j >= 0 && j < len(r) {
			eq += v * r[j]
		}
		if j := half - 1 - a; j >= 0 {
			lt += v * cr[min(j, len(r)-1)]
		}
		if j := half + 1 - a; j < len(r) {
			gt += v * sr[max(j, 0)]
		}
	}
	return gt, eq, lt
}
