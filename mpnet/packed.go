package mpnet

import (
	"math"
	"math/bits"

	"github.com/fbpgo/fbp/ops"
)

// Bit-packed point-wise prediction (ALGORITHMS §12.1). Below the first layer
// both the activations and the point-wise weights of a ±1 layer take values
// in {−1, 0, +1} (0 for a pruned weight, a weight whose mean is exactly 0,
// or an activation whose pre-activation plus tie-break is exactly 0). Such
// a vector of length N is stored as two bit sets of ⌈N/64⌉ words each: neg,
// the entries that are −1, and nz, the entries that are not 0. For two
// vectors a and w,
//
//	a·w = |nz_a ∧ nz_w| − 2·|nz_a ∧ nz_w ∧ (neg_a ⊕ neg_w)|,
//
// and when every entry of a is non-zero (the usual case), |nz_a ∧ nz_w| is
// the number of non-zero weights of the row, counted once. The dot products
// are integers of magnitude ≤ N, which the dense float64 product computes
// exactly too, so both give the same pre-activations, the same signs after
// the tie-break and the same class scores.

// ternary is a row-major r×n matrix with entries in {−1, 0, +1}, bit-packed
// in words of 64 entries per row (the bits past n are 0).
type ternary struct {
	r, n, words int
	neg, nz     []uint64 // r×words: entry is −1; entry is not 0
	count       []int    // per row: the number of non-zero entries
	// The rows again, for the vector count of the products with rows of
	// ±1 activations (weights only; nil otherwise).
	rows *ops.BitRows
}

// withRows prepares t, a matrix of weights, for the vector products
// (rowDots).
func (t *ternary) withRows() *ternary {
	t.rows, _ = ops.NewBitRows(t.neg, t.nz, t.r, t.words)
	return t
}

func newTernary(r, n int) *ternary {
	w := (n + 63) / 64
	return &ternary{r: r, n: n, words: w,
		neg: make([]uint64, r*w), nz: make([]uint64, r*w), count: make([]int, r)}
}

// packTernary returns the r×n matrix v packed, and false if an entry of v
// is not −1, 0 or +1.
func packTernary(v []float64, r, n int) (*ternary, bool) {
	t := newTernary(r, n)
	for i := range r {
		if !t.setRow(i, v[i*n:(i+1)*n]) {
			return nil, false
		}
	}
	return t, true
}

// setRow packs row i from its n values, and reports whether they all lie
// in {−1, 0, +1}. It compares the bits of each value, without a branch on
// it: the signs of weights are as good as random.
func (t *ternary) setRow(i int, v []float64) bool {
	const one, minusOne = 0x3ff0_0000_0000_0000, 0xbff0_0000_0000_0000 // the bits of ±1
	neg := t.neg[i*t.words : (i+1)*t.words]
	nz := t.nz[i*t.words : (i+1)*t.words]
	c, bad := 0, 0
	for wd := range neg {
		var negWord, nzWord uint64
		for b, x := range v[wd*64 : min(wd*64+64, len(v))] {
			u := math.Float64bits(x)
			isNeg := b2i(u == minusOne)
			isNZ := b2i(u == one) | isNeg
			bad |= 1 ^ (isNZ | b2i(u<<1 == 0)) // ±0 is the only other value allowed
			negWord |= uint64(isNeg) << b
			nzWord |= uint64(isNZ) << b
		}
		neg[wd], nz[wd] = negWord, nzWord
		c += bits.OnesCount64(nzWord)
	}
	t.count[i] = c
	return bad == 0
}

// unpack writes the r×n entries as float64 into dst.
func (t *ternary) unpack(dst []float64) {
	for i := range t.r {
		neg := t.neg[i*t.words:]
		nz := t.nz[i*t.words:]
		row := dst[i*t.n : (i+1)*t.n]
		for j := range row {
			bit := uint64(1) << (j % 64)
			switch {
			case nz[j/64]&bit == 0:
				row[j] = 0
			case neg[j/64]&bit != 0:
				row[j] = -1
			default:
				row[j] = 1
			}
		}
	}
}

// dotRow returns the dot product of row i of a with row k of w (a.n = w.n).
func dotRow(a *ternary, i int, w *ternary, k int) int {
	aNeg := a.neg[i*a.words : (i+1)*a.words]
	wNeg := w.neg[k*w.words : (k+1)*w.words]
	wNZ := w.nz[k*w.words : (k+1)*w.words]
	if a.count[i] == a.n {
		differ := 0
		for j, x := range aNeg {
			differ += bits.OnesCount64((x ^ wNeg[j]) & wNZ[j])
		}
		return w.count[k] - 2*differ
	}
	aNZ := a.nz[i*a.words : (i+1)*a.words]
	both, differ := 0, 0
	for j, x := range aNeg {
		b := aNZ[j] & wNZ[j]
		both += bits.OnesCount64(b)
		differ += bits.OnesCount64((x ^ wNeg[j]) & b)
	}
	return both - 2*differ
}

// rowDots sets dst[k] (len(dst) = w.r) to the products of row i of a with
// the rows k of w, by the vector count of w.rows when row i of a has no
// zero entry (buf: w.rows.Len() scratch values), by dotRow otherwise.
func rowDots(dst []int, a *ternary, i int, w *ternary, buf []int64) {
	if w.rows != nil && a.count[i] == a.n {
		w.rows.Mismatches(buf, a.neg[i*a.words:(i+1)*a.words])
		for k := range dst {
			dst[k] = w.count[k] - 2*int(buf[k])
		}
		return
	}
	for k := range dst {
		dst[k] = dotRow(a, i, w, k)
	}
}

// dotScratch returns the scratch space of rowDots for the products with w.
func dotScratch(w *ternary) (dots []int, buf []int64) {
	dots = make([]int, w.r)
	if w.rows != nil {
		buf = make([]int64, w.rows.Len())
	}
	return dots, buf
}

// signsTo sets out (a.r × w.r, every entry non-zero) to the signs of the
// pre-activations a·wᵀ after the tie-break: +1 where a·w_k ≥ 0, −1 below.
// For an integer z, z + 1e-10 is never 0 and has the sign of z + ½. Rows of
// a without zeros take the packed signs of w.rows (ops.BitRows.Signs).
func signsTo(out, a, w *ternary) {
	var dots []int
	var buf []int64
	for i := range a.r {
		neg := out.neg[i*out.words : (i+1)*out.words]
		if w.rows == nil || a.count[i] != a.n || w.rows.Signs(neg, a.neg[i*a.words:(i+1)*a.words]) != nil {
			if dots == nil {
				dots, buf = dotScratch(w)
			}
			rowDots(dots, a, i, w, buf)
			for j := range neg {
				var word uint64
				for b, z := range dots[j*64 : min(j*64+64, len(dots))] {
					word |= uint64(z) >> 63 << b // the sign bit of z
				}
				neg[j] = word
			}
		}
		nz := out.nz[i*out.words : (i+1)*out.words]
		for j := range nz {
			nz[j] = ^uint64(0)
		}
		if tail := out.n % 64; tail != 0 {
			nz[len(nz)-1] = uint64(1)<<tail - 1
		}
		out.count[i] = out.n
	}
}

// scoresTo sets z (a.r × w.r, row-major) to the products a·wᵀ.
func scoresTo(z []float64, a, w *ternary) {
	dots, buf := dotScratch(w)
	for i := range a.r {
		rowDots(dots, a, i, w, buf)
		for k, v := range dots {
			z[i*w.r+k] = float64(v)
		}
	}
}
