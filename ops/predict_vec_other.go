//go:build !amd64

package ops

// predictAsm is empty outside amd64: the prediction runs the Go loops.
var predictAsm [numVecLevels]predictKernels

// mismatchAsm returns nil: BitRows.Mismatches runs its Go loop.
func mismatchAsm() func(out []int64, a, neg, nz []uint64, words int) { return nil }

// signAsm returns nil: SignProduct.Apply runs SparseProduct's loops.
func signAsm(int) sparseFunc8 { return nil }
