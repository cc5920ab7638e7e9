// Package isa names the instruction-set levels of the project's vectorised
// CPU kernels (packages ops and gemm) and tells which of them the running
// CPU and operating system support. The scalar level is portable Go and
// runs everywhere; the others are amd64 assembly.
package isa

// Level is an instruction-set level, from the narrowest to the widest.
type Level int32

const (
	Scalar    Level = iota // portable Go
	AVX2                   // AVX2 and FMA3, 256-bit vectors
	AVX512                 // AVX-512F, 512-bit vectors
	NumLevels              // the number of levels
)

var names = [NumLevels]string{"scalar", "avx2", "avx512"}

// String returns "scalar", "avx2" or "avx512" ("unknown" outside the range).
func (l Level) String() string {
	if l < 0 || l >= NumLevels {
		return "unknown"
	}
	return names[l]
}

// Best returns the widest level this CPU supports.
func Best() Level {
	for l := NumLevels - 1; l > Scalar; l-- {
		if Supported(l) {
			return l
		}
	}
	return Scalar
}

// Parse returns the level named s, and false for an unknown name.
func Parse(s string) (Level, bool) {
	for l, name := range names {
		if name == s {
			return Level(l), true
		}
	}
	return 0, false
}
