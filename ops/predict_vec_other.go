//go:build !amd64

package ops

// predictAsm is empty outside amd64: the prediction runs the Go loops.
var predictAsm [numVecLevels]predictKernels

// mismatchAsm returns nil: BitRows.Mismatches and Signs run their Go loops.
func mismatchAsm() mismatchFunc { return nil }

// signAsm returns nil: SignProduct.Signs runs SparseProduct's loops.
func signAsm() signFunc { return nil }

// foregroundAsm returns nil: Foreground runs its Go loop.
func foregroundAsm() func(idx []int32, x, d, row []float64, b float64) (int, float64, float64) {
	return nil
}

// absSumAsm returns nil: absSum runs its Go loop.
func absSumAsm() func(x []float64) float64 { return nil }
