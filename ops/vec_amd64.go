package ops

// asmKernels are the assembly kernels, indexed by level.
var asmKernels = [numVecLevels]vecKernels{
	vecAVX2: {cav64: cavRowAVX2F64, cav32: cavRowAVX2F32, cavG64: cavGRowAVX2F64, cavG32: cavGRowAVX2F32,
		tanh64: tanhRowAVX2F64, tanh32: tanhRowAVX2F32, up64: upFieldRowAVX2F64, up32: upFieldRowAVX2F32,
		cavGAcc64: cavGAccRowAVX2F64, cavGAcc32: cavGAccRowAVX2F32,
		mag64:     magKernels[float64]{cavMagRowAVX2F64, cavMagDownRowAVX2F64},
		mag32:     magKernels[float32]{cavMagRowAVX2F32, cavMagDownRowAVX2F32},
		sumTanh64: sumTanhRowAVX2F64, sumTanh32: sumTanhRowAVX2F32, mulAdd64: mulAddRowAVX2F64, mulAdd32: mulAddRowAVX2F32},
	vecAVX512: {cav64: cavRowAVX512F64, cav32: cavRowAVX512F32, cavG64: cavGRowAVX512F64, cavG32: cavGRowAVX512F32,
		tanh64: tanhRowAVX512F64, tanh32: tanhRowAVX512F32, up64: upFieldRowAVX512F64, up32: upFieldRowAVX512F32,
		cavGAcc64: cavGAccRowAVX512F64, cavGAcc32: cavGAccRowAVX512F32,
		mag64:     magKernels[float64]{cavMagRowAVX512F64, cavMagDownRowAVX512F64},
		mag32:     magKernels[float32]{cavMagRowAVX512F32, cavMagDownRowAVX512F32},
		sumTanh64: sumTanhRowAVX512F64, sumTanh32: sumTanhRowAVX512F32, mulAdd64: mulAddRowAVX512F64, mulAdd32: mulAddRowAVX512F32},
}
