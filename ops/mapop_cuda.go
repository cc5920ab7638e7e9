//go:build fbpcuda

package ops

import "gorgonia.org/tensor"

// mapKernel runs the element-wise kernel k over dst: the kernel k.name of
// kernels/mapop.cuh's form, defined in the family's header (elementwise.cuh,
// gaussian.cuh, channel.cuh, amp.cuh, focus.cuh).
func (d *CUDA) mapKernel(k *kernel, dst *tensor.Dense, ins []*tensor.Dense) error {
	n := dst.Shape().TotalSize()
	if n == 0 {
		return d.err
	}
	args := make([]arg, 0, len(ins)+2)
	args = append(args, intArg(n), ptrArg(dst))
	for _, t := range ins {
		args = append(args, ptrArg(t))
	}
	defer d.enter()()
	return d.launch1D(k.name, dst.Dtype(), n, args...)
}
