package ops

// asmKernels are the assembly kernels, indexed by level.
var asmKernels = [numVecLevels]vecKernels{
	vecAVX2: {cav64: cavRowAVX2F64, cav32: cavRowAVX2F32, cavG64: cavGRowAVX2F64, cavG32: cavGRowAVX2F32,
		tanh64: tanhRowAVX2F64, tanh32: tanhRowAVX2F32, up64: upFieldRowAVX2F64, up32: upFieldRowAVX2F32,
		bp64: bpKernels[float64]{cavGAccRowAVX2F64, cavMagRowAVX2F64, cavMagDownRowAVX2F64, sumTanhRowAVX2F64, mulAddRowAVX2F64},
		bp32: bpKernels[float32]{cavGAccRowAVX2F32, cavMagRowAVX2F32, cavMagDownRowAVX2F32, sumTanhRowAVX2F32, mulAddRowAVX2F32}},
	vecAVX512: {cav64: cavRowAVX512F64, cav32: cavRowAVX512F32, cavG64: cavGRowAVX512F64, cavG32: cavGRowAVX512F32,
		tanh64: tanhRowAVX512F64, tanh32: tanhRowAVX512F32, up64: upFieldRowAVX512F64, up32: upFieldRowAVX512F32,
		bp64: bpKernels[float64]{cavGAccRowAVX512F64, cavMagRowAVX512F64, cavMagDownRowAVX512F64, sumTanhRowAVX512F64, mulAddRowAVX512F64},
		bp32: bpKernels[float32]{cavGAccRowAVX512F32, cavMagRowAVX512F32, cavMagDownRowAVX512F32, sumTanhRowAVX512F32, mulAddRowAVX512F32}},
}
