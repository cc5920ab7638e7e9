package mpnet

import (
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/internal/par"
	"github.com/fbpgo/fbp/ops"
)

// This file finds the first NaN or Inf of a host tensor or slice: after
// every sweep in every state tensor (Network.CheckFinite, Iterate), and in
// the inputs of SetBatch and of prediction.
//
// NaN and ±Inf are the values whose exponent bits are all set. Masked to
// its exponent field and increased by the lowest exponent bit, such a value
// carries into the bit above the field (the sign bit, which the mask
// cleared), and no finite value does. A 64-bit word holding two float32
// tests both at once, since the carry of the low half stops at bit 31. The
// scan ORs that sum over blocks of words, a few independent chains at a
// time, and looks at the values one by one only in the first block whose
// OR has a carry.

// wordTest holds the masks of the word-at-a-time test for one float type.
type wordTest struct{ exp, unit, carry uint64 }

var (
	test32 = wordTest{exp: 0x7f800000_7f800000, unit: 0x00800000_00800000, carry: 0x80000000_80000000}
	test64 = wordTest{exp: 0x7ff << 52, unit: 1 << 52, carry: 1 << 63}
)

// scanBlock is the number of words whose test is ORed before it is read.
const scanBlock = 512

// carries returns the OR of (w & t.exp) + t.unit over the words w of s.
func (t wordTest) carries(s []uint64) uint64 {
	var a, b, c, d uint64
	for ; len(s) >= 4; s = s[4:] {
		a |= s[0]&t.exp + t.unit
		b |= s[1]&t.exp + t.unit
		c |= s[2]&t.exp + t.unit
		d |= s[3]&t.exp + t.unit
	}
	for _, w := range s {
		a |= w&t.exp + t.unit
	}
	return a | b | c | d
}

// firstNonFiniteOf returns the index of the first NaN or Inf in v, or −1.
func firstNonFiniteOf[T ops.Float](v []T) int {
	var zero T
	size := int(unsafe.Sizeof(zero))
	t, per := test64, 1
	if size == 4 {
		t, per = test32, 2
	}
	start := 0
	if len(v) > 0 && uintptr(unsafe.Pointer(&v[0]))%8 != 0 {
		start = 1 // a float32 slice off a word boundary: its first value alone
		if firstNonFiniteSlow(v[:1]) == 0 {
			return 0
		}
	}
	n := (len(v) - start) / per
	if n > 0 {
		words := unsafe.Slice((*uint64)(unsafe.Pointer(&v[start])), n)
		for lo := 0; lo < n; lo += scanBlock {
			if t.carries(words[lo:min(lo+scanBlock, n)])&t.carry != 0 {
				at := start + lo*per
				return at + firstNonFiniteSlow(v[at:])
			}
		}
	}
	if at := start + n*per; at < len(v) {
		if i := firstNonFiniteSlow(v[at:]); i >= 0 {
			return at + i
		}
	}
	return -1
}

// firstNonFiniteSlow is firstNonFiniteOf one value at a time: x − x is 0
// for every finite x and NaN for NaN and ±Inf.
func firstNonFiniteSlow[T ops.Float](v []T) int {
	for i, x := range v {
		if x-x != 0 {
			return i
		}
	}
	return -1
}

// firstNonFinite returns the index of the first NaN or Inf in the host
// tensor t, or −1 (a device uses Check).
func firstNonFinite(t *tensor.Dense) int {
	if t.Dtype() == tensor.Float64 {
		return firstNonFiniteOf(t.Float64s())
	}
	return firstNonFiniteOf(t.Float32s())
}

// firstNonFinite64 is firstNonFinite on a float64 slice.
func firstNonFinite64(v []float64) int { return firstNonFiniteOf(v) }

// scanChunk is the number of values firstNonFiniteAll gives a goroutine at
// a time.
const scanChunk = 1 << 18

// firstNonFiniteAll is firstNonFinite64 over GOMAXPROCS goroutines for long
// v (the inputs of a whole data set), in chunks taken in order
// (par.FirstIndex): the first index, as a serial scan finds it.
func firstNonFiniteAll(v []float64) int {
	return par.FirstIndex(len(v), scanChunk, func(lo, hi int) int {
		if i := firstNonFinite64(v[lo:hi]); i >= 0 {
			return lo + i
		}
		return -1
	})
}

// copyBlock is the number of values copyFirstNonFinite copies and scans at
// a time: a block is scanned while it is still in the L1 cache.
const copyBlock = 1024

// copyFirstNonFinite copies src into dst and returns firstNonFiniteOf(src).
func copyFirstNonFinite[T ops.Float](dst, src []T) int {
	first := -1
	for lo := 0; lo < len(src); lo += copyBlock {
		hi := min(lo+copyBlock, len(src))
		copy(dst[lo:hi], src[lo:hi])
		if first < 0 {
			if i := firstNonFiniteOf(src[lo:hi]); i >= 0 {
				first = lo + i
			}
		}
	}
	return first
}
