package mpnet

import (
	"math"
	"math/bits"
	"slices"

	"github.com/fbpgo/fbp/ops"
)

// The first layer of a prediction on sparse inputs. Image pixels are mostly
// background: a raw MNIST image is 0 on about 81 % of its pixels, a
// standardised one takes the value b = −mean/std there. With that value b,
// a sample x and its foreground F = {i : x_i ≠ b},
//
//	Σ_i W_ki x_i = b·Σ_i W_ki + Σ_{i∈F} W_ki·(x_i − b),
//
// so the first layer's products cost |F| instead of N terms per unit
// (ops.SparseProduct, with the weights transposed once per call; for ±1
// weights ops.SignProduct, on integers). The point-wise activations are
// then exactly those of the naive sums, see pointFirst; the Bayesian
// pre-activations, ω and s² = Σ_i σ_ki x_i² (Δ = 0 on the inputs), differ
// from the dense products by the rounding of the sums.

// The largest fractions of foreground inputs in a chunk for which the
// sparse products are used; denser chunks take the dense ones. Measured on
// a 784-501-501-10 float32 network, foreground spread uniformly (worse for
// the cache than images), one core: the sparse point-wise pass costs as
// much as the dense one at about 40 % foreground, the sparse Bayesian pass
// (two products read from cache per entry, against one float32 GEMM) at
// about 22 %. MNIST images have about 19 %.
const (
	maxForeground      = 0.4
	maxForegroundBayes = 0.22
)

// u53 is the unit roundoff of float64, 2⁻⁵³.
const u53 = 0x1p-53

// background returns the most frequent input value of the first sample of
// x (N inputs each), the smallest on ties.
func background(x []float64, N int) float64 {
	v := slices.Clone(x[:N])
	slices.Sort(v)
	best, count := v[0], 0
	for i := 0; i < N; {
		j := i + 1 // a NaN equals nothing: its run is itself
		for j < N && v[j] == v[i] {
			j++
		}
		if j-i > count {
			best, count = v[i], j-i
		}
		i = j
	}
	return best
}

// sparseInputs are the foreground entries of the samples of one chunk.
type sparseInputs struct {
	b      float64   // the background value
	frac   float64   // the fraction of the inputs in the foreground
	idx    []int32   // the foreground inputs, sample by sample, ascending
	x, d   []float64 // x_i and x_i − b at each
	starts []int     // sample j's entries are [starts[j], starts[j+1])
	bound  []float64 // per sample: the error bound of pointFirst
	// The input check of build: the samples checked, and the index of the
	// NaN or Inf input found (−1: none).
	checked, bad int
}

// build collects the foreground of the r samples x (N inputs each) for the
// background b (ops.Foreground), and reports false, leaving the rest
// undone, once the foreground exceeds maxForeground of the inputs or at a
// NaN or Inf input. It checks each sample's inputs just before it reads
// them (from the L1 cache then): s.checked is the number of samples
// checked, s.bad the index in x of the NaN or Inf input, −1 if none.
func (s *sparseInputs) build(x []float64, r, N int, b float64) bool {
	s.b, s.starts, s.bound = b, append(s.starts[:0], 0), s.bound[:0]
	s.checked, s.bad = 0, -1
	limit := int(maxForeground * float64(r*N))
	nb := float64(N) * math.Abs(b)
	t := 0
	for j := range r {
		s.checked = j + 1
		if i := firstNonFinite64(x[j*N : (j+1)*N]); i >= 0 {
			s.bad = j*N + i
			return false
		}
		// Room for one more sample: images need about a fifth of r·N, and
		// allocations are cleared.
		m, hint := t+N+ops.ForegroundSlack, r*N/4
		s.idx, s.x, s.d = reserve(s.idx, t, m, hint), reserve(s.x, t, m, hint), reserve(s.d, t, m, hint)
		n, a, dsum, err := ops.Foreground(s.idx[t:], s.x[t:], s.d[t:], x[j*N:(j+1)*N], b)
		if err != nil {
			panic(err) // sized above: a bug
		}
		if t += n; t > limit {
			return false
		}
		s.starts = append(s.starts, t)
		// With a = Σ|x_i| and D = Σ|x_i − b| over the foreground (each
		// within N·u of the exact sums), the naive sum differs from the
		// exact one by at most N·u·(a + N|b|), and the sum that pointFirst
		// decides on (the base b·Σ_i W_ki + 1e-10 and the rounded x_i − b)
		// from the exact one by 2·N·u·|b| + u·D + u·1e-10: three times
		// (N + 3)·u·(a + D + 2N|b|) holds both with room for the
		// roundings of the bound itself, 2⁻⁸⁰ the rest.
		s.bound = append(s.bound, 3*float64(N+3)*u53*(a+dsum+2*nb)+0x1p-80)
	}
	s.idx, s.x, s.d = s.idx[:t], s.x[:t], s.d[:t]
	s.frac = float64(t) / float64(r*N)
	return true
}

