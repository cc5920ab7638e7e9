//go:build !amd64

package ops

// vecSupported reports whether level l runs here: only the scalar Go does.
func vecSupported(l vecLevel) bool { return l == vecScalar }

// asmKernels is empty outside amd64; cavRow returns nil for every level.
var asmKernels [numVecLevels]vecKernels
