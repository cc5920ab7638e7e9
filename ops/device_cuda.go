//go:build fbpcuda

package ops

import (
	"slices"
	"unsafe"

	"github.com/pkg/errors"
	"gorgonia.org/cu"
	"gorgonia.org/tensor"
)

// The whole-tensor helpers of the Device interface on the GPU, for the
// network's work outside the sweep graph; their kernels are in
// kernels/device.cuh.

// Copy copies src into dst on the device.
func (d *CUDA) Copy(dst, src *tensor.Dense) error {
	if err := d.check("Copy", dst, src); err != nil {
		return err
	}
	if dst.Dtype() != src.Dtype() || dst.Shape().TotalSize() != src.Shape().TotalSize() {
		return errors.Errorf("ops: cuda: Copy of %v %v into %v %v", src.Dtype(), src.Shape(), dst.Dtype(), dst.Shape())
	}
	n := dst.Shape().TotalSize()
	if n == 0 {
		return nil
	}
	defer d.enter()()
	return d.launch1D("Copy", dst.Dtype(), n, intArg(n), ptrArg(dst), ptrArg(src))
}

// Fill sets every element of t to v.
func (d *CUDA) Fill(t *tensor.Dense, v float64) error {
	if err := d.check("Fill", t); err != nil {
		return err
	}
	n := t.Shape().TotalSize()
	defer d.enter()()
	val := f64Arg(v)
	if t.Dtype() == tensor.Float32 {
		val = f32Arg(float32(v))
	}
	return d.launch1D("Fill", t.Dtype(), n, intArg(n), ptrArg(t), val)
}

// Axpby sets dst = a·x + b·dst.
func (d *CUDA) Axpby(dst *tensor.Dense, a float64, x *tensor.Dense, b float64) error {
	if err := d.check("Axpby", dst, x); err != nil {
		return err
	}
	n := dst.Shape().TotalSize()
	defer d.enter()()
	return d.launch1D("Axpby", dst.Dtype(), n, intArg(n), ptrArg(dst), f64Arg(a), ptrArg(x), f64Arg(b))
}

// checkBlocks is the number of blocks per job of the Check kernel.
const checkBlocks = 64

// Check computes mean |a − b| per pair and the first non-finite index per
// tensor with one kernel launch (kernels/device.cuh, Check) and one download
// of the per-block partial results, which are combined here. The job list is
// kept on the device while the tensors stay the same.
func (d *CUDA) Check(pairs [][2]*tensor.Dense, finite []*tensor.Dense) ([]float64, []int, error) {
	jobs, dt, err := d.checkJobs(pairs, finite)
	if err != nil {
		return nil, nil, err
	}
	J := len(jobs) / 4
	if J == 0 {
		return nil, nil, nil
	}
	defer d.enter()()
	part, err := d.checkScratch(jobs)
	if err != nil {
		return nil, nil, err
	}
	if err := d.launch("Check", dt, checkBlocks, J, 256, devArg(d.chk), devArg(part)); err != nil {
		return nil, nil, err
	}
	buf := make([]float64, J*checkBlocks)
	if err := d.setErr(cu.MemcpyDtoH(unsafe.Pointer(&buf[0]), part, int64(8*len(buf))), "download"); err != nil {
		return nil, nil, err
	}
	diffs, bad := checkResults(buf, jobs, len(pairs))
	return diffs, bad, nil
}

// checkJobs returns the jobs of Check, four words each as the kernel's
// CheckJob reads them: the addresses of a and b, the length n and the kind
// (0: mean |a − b| of a pair, 1: first non-finite element of a = b), pairs
// first; and the one dtype of all the tensors.
func (d *CUDA) checkJobs(pairs [][2]*tensor.Dense, finite []*tensor.Dense) ([]uint64, tensor.Dtype, error) {
	jobs := make([]uint64, 0, 4*(len(pairs)+len(finite)))
	var dt tensor.Dtype
	add := func(a, b *tensor.Dense, kind uint64) error {
		if err := d.check("Check", a, b); err != nil {
			return err
		}
		if len(jobs) == 0 {
			dt = a.Dtype()
		} else if a.Dtype() != dt || b.Dtype() != dt {
			return errors.New("ops: cuda: Check: tensors of two dtypes")
		}
		jobs = append(jobs, uint64(a.Uintptr()), uint64(b.Uintptr()), uint64(a.Shape().TotalSize()), kind)
		return nil
	}
	for _, p := range pairs {
		if err := add(p[0], p[1], 0); err != nil {
			return nil, dt, err
		}
	}
	for _, t := range finite {
		if err := add(t, t, 1); err != nil {
			return nil, dt, err
		}
	}
	return jobs, dt, nil
}

