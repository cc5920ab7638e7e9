package ops

import (
	"math"

	"github.com/pkg/errors"
)

// The kernels of a network's prediction (ALGORITHMS §12): products of
// sparse input vectors with the first layer's weights, and the Bayesian
// activation erf(ω/√(2v)). Each has a Go loop that every architecture runs
// and, on amd64, AVX2 and AVX-512 kernels (internal/gen/vecasm, predict.go).

// sparseFunc is a vector kernel of one block of sparse products (see
// SparseProduct.Apply).
type sparseFunc[T Float] func(acc, base, w []T, stride, soff int, idx []int32, vals []T)

// predictKernels are the prediction kernels of one level.
type predictKernels struct {
	sp1x64, sp2x64, spBin64 sparseFunc[float64]
	sp1x32, sp2x32, spBin32 sparseFunc[float32]
	erf64                   erfRatioFunc[float64]
	erf32                   erfRatioFunc[float32]
}

// erfRatioFunc is a vector kernel of ErfRatio for whole vectors.
type erfRatioFunc[T Float] func(xhat, delta, omega, v []T)

// sparseAccs is the number of vector registers a sparse block kernel
// accumulates in: a block is sparseAccs/S vectors of S streams, twice as
// many in the binary kernels of AVX-512.
const sparseAccs = 8

// rowPad is the padding, in bytes, between the rows of a SparseProduct's
// weights: rows a power of two apart would share few cache sets.
const rowPad = 64

// padWidth is what SparseProduct pads K to: a multiple of every block
// width (the widest: 8 vectors of 16 float32).
const padWidth = 128

// SparseProduct holds S matrices W_0, …, W_{S−1} of K×N, transposed and
// side by side, for products with sparse vectors x (few non-zero entries):
//
//	out_s[k] = base_s[k] + Σ_t x_t·W_s[k, i_t],
//
// the sum running over the listed entries (i_t, x_t) in their order, one
// rounding per term (a fused multiply-add in the vector kernels). Skipping
// the zero entries of x does not change a sum in that order, and with
// weights in {−1, 0, +1} every term is exact. Each stream has its own
// values of x (for the Bayesian prediction: x and x²).
type SparseProduct[T Float] struct {
	k, n, kp, s int
	bin         bool // W_1 = 1 − W_0², not stored (NewBinarySparseProduct)
	ws          int  // the row stride of wt: S·kp (kp if bin) and rowPad bytes
	wt          []T  // N rows ws apart: row i holds W_s[:, i] at s·kp, zero-padded
	base        []T  // S·kp
}

// NewBinarySparseProduct returns the two-stream product with W_0 = m and
// W_1 = 1 − m² (K×N), the means and the variances of binary weights, of
// which it stores only m: the kernels, the Go loop as the vector ones,
// compute W_1 = 1 − m·m from it, with its two roundings, instead of
// reading a second matrix. The
// padding entries of stream 0 are unspecified (those of stream 1 are
// SetPad's, as for NewSparseProduct).
func NewBinarySparseProduct[T Float](m []T, base [][]T, K, N int) (*SparseProduct[T], error) {
	if len(base) != 2 || (base[1] != nil && len(base[1]) != K) {
		return nil, errors.Errorf("ops: NewBinarySparseProduct: %d bases, want 2 (each nil or of K = %d values)", len(base), K)
	}
	p, err := NewSparseProduct([][]T{m}, base[:1], K, N)
	if err != nil {
		return nil, errors.Wrap(err, "ops: NewBinarySparseProduct: the means")
	}
	p.s, p.bin = 2, true
	for i := range N { // padding m = 1: W_1 = 0 there
		for k := K; k < p.kp; k++ {
			p.wt[i*p.ws+k] = 1
		}
	}
	p.base = append(p.base, make([]T, p.kp)...)
	copy(p.base[p.kp:], base[1])
	return p, nil
}

