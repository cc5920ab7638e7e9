package gemm

import "github.com/fbpgo/fbp/internal/isa"

// The assembly kernels, indexed by level; kc·nr·size fills about 32 KiB of
// the 48 KiB L1 and mc·kc·size about 1 MiB of the 2 MiB L2 (Sapphire Rapids).
var (
	asmKernels64 = [isa.NumLevels]kernel[float64]{
		isa.AVX2: {name: "avx2", mr: 6, nr: 8, kc: 256, mc: 480, nc: 4096, tile: dkernAVX2, tileRows: dkernRowsAVX2,
			copyA: copy48AVX2, copyB: copy64AVX2},
		isa.AVX512: {name: "avx512", mr: 12, nr: 16, kc: 256, mc: 492, nc: 4096, tile: dkernAVX512, tileRows: dkernRowsAVX512,
			copyA: copy96AVX512, copyB: copy128AVX512, narrow: &narrow64},
	}
	asmKernels32 = [isa.NumLevels]kernel[float32]{
		isa.AVX2: {name: "avx2", mr: 6, nr: 16, kc: 256, mc: 960, nc: 4096, tile: skernAVX2, tileRows: skernRowsAVX2,
			copyA: copy24AVX2, copyB: copy64AVX2},
		isa.AVX512: {name: "avx512", mr: 12, nr: 32, kc: 256, mc: 984, nc: 4096, tile: skernAVX512, tileRows: skernRowsAVX512,
			copyA: copy48AVX512, copyB: copy128AVX512, narrow: &narrow32},
	}
	// The AVX-512 kernels of 16 rows of one vector, for a few columns.
	narrow64 = kernel[float64]{name: "avx512-narrow", mr: 16, nr: 8, kc: 256, mc: 496, nc: 4096,
		tile: dkernNarrowAVX512, tileRows: dkernRowsNarrowAVX512, copyA: copy128AVX512, copyB: copy64AVX512}
	narrow32 = kernel[float32]{name: "avx512-narrow", mr: 16, nr: 16, kc: 256, mc: 992, nc: 4096,
		tile: skernNarrowAVX512, tileRows: skernRowsNarrowAVX512, copyA: copy64AVX512, copyB: copy64AVX512}
)