// sparseFirst holds the first layer of a prediction in the form the sparse
// products need.
type sparseFirst struct {
	b     float64                     // the background value
	point *ops.SignProduct            // point-wise weights; nil if not ternary
	w     []float64                   // point-wise weights, K×N (the exact fallback)
	b64   *ops.SparseProduct[float64] // Bayesian means and variances
	b32   *ops.SparseProduct[float32]
}

// newSparseFirst prepares the first layer of p for the background b: the
// point-wise product if p predicts point-wise with ternary weights, the
// Bayesian one if p predicts Bayesian, the two on up to two goroutines. It
// returns nil for a network of one layer (whose outputs are scores, not
// activations) and when the vector kernels are off (the scalar level),
// where the dense products are faster.
func newSparseFirst(p *predictor, b float64) *sparseFirst {
	if p.net.L() < 2 || ops.CPUKernels() == "scalar" {
		return nil
	}
	ly := p.net.layers[0]
	K, N := ly.K, ly.N
	f := &sparseFirst{b: b}
	var jobs []func()
	if w := p.w; w != nil {
		jobs = append(jobs, func() {
			base := scaledRowSums(w[0], K, N, b)
			for k := range base {
				base[k] += tieBreak
			}
			if sp, err := ops.NewSignProduct(w[0], base, K, N); err == nil { // an error: not ternary
				f.w, f.point = w[0], sp
			}
		})
	}
	switch {
	case p.bayes32 != nil:
		jobs = append(jobs, func() { f.b32 = p.bayes32.firstProduct(K, N, b) })
	case p.bayes64 != nil:
		jobs = append(jobs, func() { f.b64 = p.bayes64.firstProduct(K, N, b) })
	}
	forEach(len(jobs), func() func(int) { return func(j int) { jobs[j]() } })
	if f.point == nil && f.b64 == nil && f.b32 == nil {
		return nil
	}
	return f
}

// bayes64 returns the float64 Bayesian product, nil if there is none.
func (f *sparseFirst) bayes64() *ops.SparseProduct[float64] {
	if f == nil {
		return nil
	}
	return f.b64
}

// bayes32 returns the float32 Bayesian product, nil if there is none.
func (f *sparseFirst) bayes32() *ops.SparseProduct[float32] {
	if f == nil {
		return nil
	}
	return f.b32
}

// firstProduct returns the sparse product of the Bayesian first layer for
// the background b (bayesProduct): its bases are b·Σ_i m_ki and
// b²·Σ_i σ_ki + ops.VarianceFloor, summed in float64.
func (bw *bayesWeights[T]) firstProduct(K, N int, b float64) *ops.SparseProduct[T] {
	base := [][]float64{scaledRowSums(bw.m0, K, N, b), scaledRowSums(bw.vari0, K, N, b*b)}
	for k := range base[1] {
		base[1][k] += ops.VarianceFloor
	}
	return bayesProduct(bw.m0, bw.vari0, base, K, N)
}

// bayesProduct returns the sparse product of the Bayesian first layer:
// ω = m x and s² = σ x² from their bases. Binary weights whose variances
// are σ = 1 − m·m as T rounds it (no mask; a sweep sets them so) store
// only m (ops.NewBinarySparseProduct), with the same results.
func bayesProduct[T ops.Float](m, vari []T, base [][]float64, K, N int) *ops.SparseProduct[T] {
	b := [][]T{convert[T](base[0]), convert[T](base[1])}
	binary := true
	for j, v := range m {
		binary = binary && vari[j] == 1-v*v
	}
	var p *ops.SparseProduct[T]
	if binary {
		p, _ = ops.NewBinarySparseProduct(m, b, K, N)
	} else {
		p, _ = ops.NewSparseProduct([][]T{m, vari}, b, K, N)
	}
	p.SetPad(1, 1) // erf(ω/√2): finite in the padding
	return p
}