// NewSparseProduct returns the product with the matrices w[s] (K×N,
// row-major) and the initial values base[s] (K each; nil for zero). It
// returns an error, before allocating, for S ∉ {1, 2}, sizes below 1 or
// slices of the wrong lengths.
func NewSparseProduct[T Float](w, base [][]T, K, N int) (*SparseProduct[T], error) {
	S := len(w)
	if S < 1 || S > 2 || K < 1 || N < 1 || len(base) != S {
		return nil, errors.Errorf("ops: NewSparseProduct: %d matrices and %d bases of %d×%d, want 1 or 2 of each and K, N ≥ 1", S, len(base), K, N)
	}
	for s := range S {
		if !isSize(len(w[s]), K, N) || (base[s] != nil && len(base[s]) != K) {
			return nil, errors.Errorf("ops: NewSparseProduct: matrix %d has %d values, want K×N = %d×%d; base %d has %d, want nil or K", s, len(w[s]), K, N, s, len(base[s]))
		}
	}
	kp := (K + padWidth - 1) / padWidth * padWidth
	ws := S*kp + rowPad/int(sizeOf[T]())
	p := &SparseProduct[T]{k: K, n: N, kp: kp, s: S, ws: ws, wt: make([]T, N*ws), base: make([]T, S*kp)}
	for s := range S {
		for k := range K {
			for i, v := range w[s][k*N : (k+1)*N] {
				p.wt[i*ws+s*kp+k] = v
			}
		}
		copy(p.base[s*kp:], base[s])
	}
	return p, nil
}

// isSize reports whether n = K·N with K, N ≥ 1, exactly: the product is
// not formed, so that sizes whose product overflows are refused.
func isSize(n, K, N int) bool { return K >= 1 && N >= 1 && n%N == 0 && n/N == K }

// Stride returns the length of one sample's output in Apply: S·kp, where
// kp ≥ K is K rounded up to a multiple of 128; output s of the sample
// starts at s·kp, and its entries past K are base values (0 unless set by
// SetPad). It is 0 for a nil or zero product.
func (p *SparseProduct[T]) Stride() int {
	if p == nil {
		return 0
	}
	return p.s * p.kp
}

// SetPad sets the initial value of the padding entries K ≤ k < kp of
// stream s: what Apply writes there. It returns an error for a nil or zero
// product or s ∉ [0, S).
func (p *SparseProduct[T]) SetPad(s int, v T) error {
	S := 0
	if p != nil {
		S = p.s
	}
	if s < 0 || s >= S {
		return errors.Errorf("ops: SparseProduct.SetPad: stream %d, want [0, %d) (a product made by NewSparseProduct)", s, S)
	}
	for k := p.k; k < p.kp; k++ {
		p.base[s*p.kp+k] = v
	}
	return nil
}

// Apply computes the products of the r = len(starts) − 1 sparse samples:
// the entries of sample j are t ∈ [starts[j], starts[j+1]), at indices
// idx[t] < N with the values vals[t·S + s] for stream s. It writes
// out[j·Stride() + s·kp + k]. It returns an error, and writes nothing, for
// slices of the wrong lengths or an index out of range.
func (p *SparseProduct[T]) Apply(out []T, idx []int32, vals []T, starts []int) error {
	if err := p.check(out, idx, vals, starts); err != nil {
		return err
	}
	var kern sparseFunc[T]
	k := &predictAsm[currentLevel()]
	switch {
	case p.bin:
		kern, _ = pick[T](k.spBin64, k.spBin32).(sparseFunc[T])
	case p.s == 1:
		kern, _ = pick[T](k.sp1x64, k.sp1x32).(sparseFunc[T])
	default:
		kern, _ = pick[T](k.sp2x64, k.sp2x32).(sparseFunc[T])
	}
	if kern == nil {
		p.applyGo(out, idx, vals, starts)
		return nil
	}
	lanes, accs := 64/int(sizeOf[T]()), sparseAccs // AVX-512
	if p.bin {
		accs = 2 * sparseAccs
	}
	if currentLevel() == vecAVX2 {
		lanes, accs = lanes/2, sparseAccs
	}
	width, stride, wstride := accs/p.s*lanes, p.Stride(), p.ws
	for c := 0; c < p.kp; c += width { // a block of the weights stays in cache over the samples
		for j := range len(starts) - 1 {
			lo, hi := starts[j], starts[j+1]
			kern(out[j*stride+c:], p.base[c:], p.wt[c:], wstride, p.kp, idx[lo:hi], vals[lo*p.s:hi*p.s])
		}
	}
	return nil
}

// sizeOf returns the size of T in bytes.
func sizeOf[T Float]() uintptr {
	if _, ok := any(T(0)).(float32); ok {
		return 4
	}
	return 8
}

