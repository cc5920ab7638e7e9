package ops

// asmKernels are the assembly kernels, indexed by level.
var asmKernels = [numVecLevels]vecKernels{
	vecAVX2: {cav64: cavRowAVX2F64, cav32: cavRowAVX2F32, cavG64: cavGRowAVX2F64, cavG32: cavGRowAVX2F32,
		tanh64: tanhRowAVX2F64, tanh32: tanhRowAVX2F32, up64: upFieldRowAVX2F64, up32: upFieldRowAVX2F32,
		bp64: bpKernels[float64]{cavGAccRowAVX2F64, cavMagRowAVX2F64, cavMagDownRowAVX2F64, sumTanhRowAVX2F64, mulAddRowAVX2F64},
		bp32: bpKernels[float32]{cavGAccRowAVX2F32, cavMagRowAVX2F32, cavMagDownRowAVX2F32, sumTanhRowAVX2F32, mulAddRowAVX2F32},
		ew64: ewKernels[float64]{squareRowAVX2F64, oneMinusSquareRowAVX2F64, squarePlusRowAVX2F64, mulRowAVX2F64, varianceRowAVX2F64, binaryVarianceRowAVX2F64,
			fieldRowAVX2F64, dampRowAVX2F64, gammaRowAVX2F64, dampedTanhRowAVX2F64, maskedTanhRowAVX2F64, tanhSumRowAVX2F64, ampOmegaRowAVX2F64,
			ampFieldRowAVX2F64, bpiPrepRowAVX2F64},
		ew32: ewKernels[float32]{squareRowAVX2F32, oneMinusSquareRowAVX2F32, squarePlusRowAVX2F32, mulRowAVX2F32, varianceRowAVX2F32, binaryVarianceRowAVX2F32,
			fieldRowAVX2F32, dampRowAVX2F32, gammaRowAVX2F32, dampedTanhRowAVX2F32, maskedTanhRowAVX2F32, tanhSumRowAVX2F32, ampOmegaRowAVX2F32,
			ampFieldRowAVX2F32, bpiPrepRowAVX2F32}},
	vecAVX512: {cav64: cavRowAVX512F64, cav32: cavRowAVX512F32, cavG64: cavGRowAVX512F64, cavG32: cavGRowAVX512F32,
		tanh64: tanhRowAVX512F64, tanh32: tanhRowAVX512F32, up64: upFieldRowAVX512F64, up32: upFieldRowAVX512F32,
		bp64: bpKernels[float64]{cavGAccRowAVX512F64, cavMagRowAVX512F64, cavMagDownRowAVX512F64, sumTanhRowAVX512F64, mulAddRowAVX512F64},
		bp32: bpKernels[float32]{cavGAccRowAVX512F32, cavMagRowAVX512F32, cavMagDownRowAVX512F32, sumTanhRowAVX512F32, mulAddRowAVX512F32},
		ew64: ewKernels[float64]{squareRowAVX512F64, oneMinusSquareRowAVX512F64, squarePlusRowAVX512F64, mulRowAVX512F64, varianceRowAVX512F64, binaryVarianceRowAVX512F64,
			fieldRowAVX512F64, dampRowAVX512F64, gammaRowAVX512F64, dampedTanhRowAVX512F64, maskedTanhRowAVX512F64, tanhSumRowAVX512F64, ampOmegaRowAVX512F64,
			ampFieldRowAVX512F64, bpiPrepRowAVX512F64},
		ew32: ewKernels[float32]{squareRowAVX512F32, oneMinusSquareRowAVX512F32, squarePlusRowAVX512F32, mulRowAVX512F32, varianceRowAVX512F32, binaryVarianceRowAVX512F32,
			fieldRowAVX512F32, dampRowAVX512F32, gammaRowAVX512F32, dampedTanhRowAVX512F32, maskedTanhRowAVX512F32, tanhSumRowAVX512F32, ampOmegaRowAVX512F32,
			ampFieldRowAVX512F32, bpiPrepRowAVX512F32}},
}
