package ops

import "golang.org/x/sys/cpu"

// vecSupported reports whether the CPU and the OS can run level l.
func vecSupported(l vecLevel) bool {
	switch l {
	case vecScalar:
		return true
	case vecAVX2:
		return cpu.X86.HasAVX2 && cpu.X86.HasFMA
	case vecAVX512:
		return cpu.X86.HasAVX512F
	}
	return false
}

// asmKernels are the assembly kernels, indexed by level.
var asmKernels = [numVecLevels]vecKernels{
	vecAVX2: {cav64: cavRowAVX2F64, cav32: cavRowAVX2F32, cavG64: cavGRowAVX2F64, cavG32: cavGRowAVX2F32,
		tanh64: tanhRowAVX2F64, tanh32: tanhRowAVX2F32, up64: upFieldRowAVX2F64, up32: upFieldRowAVX2F32},
	vecAVX512: {cav64: cavRowAVX512F64, cav32: cavRowAVX512F32, cavG64: cavGRowAVX512F64, cavG32: cavGRowAVX512F32,
		tanh64: tanhRowAVX512F64, tanh32: tanhRowAVX512F32, up64: upFieldRowAVX512F64, up32: upFieldRowAVX512F32},
}