// check validates p and the arguments of Apply.
func (p *SparseProduct[T]) check(out []T, idx []int32, vals []T, starts []int) error {
	if p == nil || p.k < 1 {
		return errors.New("ops: SparseProduct.Apply: nil or zero product, want one made by NewSparseProduct")
	}
	r := len(starts) - 1
	if r < 0 || len(out) < r*p.Stride() || len(vals) < len(idx)*p.s {
		return errors.Errorf("ops: SparseProduct.Apply: %d samples need %d outputs (got %d); %d entries need %d values (got %d)",
			max(r, 0), max(r, 0)*p.Stride(), len(out), len(idx), len(idx)*p.s, len(vals))
	}
	return checkEntries("SparseProduct.Apply", idx, starts, p.n, nil)
}

// checkEntries checks the sparse samples of a product with n inputs (as
// SparseProduct.Apply takes them): every sample spans entries of idx in
// order, and every index is in [0, n). sample, if not nil, checks what
// else belongs to sample j, after its span. Errors start with "ops: " and
// name.
func checkEntries(name string, idx []int32, starts []int, n int, sample func(j int) error) error {
	r := len(starts) - 1
	for j := range r {
		if starts[j] < 0 || starts[j] > starts[j+1] || starts[j+1] > len(idx) {
			return errors.Errorf("ops: %s: sample %d spans entries [%d, %d) of %d", name, j, starts[j], starts[j+1], len(idx))
		}
		if sample != nil {
			if err := sample(j); err != nil {
				return err
			}
		}
	}
	if r <= 0 {
		return nil
	}
	for t, i := range idx[starts[0]:starts[r]] {
		if uint(i) >= uint(n) { // i < 0 too
			return errors.Errorf("ops: %s: entry %d has index %d, want [0, %d)", name, starts[0]+t, i, n)
		}
	}
	return nil
}

// applyGo is the Go loop of Apply, the reference of the kernels.
func (p *SparseProduct[T]) applyGo(out []T, idx []int32, vals []T, starts []int) {
	stride, wstride := p.Stride(), p.ws
	for j := range len(starts) - 1 {
		acc := out[j*stride : (j+1)*stride]
		copy(acc, p.base)
		for t := starts[j]; t < starts[j+1]; t++ {
			row := p.wt[int(idx[t])*wstride:]
			if p.bin {
				x0, x1, a0, a1 := vals[2*t], vals[2*t+1], acc[:p.kp], acc[p.kp:]
				for k, m := range row[:p.kp] {
					a0[k] += x0 * m
					a1[k] += x1 * (1 - T(m*m)) // m·m rounded, never fused
				}
				continue
			}
			for s := range p.s {
				x, w, a := vals[t*p.s+s], row[s*p.kp:(s+1)*p.kp], acc[s*p.kp:(s+1)*p.kp]
				for k, wk := range w {
					a[k] += x * wk
				}
			}
		}
	}
}

// ErfRatio sets, for every n, the Bayesian activation of ALGORITHMS §12.2
// and its variance
//
//	xhat[n] = erf(omega[n]/√(2·v[n])),   delta[n] = 1 − xhat[n]²,
//
// in T (float32 is evaluated in float32). Against math.Erf of the same
// ratio the relative error is below 1e-13 in float64 and 1e-6 in float32
// (TestErfRatio). NaN propagates; ±1 for ω = ±∞ or v = 0 < |ω|. The slices
// should have equal lengths: of unequal ones only the common prefix, n
// below the shortest length, is computed, and xhat and delta are left
// unchanged past it. xhat and delta may not overlap omega or v except as
// the same slice.
func ErfRatio[T Float](xhat, delta, omega, v []T) {
	n := min(len(xhat), len(delta), len(omega), len(v))
	xhat, delta, omega, v = xhat[:n], delta[:n], omega[:n], v[:n]
	k := &predictAsm[currentLevel()]
	kern, _ := pick[T](k.erf64, k.erf32).(erfRatioFunc[T])
	done := 0
	if kern != nil {
		done = n &^ (rowLanes - 1)
		kern(xhat[:done], delta[:done], omega[:done], v[:done])
	}
	for j := done; j < n; j++ {
		e := T(math.Erf(float64(omega[j]) / math.Sqrt(2*float64(v[j]))))
		xhat[j], delta[j] = e, 1-e*e
	}
}
