// Package gemm multiplies dense matrices fast in pure Go and Go assembly.
//
// Dgemm and Sgemm compute
//
//	C = α·op(A)·op(B) + β·C,
//
// where op(X) is X or Xᵀ, for row-major float64 and float32 matrices, with
// the arguments, checks and panics of gonum's blas.Float64.Dgemm and
// blas.Float32.Sgemm: op(A) is m×k, op(B) is k×n and C is m×n. When α is
// zero or k is zero, A and B are not read; when β is zero, C is not read.
//
// The product is blocked for the caches, both operands are packed into
// contiguous panels, and a register-tiled micro-kernel does the arithmetic.
// On amd64 the micro-kernel is AVX-512 or AVX2+FMA assembly, chosen at run
// time from the CPU's features; elsewhere, and on older amd64 CPUs, it is
// portable Go. Large products are split over up to GOMAXPROCS goroutines
// along whole tiles, so every element of C is accumulated in the same order
// whatever the number of goroutines: results do not depend on GOMAXPROCS.
// They do depend on the kernel (fused multiply-adds and the k blocking
// reassociate the sums), so they differ from gonum's in the last bits.
//
// Implementation plugs the kernels into gonum's BLAS interfaces and Register
// makes them the BLAS of gonum's blas64 and blas32 and of gorgonia's tensor.
package gemm

//go:generate go run -C _asm . -out ../kernels_amd64.s -stubs ../kernels_amd64.go -pkg gemm

import "gonum.org/v1/gonum/blas"

// Dgemm computes C = α·op(A)·op(B) + β·C for row-major float64 matrices,
// with the semantics of gonum's blas.Float64.Dgemm.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !checkArgs(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c)) {
		return
	}
	p := problem[float64]{aT: tA != blas.NoTrans, bT: tB != blas.NoTrans, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	p.solve(kernel64())
}

// Sgemm computes C = α·op(A)·op(B) + β·C for row-major float32 matrices,
// with the semantics of gonum's blas.Float32.Sgemm.
func Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !checkArgs(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c)) {
		return
	}
	p := problem[float32]{aT: tA != blas.NoTrans, bT: tB != blas.NoTrans, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	p.solve(kernel32())
}

// Panic messages, the same as gonum's.
const (
	badTranspose = "blas: illegal transpose"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)

// checkArgs panics, as gonum's Dgemm does, on a bad transpose flag, size,
// leading dimension or slice length. It reports whether C has any element.
func checkArgs(tA, tB blas.Transpose, m, n, k, lda, ldb, ldc, lenA, lenB, lenC int) bool {
	if !validTranspose(tA) || !validTranspose(tB) {
		panic(badTranspose)
	}
	switch {
	case m < 0:
		panic(mLT0)
	case n < 0:
		panic(nLT0)
	case k < 0:
		panic(kLT0)
	}
	aT, bT := tA != blas.NoTrans, tB != blas.NoTrans
	rowsA, colsA := m, k // of A as stored
	if aT {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if bT {
		rowsB, colsB = n, k
	}
	switch {
	case lda < max(1, colsA):
		panic(badLdA)
	case ldb < max(1, colsB):
		panic(badLdB)
	case ldc < max(1, n):
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return false
	}
	switch {
	case lenA < (rowsA-1)*lda+colsA:
		panic(shortA)
	case lenB < (rowsB-1)*ldb+colsB:
		panic(shortB)
	case lenC < (m-1)*ldc+n:
		panic(shortC)
	}
	return true
}

func validTranspose(t blas.Transpose) bool {
	return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
}
