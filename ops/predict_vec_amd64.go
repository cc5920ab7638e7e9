package ops

// predictAsm are the prediction kernels (internal/gen/vecasm, predict.go),
// indexed by level.
var predictAsm = [numVecLevels]predictKernels{
	vecAVX2: {sp1x64: sparseBlock1AVX2F64, sp2x64: sparseBlock2AVX2F64, sp1x32: sparseBlock1AVX2F32,
		sp2x32: sparseBlock2AVX2F32, erf64: erfRatioRowAVX2F64, erf32: erfRatioRowAVX2F32},
	vecAVX512: {sp1x64: sparseBlock1AVX512F64, sp2x64: sparseBlock2AVX512F64, sp1x32: sparseBlock1AVX512F32,
		sp2x32: sparseBlock2AVX512F32, erf64: erfRatioRowAVX512F64, erf32: erfRatioRowAVX512F32},
}
