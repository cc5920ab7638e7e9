//go:build !amd64

package isa

// Supported reports whether level l runs here: outside amd64 only the
// scalar Go does.
func Supported(l Level) bool { return l == Scalar }
