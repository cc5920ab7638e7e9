//go:build !amd64

package ops

// asmKernels is empty outside amd64; cavRow returns nil for every level.
var asmKernels [numVecLevels]vecKernels
