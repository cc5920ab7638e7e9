//go:build fbpcuda

package ops

import "gorgonia.org/tensor"

// section copies src[off : off+len(dst)] into dst with the Copy kernel
// (kernels/device.cuh).
func (d *CUDA) section(dst, src *tensor.Dense, off int) error {
	n := dst.Shape().TotalSize()
	if n == 0 {
		return d.err
	}
	defer d.enter()()
	from := arg(uint64(src.Uintptr()) + uint64(off)*uint64(src.Dtype().Size()))
	return d.launch1D("Copy", dst.Dtype(), n, intArg(n), ptrArg(dst), from)
}
