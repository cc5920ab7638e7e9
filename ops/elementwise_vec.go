package ops

// The vector forms of the element kernels (elementwise.go) and of the
// preparation of the sign channel's streams (bpiPrep). Unlike the other
// vector kernels, they give the scalar code's results bit for bit, at
// float32 and float64 and for every input (NaN, ±Inf, ±0, subnormals): the
// same IEEE operations in the same order, where the float32 code computes
// in float64 in float64 lanes, and the tanh of tanhRow on the same whole
// vectors the scalar code at the same level hands to tanhVec (see
// internal/gen/vecasm/elementwise.go and TestElementKernelsBits). Choosing
// a level therefore changes no result of these kernels.

// ewFunc is the form of an element kernel (kernel.k64, kernel.k32).
type ewFunc[T Float] func(dst []T, in [][]T, p []T)

// ewKernels are the vector element kernels of one level and type, named
// after the kernels they replace, and bpiPrep's row kernel.
type ewKernels[T Float] struct {
	square, oneMinusSquare, squarePlus, mul, variance, binaryVariance ewFunc[T]
	field, damp, gamma, dampedTanh, maskedTanh, tanhSum, ampOmega     ewFunc[T]
	ampField                                                          ewFunc[T]

	// prep writes the streams SI, C1, OM and M2A of bpiPrep, stream s at
	// row[s·stride:], for whole vectors of btop.
	prep func(row, btop, v []T, stride int)
}

// ewRows returns the vector element kernels of the current level for T
// (all nil at the scalar level).
func ewRows[T Float]() *ewKernels[T] {
	k := &asmKernels[currentLevel()]
	return pick[T](&k.ew64, &k.ew32).(*ewKernels[T])
}

// vecHead runs the vector kernel vk, if there is one, on the longest head
// of dst made of whole blocks of rowLanes elements (the blocks tanhVec
// hands to its kernel) and returns its length; the scalar code does the
// rest.
func vecHead[T Float](vk ewFunc[T], dst []T, in [][]T, p []T) int {
	if vk == nil {
		return 0
	}
	n := len(dst) &^ (rowLanes - 1)
	vk(dst[:n], in, p)
	return n
}
