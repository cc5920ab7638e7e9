//go:build !fbpcuda

package ops

// OpenCUDA opens the first CUDA GPU. This build has no CUDA backend: it
// returns an error saying how to build one (go build -tags fbpcuda).
func OpenCUDA() (Device, error) { return nil, errNoDevice }

// HasCUDA reports whether the binary was built with the CUDA backend.
const HasCUDA = false
