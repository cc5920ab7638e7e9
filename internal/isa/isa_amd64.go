package isa

import "golang.org/x/sys/cpu"

// Supported reports whether the CPU and the OS can run level l.
func Supported(l Level) bool {
	switch l {
	case Scalar:
		return true
	case AVX2:
		return cpu.X86.HasAVX2 && cpu.X86.HasFMA
	case AVX512:
		return cpu.X86.HasAVX512F
	}
	return false
}
