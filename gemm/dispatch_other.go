//go:build !amd64

package gemm

import "github.com/fbpgo/fbp/internal/isa"

// No assembly kernels outside amd64; kernel64 and kernel32 never index these
// because active stays isa.Scalar.
var (
	asmKernels64 [isa.NumLevels]kernel[float64]
	asmKernels32 [isa.NumLevels]kernel[float32]
)
