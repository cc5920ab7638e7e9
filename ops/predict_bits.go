package ops

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/pkg/errors"
)

// mismatchFunc is the kernel of BitRows.Mismatches (signs empty) and Signs
// (internal/gen/vecasm, mismatchRows).
type mismatchFunc func(out []int64, signs []uint8, a, neg, nz []uint64, words int, cnt []int64, dense bool)

// BitRows holds K rows of two bit matrices of W words each, neg and nz, for
// the products of ±1 vectors with the rows of a ternary matrix (entries
// −1, 0, +1: neg marks the −1 entries, nz the non-zero ones): for a vector
// a of ±1 entries whose −1 are the bits of aNeg,
//
//	a·row_k = |nz_k| − 2·Σ_j popcount((aNeg_j ⊕ neg_kj) ∧ nz_kj),
//
// and Mismatches computes the sums. On AVX-512 CPUs with VPOPCNTQ the rows
// are counted eight at a time (internal/gen/vecasm, mismatchRows).
type BitRows struct {
	k, words int
	neg, nz  []uint64 // interleaved: word j of row 8g + u at (g·words + j)·8 + u
	cnt      []int64  // per row (Len() of them): the number of bits of nz; MaxInt64 past K
	dense    bool     // every word of nz but the last of each row is all ones
}

// NewBitRows copies the K rows of neg and nz (W words each, row-major). It
// returns an error, before allocating, for sizes below 1 or slices of the
// wrong lengths.
func NewBitRows(neg, nz []uint64, K, W int) (*BitRows, error) {
	if !isSize(len(neg), K, W) || len(nz) != len(neg) {
		return nil, errors.Errorf("ops: NewBitRows: %d and %d words for K = %d rows of W = %d, want K, W ≥ 1 and K·W words each",
			len(neg), len(nz), K, W)
	}
	b := &BitRows{k: K, words: W, neg: make([]uint64, (K+7)/8*8*W), nz: make([]uint64, (K+7)/8*8*W),
		cnt: make([]int64, (K+7)/8*8)}
	for k := range K {
		for j := range W {
			at := ((k/8)*W+j)*8 + k%8
			b.neg[at], b.nz[at] = neg[k*W+j], nz[k*W+j]
			b.cnt[k] += int64(bits.OnesCount64(nz[k*W+j]))
		}
	}
	for k := K; k < len(b.cnt); k++ {
		b.cnt[k] = math.MaxInt64 // no sign bit for a padding row, whose nz the dense kernel skips
	}
	b.dense = true
	for k := range K {
		for _, v := range nz[k*W : (k+1)*W-1] {
			b.dense = b.dense && v == ^uint64(0)
		}
	}
	return b, nil
}

// Len returns the length of the output of Mismatches: K rounded up to a
// multiple of 8 (the entries past K are 0); 0 for nil or zero rows.
func (b *BitRows) Len() int {
	if b == nil {
		return 0
	}
	return (b.k + 7) / 8 * 8
}

// Mismatches sets out[k] = Σ_j popcount((a[j] ⊕ neg_kj) ∧ nz_kj) for the
// rows k < Len(); for nil or zero rows it does nothing. Its callers size
// out and a once, from Len() and W, and it runs once per row of a product:
// it panics, as a slice index would, if len(out) < Len() or len(a) < W.
func (b *BitRows) Mismatches(out []int64, a []uint64) {
	if b == nil || b.k == 0 {
		return
	}
	if len(out) < b.Len() || len(a) < b.words {
		panic(errors.Errorf("ops: BitRows.Mismatches: %d outputs and %d words, want at least Len() = %d and W = %d",
			len(out), len(a), b.Len(), b.words))
	}
	out, a = out[:b.Len()], a[:b.words]
	if k := mismatchAsm(); k != nil {
		k(out, nil, a, b.neg, b.nz, b.words, nil, false) // dense would count the padding rows
		return
	}
	for g := 0; g < len(out); g += 8 {
		b.group((*[8]int64)(out[g:g+8]), g, a)
	}
}

// group sets mm[u] to the mismatches of a with row g + u (g a multiple of
// 8).
func (b *BitRows) group(mm *[8]int64, g int, a []uint64) {
	*mm = [8]int64{}
	base := g * b.words
	for j, x := range a[:b.words] {
		neg, nz := b.neg[base+j*8:base+j*8+8], b.nz[base+j*8:base+j*8+8]
		for u := range mm {
			mm[u] += int64(bits.OnesCount64((x ^ neg[u]) & nz[u]))
		}
	}
}

// Signs sets the bits k of out (⌈K/64⌉ words) where the product of the ±1
// vector whose −1 entries are the bits of a (W words) with row k is
// negative, that is where 2·Σ_j popcount((a_j ⊕ neg_kj) ∧ nz_kj) > |nz_k|;
// the other bits, and those past K, are 0. It returns an error, and writes
// nothing, for nil or zero rows, or out or a too short.
func (b *BitRows) Signs(out, a []uint64) error {
	if b == nil || b.k == 0 {
		return errors.New("ops: BitRows.Signs: nil or zero rows, want ones made by NewBitRows")
	}
	words := (b.k + 63) / 64
	if len(out) < words || len(a) < b.words {
		return errors.Errorf("ops: BitRows.Signs: %d output and %d input words, want at least %d and W = %d", len(out), len(a), words, b.words)
	}
	out, a = out[:words], a[:b.words]
	if k := mismatchAsm(); k != nil {
		out[words-1] = 0 // the kernel stores a byte per group of 8 rows
		signs := unsafe.Slice((*uint8)(unsafe.Pointer(&out[0])), 8*words)[:b.Len()/8]
		k(nil, signs, a, b.neg, b.nz, b.words, b.cnt, b.dense)
		return nil
	}
	clear(out)
	var mm [8]int64
	for g := 0; g < b.Len(); g += 8 {
		b.group(&mm, g, a)
		for u, m := range mm {
			if 2*m > b.cnt[g+u] {
				out[(g+u)/64] |= 1 << ((g + u) % 64)
			}
		}
	}
	return nil
}
