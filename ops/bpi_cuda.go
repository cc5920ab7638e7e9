//go:build fbpcuda

package ops

import (
	"github.com/pkg/errors"
	"gorgonia.org/tensor"
)

// bpiIPW is the number of inputs i per warp of the BPI kernel (BPI_IPW).
const bpiIPW = 4

// bpiSlices is the number of slices of the units k in the BPI kernel: enough
// warps (⌈N/4⌉·S) to fill the GPU, at least 16 units per warp.
func bpiSlices(K, N int) int {
	s := blocks(8192, blocks(N, bpiIPW))
	return max(min(s, blocks(K, 16)), 1)
}

// bpiCavity runs the kernels of kernels/bpi.cuh: BPIPrep, BPICavity and
// (for the downward field) BPIReduce.
func (d *CUDA) bpiCavity(o *bpiOp, dst, m, xhat, omega, v, btop *tensor.Dense, K, N, B int) error {
	if o.p != nil {
		return errors.Errorf("ops: %v: sparse layers are not supported on the GPU (use dense storage)", o)
	}
	dt := dst.Dtype()
	S := bpiSlices(K, N)
	kPer := blocks(K, S)
	S = blocks(K, kPer)
	if err := d.scratch(&o.dprep, dt, 5*K*B); err != nil {
		return err
	}
	part := nilArg()
	if o.down {
		if err := d.scratch(&o.dpart, dt, S*N*B); err != nil {
			return err
		}
		part = ptrArg(o.dpart)
	}
	if K*N*B == 0 {
		return d.Fill(dst, 0)
	}
	defer d.enter()()
	if err := d.launch1D("BPIPrep", dt, K*B, intArg(K*B), ptrArg(o.dprep), ptrArg(omega), ptrArg(v), ptrArg(btop)); err != nil {
		return err
	}
	const warps = 4
	if err := d.launch("BPICavity", dt, blocks(N, bpiIPW), blocks(S, warps), 32*warps,
		intArg(K), intArg(N), intArg(B), intArg(kPer), intArg(S), ptrArg(dst), part, ptrArg(m), ptrArg(xhat), ptrArg(o.dprep)); err != nil {
		return err
	}
	if !o.down {
		return nil
	}
	bdown := arg(uint64(dst.Uintptr()) + uint64(K*N)*uint64(dt.Size()))
	return d.launch1D("BPIReduce", dt, N*B, intArg(N*B), intArg(S), bdown, ptrArg(o.dpart))
}
