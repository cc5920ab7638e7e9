package ops

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A Device is an accelerator whose memory holds message tensors: a
// tensor.Engine whose tensors are *tensor.Dense values backed by device
// memory. The ops of this package run on the device of their inputs, so the
// same sweep graph runs on the CPU or on a device; only the tensors bound to
// its input nodes differ. The CUDA implementation is built with the build
// tag fbpcuda (see OpenCUDA and the Makefile).
//
// A Device is used from one goroutine at a time. Errors of the asynchronous
// work queued on the device are sticky: Err reports the first one.
type Device interface {
	tensor.Engine

	// Name describes the device.
	Name() string
	// New returns a zeroed tensor of the given dtype and shape in device memory.
	New(dt tensor.Dtype, shape ...int) (*tensor.Dense, error)
	// Release frees the device memory of t, which must not be used afterwards.
	Release(t *tensor.Dense)
	// Set copies src into t, converting to t's dtype.
	Set(t *tensor.Dense, src []float64) error
	// Get returns the elements of t as float64 (a copy).
	Get(t *tensor.Dense) ([]float64, error)
	// Copy copies src into dst (same dtype and size).
	Copy(dst, src *tensor.Dense) error
	// Fill sets every element of t to v.
	Fill(t *tensor.Dense, v float64) error
	// Axpby sets dst = a·x + b·dst; b = 0 ignores dst.
	Axpby(dst *tensor.Dense, a float64, x *tensor.Dense, b float64) error
	// Check returns, in one round trip, mean |a − b| for every pair and the
	// index of the first NaN or ±Inf (−1 if none) of every tensor in finite.
	Check(pairs [][2]*tensor.Dense, finite []*tensor.Dense) (diffs []float64, bad []int, err error)
	// Gather sets xhat[i,n] = data[idx[n]·N0 + i] and lab[n] = labels[idx[n]]
	// for the B = len(idx) samples idx of a data set held on the device
	// (data M×N0, labels M), with N0 = xhat's rows: the transposed
	// mini-batch of a sweep, without host transfers but the indices.
	Gather(xhat, lab, data, labels *tensor.Dense, idx []int32) error
	// Sync waits for the queued work and returns the sticky error.
	Sync() error
	// Err returns the first error of the device, or nil.
	Err() error
	// Memory returns the device memory held by live tensors and its peak, in bytes.
	Memory() (inUse, peak int64)
	// Close frees every tensor and the device's resources.
	Close() error
}

// DeviceOf returns the device that holds t, or nil for host memory.
func DeviceOf(t *tensor.Dense) Device {
	if t == nil {
		return nil
	}
	d, _ := t.Engine().(Device)
	return d
}

// deviceKernels are the device halves of the ops: implemented by the device
// types of this package (the CUDA engine, each method in the file beside the
// op's CPU half: mapop_cuda.go, matmul_cuda.go, bpi_cuda.go, ...), called
// through output.onDevice by every op's Do.
type deviceKernels interface {
	Device
	// mapKernel runs the element-wise kernel k: dst = k(ins...).
	mapKernel(k *kernel, dst *tensor.Dense, ins []*tensor.Dense) error
	// matMul sets c = op(a)·op(b).
	matMul(c, a, b *tensor.Dense, transA, transB bool, m, n, k int) error
	// bpiCavity runs the fused BPI contractions of op o.
	bpiCavity(o *bpiOp, dst, m, xhat, omega, v, btop *tensor.Dense, K, N, B int) error
	// argMax computes the ArgMax output function.
	argMax(g, omega, v, y *tensor.Dense, C, B int) error
	// section copies src[off : off+len(dst)] into dst.
	section(dst, src *tensor.Dense, off int) error
}

// devKernels returns the device of the tensors ts, nil if all are in host
// memory, or an error if they are spread over host and device memory.
func devKernels(name string, ts []*tensor.Dense) (deviceKernels, error) {
	var d deviceKernels
	host := false
	for _, t := range ts {
		k, ok := t.Engine().(deviceKernels)
		switch {
		case !ok:
			host = true
		case d == nil:
			d = k
		case d != k:
			return nil, errors.Errorf("ops: %s: inputs on two devices", name)
		}
	}
	if d != nil && host {
		return nil, errors.Errorf("ops: %s: inputs in host and device memory", name)
	}
	return d, nil
}

// devDst returns the op's output tensor on device d, allocating it on first use.
func (o *output) devDst(d deviceKernels, prealloc any, dt tensor.Dtype, shape tensor.Shape) (*tensor.Dense, error) {
	if p, ok := prealloc.(*tensor.Dense); ok && p.Engine() == tensor.Engine(d) && p.Dtype() == dt && p.Shape().Eq(shape) {
		return p, nil
	}
	if o.out == nil || o.out.Engine() != tensor.Engine(d) || o.out.Dtype() != dt || !o.out.Shape().Eq(shape) {
		t, err := d.New(dt, shape...)
		if err != nil {
			return nil, err
		}
		o.out = t
	}
	return o.out, nil
}

// onDevice runs the device half of an op whose inputs ts are in device
// memory: run writes the output, of dtype dt and the given shape, into the
// op's device tensor (see devDst). ok is false, and nothing runs, if the
// inputs are in host memory: the caller runs its CPU half.
func (o *output) onDevice(name string, ts []*tensor.Dense, prealloc any, dt tensor.Dtype, shape tensor.Shape,
	run func(d deviceKernels, dst *tensor.Dense) error) (v gorgonia.Value, ok bool, err error) {
	d, err := devKernels(name, ts)
	if err != nil {
		return nil, true, err
	}
	if d == nil {
		return nil, false, nil
	}
	dst, err := o.devDst(d, prealloc, dt, shape)
	if err != nil {
		return nil, true, err
	}
	return dst, true, run(d, dst)
}

// errNoDevice is returned where a device is asked for in a build without one.
var errNoDevice = errors.New("ops: this binary was built without a device backend: build with -tags fbpcuda (see the Makefile)")

// hostOnly returns an error if the inputs of op name are in device memory:
// what (a feature) has no device kernels.
func hostOnly(name, what string, ts []*tensor.Dense) error {
	d, err := devKernels(name, ts)
	if err != nil {
		return err
	}
	if d != nil {
		return errors.Errorf("ops: %s: %s runs on the CPU only; on %s use BPI (equal to BP at τmax = 1) or dense storage", name, what, d.Name())
	}
	return nil
}

// releaser is an op that owns device memory.
type releaser interface{ release() }

// release frees the op's output if it is in device memory.
func (o *output) release() {
	if d := DeviceOf(o.out); d != nil {
		d.Release(o.out)
	}
	o.out = nil
}

// ReleaseGraph frees the device memory owned by the ops of g (their outputs
// and scratch). The graph must not be run afterwards. A nil g holds nothing.
func ReleaseGraph(g *gorgonia.ExprGraph) {
	if g == nil {
		return
	}
	for _, n := range g.AllNodes() {
		if r, ok := n.Op().(releaser); ok {
			r.release()
		}
	}
}
