package ops

import (
	"math"
	"sync"
)

// The vector tanh (internal/gen/vecasm, tanhRow) behind the tanh passes of
// the element-wise updates. It evaluates
//
//	tanh(x) = sign(x)·(−t)/(2 + t),   t = expm1(−2|x|),
//
// with expm1 by range reduction and a Taylor polynomial, without branches.
// Accuracy, against math.Tanh: relative error ≤ 1e-15 (float64; the
// polynomial's remainder is 5e-16 relative, plus a few roundings) and
// ≤ 1e-6 (float32, computed in float32); see TestTanhRow.

// rowLanes is the widest vector (16 float32): the lane count of every
// kernel divides it, so a row kernel handed a multiple of rowLanes leaves
// no tail.
const rowLanes = 16

// tanhVec sets dst[n] = tanh(x[n]) with the vector kernel k and math.Tanh
// on the tail. dst may be x.
func tanhVec[T Float](k rowFunc[T], dst, x []T) {
	n := len(x) &^ (rowLanes - 1)
	k(dst[:n], x[:n])
	for j := n; j < len(x); j++ {
		dst[j] = T(math.Tanh(float64(x[j])))
	}
}

// scratchLen is the length of the scratch blocks: the prepared row, the
// zero weights and the output of signChannelVec.
const scratchLen = (cavStreams + 2) * signChanChunk

// The scratch blocks of the kernels that work through a block of their
// own. The vector kernels are called through function values, which escape
// analysis cannot follow, so a block on the stack would move to the heap
// at every call; pooled blocks cost no allocation in a steady state.
var (
	scratch64 = sync.Pool{New: func() any { return new([scratchLen]float64) }}
	scratch32 = sync.Pool{New: func() any { return new([scratchLen]float32) }}
)

// getScratch returns a scratch block of T, of unspecified contents.
func getScratch[T Float]() *[scratchLen]T {
	return pick[T](&scratch64, &scratch32).(*sync.Pool).Get().(*[scratchLen]T)
}

// putScratch returns b to its pool.
func putScratch[T Float](b *[scratchLen]T) { pick[T](&scratch64, &scratch32).(*sync.Pool).Put(b) }
