package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// Implementation is gonum's pure-Go BLAS with Dgemm and Sgemm replaced by
// this package's. It satisfies blas.Float64, blas.Float32, blas.Complex64
// and blas.Complex128, hence gorgonia's tensor.BLAS.
type Implementation struct {
	gonum.Implementation
}

var (
	_ blas.Float64 = Implementation{}
	_ blas.Float32 = Implementation{}
	_ tensor.BLAS  = Implementation{}
)

// Dgemm computes C = α·op(A)·op(B) + β·C; see the package function Dgemm.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm computes C = α·op(A)·op(B) + β·C; see the package function Sgemm.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Register makes Implementation the BLAS of gonum's blas64 and blas32
// packages (and so of gonum/mat) and of gorgonia's tensor package, whose
// matrix products back gorgonia's Mul. It is safe to call more than once.
// Importing github.com/fbpgo/fbp/ops calls it.
func Register() { use(Implementation{}) }

// Unregister makes gonum's pure-Go BLAS (gonum.Implementation, the default
// of all three packages) their BLAS again: the reference against which
// bit-exact results were recorded. Register undoes it.
func Unregister() { use(gonum.Implementation{}) }

// Registered reports whether Implementation is the BLAS of blas64, blas32
// and tensor.
func Registered() bool {
	_, a := blas64.Implementation().(Implementation)
	_, b := blas32.Implementation().(Implementation)
	_, c := tensor.WhichBLAS().(Implementation)
	return a && b && c
}

// use makes impl the BLAS of blas64, blas32 and tensor.
func use(impl interface {
	blas.Float64
	blas.Float32
	tensor.BLAS
}) {
	blas64.Use(impl)
	blas32.Use(impl)
	tensor.Use(impl)
}
