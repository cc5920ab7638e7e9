package ops

import (
	"math/bits"

	"github.com/pkg/errors"
)

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
}

// NewBitRows copies the K rows of neg and nz (W words each, row-major). It
// returns an error, before allocating, for sizes below 1 or slices of the
// wrong lengths.
func NewBitRows(neg, nz []uint64, K, W int) (*BitRows, error) {
	if !isSize(len(neg), K, W) || len(nz) != len(neg) {
		return nil, errors.Errorf("ops: NewBitRows: %d and %d words for K = %d rows of W = %d, want K, W ≥ 1 and K·W words each",
			len(neg), len(nz), K, W)
	}
	b := &BitRows{k: K, words: W, neg: make([]uint64, (K+7)/8*8*W), nz: make([]uint64, (K+7)/8*8*W)}
	for k := range K {
		for j := range W {
			at := ((k/8)*W+j)*8 + k%8
			b.neg[at], b.nz[at] = neg[k*W+j], nz[k*W+j]
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
		k(out, a, b.neg, b.nz, b.words)
		return
	}
	for g := 0; g < len(out); g += 8 {
		row := out[g : g+8]
		clear(row)
		base := g * b.words
		for j, x := range a {
			neg, nz := b.neg[base+j*8:base+j*8+8], b.nz[base+j*8:base+j*8+8]
			for u := range row {
				row[u] += int64(bits.OnesCount64((x ^ neg[u]) & nz[u]))
			}
		}
	}
}
