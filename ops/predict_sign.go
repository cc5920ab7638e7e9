package ops

import (
	"math"
	"sync"

	"github.com/pkg/errors"
)

// signFunc is a kernel of SignProduct.Signs: one block of signWidth outputs
// of one sample (internal/gen/vecasm, signInts).
type signFunc func(neg, unsure []uint64, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64, scale, inv, e float64)

// signWidth is the number of outputs of one block of a signFunc.
const signWidth = 256

// quantBits bounds the quantised values of a sample of Signs: Σ|q_t| < 2^29
// (D·2^s < 2^28, and D within n·u of the exact sum), so that every partial
// sum, and twice one, fits an int32.
const quantBits = 28

// SignProduct is a K×N matrix W with entries in {−1, 0, +1} and a base
// vector, for deciding the signs of base + W·x on sparse vectors x (few
// non-zero entries; see Signs). On AVX-512 CPUs W is stored as bits, 64
// times less memory than float64 weights, so that the rows of Wᵀ stay in
// cache.
type SignProduct struct {
	k, n, kp, sides int
	bits            []uint8 // N rows of kp/4 bytes: +1 bits, then −1 bits
	base            []float64
	w               []float64
	once            sync.Once
	float           *SparseProduct[float64] // W, zero base: below AVX-512, made on first use
}

// NewSignProduct returns the product with w (K×N, row-major, entries −1, 0
// or +1) and base (K values; nil for zero). It keeps w, which the caller
// must not change, for the levels below AVX-512. It returns an error, before
// allocating, for sizes below 1 or slices of the wrong lengths, and for
// other entries (NaN included).
func NewSignProduct(w, base []float64, K, N int) (*SignProduct, error) {
	if !isSize(len(w), K, N) || (base != nil && len(base) != K) {
		return nil, errors.Errorf("ops: NewSignProduct: %d weights and %d bases for K×N = %d×%d, want K, N ≥ 1, K·N weights and nil or K bases",
			len(w), len(base), K, N)
	}
	kp := (K + signWidth - 1) / signWidth * signWidth
	p := &SignProduct{k: K, n: N, kp: kp, sides: 1, bits: make([]uint8, N*kp/4), base: make([]float64, kp), w: w}
	copy(p.base, base)
	const one, minusOne = 0x3ff0_0000_0000_0000, 0xbff0_0000_0000_0000 // the bits of ±1
	// One byte of each row of Wᵀ at a time: rows k8 … k8 + 7 of w.
	for k8 := 0; k8 < K; k8 += 8 {
		for i := range N {
			var pos, neg uint8
			for u := range min(8, K-k8) {
				v := w[(k8+u)*N+i]
				bits := math.Float64bits(v) // integer compares: no branch on the signs
				isPos, isNeg := bits == one, bits == minusOne
				if !isPos && !isNeg { // rare
					if v != 0 {
						return nil, errors.Errorf("ops: NewSignProduct: weight (%d, %d) is %v, want −1, 0 or +1", k8+u, i, v)
					}
					p.sides = 2
				}
				pos |= bit8(isPos) << u
				neg |= bit8(isNeg) << u
			}
			p.bits[i*kp/4+k8/8], p.bits[i*kp/4+kp/8+k8/8] = pos, neg
		}
	}
	return p, nil
}

// bit8 returns 1 for true and 0 for false.
func bit8(b bool) uint8 {
	var u uint8
	if b {
		u = 1
	}
	return u
}

// Words returns the number of 64-bit words of one sample's bits in Signs:
// ⌈K/256⌉·4. It is 0 for a nil or zero product.
func (p *SignProduct) Words() int {
	if p == nil {
		return 0
	}
	return p.kp / 64
}

