//go:build fbpcuda

package ops

import "gorgonia.org/tensor"

// argMax runs the ArgMax output function (kernels/argmax.cuh), one thread
// per sample.
func (d *CUDA) argMax(g, omega, v, y *tensor.Dense, C, B int) error {
	defer d.enter()()
	return d.launch("ArgMaxG", g.Dtype(), blocks(B, 128), 1, 128, intArg(C), intArg(B), ptrArg(g), ptrArg(omega), ptrArg(v), ptrArg(y))
}
