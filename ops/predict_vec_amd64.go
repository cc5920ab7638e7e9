package ops

import "golang.org/x/sys/cpu"

// predictAsm are the prediction kernels (internal/gen/vecasm, predict.go),
// indexed by level.
var predictAsm = [numVecLevels]predictKernels{
	vecAVX2: {sp1x64: sparseBlock1AVX2F64, sp2x64: sparseBlock2AVX2F64, spBin64: sparseBlockBinAVX2F64,
		sp1x32: sparseBlock1AVX2F32, sp2x32: sparseBlock2AVX2F32, spBin32: sparseBlockBinAVX2F32,
		erf64: erfRatioRowAVX2F64, erf32: erfRatioRowAVX2F32},
	vecAVX512: {sp1x64: sparseBlock1AVX512F64, sp2x64: sparseBlock2AVX512F64, spBin64: sparseBlockBinAVX512F64,
		sp1x32: sparseBlock1AVX512F32, sp2x32: sparseBlock2AVX512F32, spBin32: sparseBlockBinAVX512F32,
		erf64: erfRatioRowAVX512F64, erf32: erfRatioRowAVX512F32},
}

// mismatchAsm returns the VPOPCNTQ kernel of BitRows.Mismatches and Signs
// at the current level, or nil (below AVX-512, or without AVX512_VPOPCNTDQ
// and DQ).
func mismatchAsm() mismatchFunc {
	if currentLevel() != vecAVX512 || !cpu.X86.HasAVX512VPOPCNTDQ || !cpu.X86.HasAVX512DQ {
		return nil
	}
	return mismatchRowsAVX512
}

// signAsm returns the kernel of SignProduct.Signs at the current level, or
// nil below AVX-512.
func signAsm() signFunc {
	if currentLevel() != vecAVX512 {
		return nil
	}
	return signIntsAVX512
}

// foregroundAsm returns the kernel of Foreground at the current level, or
// nil below AVX-512.
func foregroundAsm() func(idx []int32, x, d, row []float64, b float64) (int, float64, float64) {
	if currentLevel() != vecAVX512 {
		return nil
	}
	return foregroundAVX512
}

// absSumAsm returns the kernel of absSum at the current level, or nil
// below AVX-512.
func absSumAsm() func(x []float64) float64 {
	if currentLevel() != vecAVX512 {
		return nil
	}
	return absSumAVX512
}