// checkScratch uploads the jobs to the scratch of Check unless they are
// already there, growing it as needed, and returns the address of the
// partial results that follow them.
func (d *CUDA) checkScratch(jobs []uint64) (cu.DevicePtr, error) {
	J := len(jobs) / 4
	jobBytes := int64(J * 32)
	partBytes := int64(J * checkBlocks * 8)
	if !slices.Equal(jobs, d.chkKey) {
		if jobBytes+partBytes > d.chkN {
			if d.chk != 0 {
				cu.MemFree(d.chk)
			}
			p, err := cu.MemAlloc(jobBytes + partBytes)
			if err != nil {
				return 0, d.setErr(err, "check scratch")
			}
			d.chk, d.chkN = p, jobBytes+partBytes
		}
		if err := d.setErr(cu.MemcpyHtoD(d.chk, unsafe.Pointer(&jobs[0]), jobBytes), "upload"); err != nil {
			return 0, err
		}
		d.chkKey = jobs
	}
	return d.chk + cu.DevicePtr(jobBytes), nil
}

// checkResults combines the partial results buf of Check (checkBlocks per
// job): the mean of the partial sums for the first nPairs jobs, the least
// partial index for the others (−1 where it is n: no non-finite element).
func checkResults(buf []float64, jobs []uint64, nPairs int) (diffs []float64, bad []int) {
	J := len(jobs) / 4
	diffs, bad = make([]float64, nPairs), make([]int, J-nPairs)
	for j := 0; j < J; j++ {
		ps := buf[j*checkBlocks : (j+1)*checkBlocks]
		n := jobs[4*j+2]
		if j < nPairs {
			var sum float64
			for _, v := range ps {
				sum += v
			}
			if n > 0 {
				sum /= float64(n)
			}
			diffs[j] = sum
			continue
		}
		first := slices.Min(ps)
		bad[j-nPairs] = -1
		if first < float64(n) {
			bad[j-nPairs] = int(first)
		}
	}
	return diffs, bad
}

// Gather builds the transposed mini-batch x̂ (N0×B) and its labels (1×B)
// from a data set on the device: one upload of the B indices, one kernel.
func (d *CUDA) Gather(xhat, lab, data, labels *tensor.Dense, idx []int32) error {
	if err := d.check("Gather", xhat, lab, data, labels); err != nil {
		return err
	}
	xs, ds := xhat.Shape(), data.Shape()
	B := len(idx)
	if len(xs) != 2 || xs[1] != B || len(ds) != 2 || ds[1] != xs[0] || lab.Shape().TotalSize() != B || labels.Shape().TotalSize() != ds[0] {
		return errors.Errorf("ops: cuda: Gather: shapes x̂ %v, labels %v, data %v, %v for %d indices", xs, lab.Shape(), ds, labels.Shape(), B)
	}
	M, N0 := ds[0], ds[1]
	for n, i := range idx {
		if i < 0 || int(i) >= M {
			return errors.Errorf("ops: cuda: Gather: index %d of sample %d is outside [0, %d)", i, n, M)
		}
	}
	if B == 0 {
		return nil
	}
	defer d.enter()()
	if err := d.uploadIndices(idx); err != nil {
		return err
	}
	return d.launch1D("Gather", xhat.Dtype(), max(N0*B, B), intArg(N0), intArg(B), ptrArg(xhat), ptrArg(lab), ptrArg(data), ptrArg(labels), devArg(d.idx))
}

// uploadIndices copies Gather's indices to the device, growing their buffer
// as needed.
func (d *CUDA) uploadIndices(idx []int32) error {
	size := int64(4 * len(idx))
	if size > d.idxN {
		if d.idx != 0 {
			cu.MemFree(d.idx)
		}
		p, err := cu.MemAlloc(size)
		if err != nil {
			return d.setErr(err, "gather indices")
		}
		d.idx, d.idxN = p, size
	}
	return d.setErr(cu.MemcpyHtoD(d.idx, unsafe.Pointer(&idx[0]), size), "upload")
}
