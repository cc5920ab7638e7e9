package gemm

import "github.com/fbpgo/fbp/internal/isa"

// float is the element type of the products.
type float interface{ float32 | float64 }

// kernel is a register micro-kernel, the cache blocking that suits it and
// the packing routine of its B panels.
//
// tile computes one mr×nr tile of C from kc columns of A, mr contiguous
// values lda apart (a[p·lda+i] = A[i,p]; lda = mr for a packed panel), and
// kc rows of B, nr contiguous values ldb apart (b[p·ldb+j] = B[p,j]; ldb = nr
// for a packed panel): with
// acc[i][j] = Σ_p A[i,p]·B[p,j], summed in ascending p, it stores
// c[i·ldc+j] = α·acc[i][j] + β·c[i·ldc+j], or α·acc[i][j] without reading c
// when β is zero. tileRows, where not nil, does the same from mr rows of A,
// kc contiguous values lda apart (a[i·lda+p] = A[i,p]).
type kernel[T float] struct {
	name     string
	mr, nr   int // tile shape
	kc       int // most columns of A (rows of B) in one packed block
	mc       int // most rows of A in one packed block, a multiple of mr
	nc       int // most columns of B in one packed block, a multiple of nr
	tile     func(kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T)
	tileRows func(kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T)
	copyA    rowCopier // packs rows of mr values, where not nil
	copyB    rowCopier // packs rows of nr values, where not nil
	// narrow, where not nil, is a kernel of one vector per row of the tile
	// for products of at most narrow.nr columns, where tiles of nr columns
	// would compute mostly lanes that are thrown away.
	narrow *kernel[T]
}

// active is the level in use: the best one the CPU supports, or the one a
// test forced.
var active = bestLevel()

func bestLevel() isa.Level { return isa.Best() }

// Level reports the micro-kernel family in use: "avx512", "avx2" or "scalar".
func Level() string { return active.String() }

func kernel64() *kernel[float64] {
	if active == isa.Scalar {
		return &goKernel64
	}
	return &asmKernels64[active]
}

func kernel32() *kernel[float32] {
	if active == isa.Scalar {
		return &goKernel32
	}
	return &asmKernels32[active]
}

var (
	goKernel64 = kernel[float64]{name: "go", mr: 4, nr: 4, kc: 256, mc: 256, nc: 2048, tile: goTile[float64]}
	goKernel32 = kernel[float32]{name: "go", mr: 4, nr: 4, kc: 256, mc: 512, nc: 2048, tile: goTile[float32]}
)

// goTile is the portable 4×4 micro-kernel.
func goTile[T float](kc int, a []T, lda int, b []T, ldb int, c []T, ldc int, alpha, beta T) {
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	var c20, c21, c22, c23, c30, c31, c32, c33 T
	for p := range kc {
		ap, bp := a[p*lda:][:4], b[p*ldb:][:4]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
	}
	storeRow(c[:4], alpha, beta, c00, c01, c02, c03)
	storeRow(c[ldc:ldc+4], alpha, beta, c10, c11, c12, c13)
	storeRow(c[2*ldc:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	storeRow(c[3*ldc:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

func storeRow[T float](c []T, alpha, beta T, x0, x1, x2, x3 T) {
	c = c[:4]
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*x0, alpha*x1, alpha*x2, alpha*x3
		return
	}
	c[0] = alpha*x0 + beta*c[0]
	c[1] = alpha*x1 + beta*c[1]
	c[2] = alpha*x2 + beta*c[2]
	c[3] = alpha*x3 + beta*c[3]
}
