package ops

import (
	"sync"

	"github.com/pkg/errors"
)

// sparseFunc8 is a kernel of SignProduct.Apply: one block of 64 outputs.
type sparseFunc8 func(acc, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64)

// SignProduct is the SparseProduct of one K×N matrix W with entries in
// {−1, 0, +1}, stored as bits on AVX-512 CPUs (64 times less memory than
// float64 weights, so the rows of Wᵀ stay in cache):
//
//	out[k] = base[k] + Σ_t W[k, i_t]·x_t.
//
// With zeros in W each term is added or subtracted where W is ±1, in order
// (each partial sum rounded once, as SparseProduct). Without zeros, P_k, the
// sum of the x_t where W = +1, is accumulated and
//
//	out[k] = base[k] + (2·P_k − Σ_t x_t),
//
// half the work; against the exact sum the error is then at most
// (2n + 4)·u·(Σ_t |x_t| + |base[k]|), n entries, u the unit roundoff.
// Below AVX-512 it runs SparseProduct.
type SignProduct struct {
	k, n, kp, sides int
	bits            []uint8 // N rows of kp/4 bytes: +1 bits, then −1 bits
	base, zero      []float64
	w               []float64
	once            sync.Once
	float           *SparseProduct[float64] // below AVX-512, made on first use
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
	kp := (K + padWidth - 1) / padWidth * padWidth
	p := &SignProduct{k: K, n: N, kp: kp, sides: 1, bits: make([]uint8, N*kp/4), base: make([]float64, kp),
		zero: make([]float64, kp), w: w}
	copy(p.base, base)
	for k := range K {
		for i, v := range w[k*N : (k+1)*N] {
			at := i*kp/4 + k/8
			switch v {
			case 1:
				p.bits[at] |= 1 << (k % 8)
			case -1:
				p.bits[at+kp/8] |= 1 << (k % 8)
			case 0:
				p.sides = 2
			default:
				return nil, errors.Errorf("ops: NewSignProduct: weight (%d, %d) is %v, want −1, 0 or +1", k, i, v)
			}
		}
	}
	return p, nil
}

// Stride returns the length of one sample's output in Apply: K rounded up
// to a multiple of 128; the entries past K are 0. It is 0 for a nil or
// zero product.
func (p *SignProduct) Stride() int {
	if p == nil {
		return 0
	}
	return p.kp
}

// Apply computes the products of the r = len(starts) − 1 sparse samples
// (as SparseProduct.Apply, one stream) into out[j·Stride() + k]. It
// returns an error, and writes nothing, for a nil or zero product, slices
// of the wrong lengths or an index out of range.
func (p *SignProduct) Apply(out []float64, idx []int32, vals []float64, starts []int) error {
	if p == nil || p.k < 1 {
		return errors.New("ops: SignProduct.Apply: nil or zero product, want one made by NewSignProduct")
	}
	kern := signAsm(p.sides)
	if kern == nil {
		p.once.Do(func() { p.float, _ = NewSparseProduct([][]float64{p.w}, [][]float64{p.base[:p.k]}, p.k, p.n) })
		return p.float.Apply(out, idx, vals, starts)
	}
	if err := (&SparseProduct[float64]{k: p.k, n: p.n, kp: p.kp, s: 1}).check(out, idx, vals, starts); err != nil {
		return err
	}
	base, stride := p.base, p.kp/4
	if p.sides == 1 {
		base = p.zero
	}
	for c := 0; c < p.kp; c += 64 { // a block of the bits stays in cache over the samples
		for j := range len(starts) - 1 {
			lo, hi := starts[j], starts[j+1]
			kern(out[j*p.kp+c:], base[c:], p.bits[c/8:], stride, p.kp/8, idx[lo:hi], vals[lo:hi])
		}
	}
	if p.sides == 1 {
		for j := range len(starts) - 1 {
			var sum float64
			for _, v := range vals[starts[j]:starts[j+1]] {
				sum += v
			}
			row := out[j*p.kp : (j+1)*p.kp]
			for k, v := range row[:p.k] {
				row[k] = p.base[k] + (2*v - sum)
			}
		}
	}
	return nil
}
