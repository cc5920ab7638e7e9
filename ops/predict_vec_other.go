//go:build !amd64

package ops

// predictAsm is empty outside amd64: the prediction runs the Go loops.
var predictAsm [numVecLevels]predictKernels