// Signs decides the signs of base + W·x for the r = len(starts) − 1 sparse
// samples x (idx, vals and starts as in SparseProduct.Apply, one stream),
// each within a margin. For sample j, with n entries and D = Σ_t |x_t|, it
// takes the scale 2^s with D·2^s < 2^28, the integers q_t = x_t·2^s
// truncated toward zero and
//
//	g_k = base_k + 2^−s·Σ_t W[k, i_t]·q_t,
//
// the sum exact in integers, g_k rounded once. Each q_t·2^−s lies within
// 2^−s of x_t, so g_k differs from the exact e_k = base_k + Σ_t W[k, i_t]·x_t
// by at most Q_j + u·|g_k|, Q_j = n·2^−s (0 if D = 0), u = 2^−53. Signs sets
// bit k of the sample's words neg[j·Words():] where g_k < 0, and of
// unsure[j·Words():] where |g_k| > margin[j] + 2·Q_j fails. Where a bit of
// unsure is clear, every y with |y − e_k| ≤ margin[j]/2 + u·|y| is
// non-zero and has the sign of g_k: |y − g_k| < |g_k|. Samples with D
// above 2^900, or not finite, are unsure throughout; bits past K are 0.
//
// The results do not depend on the CPU. Signs returns an error, and writes
// nothing, for a nil or zero product, slices of the wrong lengths, an
// index out of range, or a margin that is negative or NaN.
func (p *SignProduct) Signs(neg, unsure []uint64, idx []int32, vals []float64, starts []int, margin []float64) error {
	most, err := p.checkSigns(neg, unsure, idx, vals, starts, margin)
	if err != nil {
		return err
	}
	kern, W := signAsm(), p.Words()
	noff := 0 // one-sided: no −1 bits read
	if p.sides == 2 {
		noff = p.kp / 8
	}
	var qf, out []float64 // the Go loop's
	if kern == nil {
		p.once.Do(func() { p.float, _ = NewSparseProduct([][]float64{p.w}, [][]float64{nil}, p.k, p.n) })
		qf, out = make([]float64, most), make([]float64, p.float.Stride())
	}
	for j := range len(starts) - 1 {
		lo, hi := starts[j], starts[j+1]
		nb, ub := neg[j*W:(j+1)*W], unsure[j*W:(j+1)*W]
		scale, inv, Q, ok := quantScale(vals[lo:hi])
		e := margin[j] + 2*Q
		switch {
		case !ok:
			clear(nb)
			for i := range ub {
				ub[i] = ^uint64(0)
			}
		case kern != nil:
			for c := 0; c < p.kp; c += signWidth {
				kern(nb[c/64:], ub[c/64:], p.base[c:], p.bits[c/8:], p.kp/4, noff, idx[lo:hi], vals[lo:hi], scale, inv, e)
			}
		default:
			for t, v := range vals[lo:hi] {
				qf[t] = float64(int32(v * scale)) // truncated, as the kernels do
			}
			_ = p.float.Apply(out, idx[lo:hi], qf[:hi-lo], []int{0, hi - lo}) // checked: no error
			p.decide(nb, ub, out, inv, e)
		}
		if tail := p.k % 64; tail != 0 || W > (p.k+63)/64 {
			keep := p.k / 64 // the words below it are whole
			mask := uint64(1)<<tail - 1
			nb[keep] &= mask
			ub[keep] &= mask
			clear(nb[keep+1:])
			clear(ub[keep+1:])
		}
	}
	return nil
}

// quantScale returns the scale 2^s of the values x of one sample, the
// largest with D·2^s < 2^quantBits (D = Σ|x|; s ≤ 1000), 2^−s and the
// bound n·2^−s of Σ_t |x_t − q_t·2^−s| (0 if D = 0), q_t the truncated
// x_t·2^s; ok is false for D above 2^900 or not finite.
func quantScale(x []float64) (scale, inv, Q float64, ok bool) {
	D := absSum(x)
	if !(D <= 0x1p900) {
		return 0, 0, 0, false
	}
	if D == 0 {
		return 1, 1, 0, true
	}
	_, E := math.Frexp(D) // D < 2^E
	s := min(quantBits-E, 1000)
	scale, inv = pow2(s), pow2(-s)
	return scale, inv, float64(len(x)) * inv, true
}

// pow2 returns 2^s for −1022 ≤ s ≤ 1023.
func pow2(s int) float64 { return math.Float64frombits(uint64(s+1023) << 52) }

// absSum returns Σ|x_t|, summed as the vector kernel sums it, so that the
// scale of Signs does not depend on the CPU: eight partial sums, lane u
// over the x_t with t mod 8 = u, added pairwise as
// ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)).
func absSum(x []float64) float64 {
	if k := absSumAsm(); k != nil {
		return k(x)
	}
	var s [8]float64
	for t, v := range x {
		s[t%8] += math.Abs(v)
	}
	return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))
}

// decide sets the bits of neg and unsure of Signs from the integer sums I
// (float64, exact) of one sample: g = I·inv + base.
func (p *SignProduct) decide(neg, unsure []uint64, I []float64, inv, e float64) {
	clear(neg)
	clear(unsure)
	for k, v := range I[:p.k] {
		g := math.FMA(v, inv, p.base[k])
		bit := uint64(1) << (k % 64)
		if g < 0 {
			neg[k/64] |= bit
		}
		if !(g > e) && !(g < -e) {
			unsure[k/64] |= bit
		}
	}
}

// checkSigns checks the arguments of Signs and returns the largest number
// of entries of a sample.
func (p *SignProduct) checkSigns(neg, unsure []uint64, idx []int32, vals []float64, starts []int, margin []float64) (int, error) {
	if p == nil || p.k < 1 {
		return 0, errors.New("ops: SignProduct.Signs: nil or zero product, want one made by NewSignProduct")
	}
	r := len(starts) - 1
	if r < 0 || len(neg) < r*p.Words() || len(unsure) < r*p.Words() || len(margin) < r || len(vals) < len(idx) {
		return 0, errors.Errorf("ops: SignProduct.Signs: %d samples need %d words in neg and unsure (got %d, %d) and %d margins (got %d); %d entries need as many values (got %d)",
			max(r, 0), max(r, 0)*p.Words(), len(neg), len(unsure), max(r, 0), len(margin), len(idx), len(vals))
	}
	most := 0
	err := checkEntries("SignProduct.Signs", idx, starts, p.n, func(j int) error {
		if !(margin[j] >= 0) {
			return errors.Errorf("ops: SignProduct.Signs: margin %d is %v, want ≥ 0", j, margin[j])
		}
		most = max(most, starts[j+1]-starts[j])
		return nil
	})
	if err != nil {
		return 0, err
	}
	return most, nil
}
