//go:build !amd64

package gemm

// No assembly kernels outside amd64; kernel64 and kernel32 never index these
// because active stays levelGo.
var (
	asmKernels64 [numLevels]kernel[float64]
	asmKernels32 [numLevels]kernel[float32]
)