// scaledRowSums returns c·Σ_i w[k, i] for each row k of the K×N matrix w,
// each sum taken in float64 in ascending i; four rows at a time, whose
// sums are independent.
func scaledRowSums[T ops.Float](w []T, K, N int, c float64) []float64 {
	out := make([]float64, K)
	k := 0
	for ; k+4 <= K; k += 4 {
		r0, r1, r2, r3 := w[k*N:(k+1)*N], w[(k+1)*N:(k+2)*N], w[(k+2)*N:(k+3)*N], w[(k+3)*N:(k+4)*N]
		var s0, s1, s2, s3 float64
		for i, v := range r0 {
			s0 += float64(v)
			s1 += float64(r1[i])
			s2 += float64(r2[i])
			s3 += float64(r3[i])
		}
		out[k], out[k+1], out[k+2], out[k+3] = c*s0, c*s1, c*s2, c*s3
	}
	for ; k < K; k++ {
		var s float64
		for _, v := range w[k*N : (k+1)*N] {
			s += float64(v)
		}
		out[k] = c * s
	}
	return out
}

// pointScratch is the scratch space of pointFirst.
type pointScratch struct {
	neg, unsure []uint64
	margin      []float64
}

// pointFirst sets a (r×K, packed) to the first layer's point-wise
// activations sign(z + 1e-10) of the r samples x, z = W x, exactly as the
// naive sums z_k = Σ_i W_ki x_i in ascending i give them. The base
// b·Σ_i W_ki + 1e-10 plus the sum over the foreground lies within the
// bound B of sparseInputs.build of the naive z + 1e-10 (up to u·|z +
// 1e-10|), so ops.SignProduct.Signs with the margin 2B decides every unit
// but those near the tie; these take the naive sum.
func (f *sparseFirst) pointFirst(a *ternary, x []float64, sp *sparseInputs, ps *pointScratch) {
	W, N, K := f.point.Words(), len(x)/a.r, a.n
	ps.neg, ps.unsure = growSlice(ps.neg, a.r*W), growSlice(ps.unsure, a.r*W)
	ps.margin = growSlice(ps.margin, a.r)
	for j, e := range sp.bound {
		ps.margin[j] = 2 * e
	}
	if err := f.point.Signs(ps.neg, ps.unsure, sp.idx, sp.d, sp.starts, ps.margin); err != nil {
		panic(err) // the entries come from build: a bug
	}
	for j := range a.r {
		c := K
		for wd := range a.words {
			neg, nz := ps.neg[j*W+wd], ^uint64(0)
			if wd == K/64 {
				nz = 1<<(K%64) - 1
			}
			for u := ps.unsure[j*W+wd]; u != 0; u &= u - 1 {
				b := bits.TrailingZeros64(u)
				k := wd*64 + b
				g := naiveDot(f.w[k*N:(k+1)*N], x[j*N:(j+1)*N]) + tieBreak
				neg &^= 1 << b
				if g == 0 { // activation 0 (rare): neither bit
					nz &^= 1 << b
					c--
					continue
				}
				neg |= math.Float64bits(g) >> 63 << b // g < 0, without a branch
			}
			a.neg[j*a.words+wd], a.nz[j*a.words+wd] = neg, nz
		}
		a.count[j] = c
	}
}

// naiveDot returns Σ_i w_i x_i, summed in ascending i.
func naiveDot(w, x []float64) float64 {
	var s float64
	for i, v := range w {
		s += v * x[i]
	}
	return s
}

// bayesVals writes the values of the Bayesian product's two streams at the
// foreground entries: x_i − b and x_i² − b².
func bayesVals[T ops.Float](dst []T, sp *sparseInputs) []T {
	b := sp.b
	dst = growSlice(dst, 2*len(sp.d))
	for t, d := range sp.d {
		x := sp.x[t]
		dst[2*t], dst[2*t+1] = T(d), T(x*x-b*b)
	}
	return dst
}

// reserve returns s with length m ≥ t, keeping its first t values:
// reallocated, to at least twice its capacity and hint, only when too
// small.
func reserve[T any](s []T, t, m, hint int) []T {
	if cap(s) >= m {
		return s[:m]
	}
	grown := make([]T, max(m, 2*cap(s), hint))
	copy(grown, s[:t])
	return grown[:m]
}

// growSlice returns s with length n, reallocated only when too small.
func growSlice[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
