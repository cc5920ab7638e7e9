//go:build fbpcuda

package ops

import (
	_ "embed"
	"math"
	"runtime"
	"unsafe"

	"github.com/pkg/errors"
	"gorgonia.org/cu"
	cublas "gorgonia.org/cu/blas"
	"gorgonia.org/tensor"
)

// fbpPTX holds the kernels of kernels/fbp.cu and the per-family headers it
// includes (kernels/*.cuh), compiled by `make ptx`.
//
//go:embed kernels/fbp.ptx
var fbpPTX string

// HasCUDA reports whether the binary was built with the CUDA backend.
const HasCUDA = true

// CUDA is an NVIDIA GPU driven through gorgonia.org/cu: a Device whose
// tensors live in GPU memory, with the kernels of kernels/fbp.cu and cuBLAS
// for the matrix products. All work goes to the default stream, in order.
//
// This file holds the engine: context, kernel module, launches, memory and
// the basic Device methods. The device half of each op is a method in the
// file beside the op's CPU half (mapop_cuda.go, matmul_cuda.go,
// bpi_cuda.go, argmax_cuda.go, section_cuda.go), the whole-tensor helpers
// Copy, Fill, Axpby, Check and Gather are in device_cuda.go.
type CUDA struct {
	name   string
	ctx    cu.CUContext
	mod    cu.Module
	fns    map[string]cu.Function
	blas   *cublas.Standard
	err    error
	live   map[uintptr]int64 // allocations by address
	inUse  int64
	peak   int64
	chk    cu.DevicePtr // scratch of Check (jobs, then partial results), chkN bytes
	chkN   int64
	chkKey []uint64     // the jobs held in chk
	idx    cu.DevicePtr // Gather's indices, idxN bytes
	idxN   int64
}

// OpenCUDA opens the first CUDA GPU: a context, the kernels and a cuBLAS
// handle. It fails on a machine without a usable GPU.
func OpenCUDA() (Device, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dev, err := cu.GetDevice(0)
	if err != nil {
		return nil, errors.Wrap(err, "ops: OpenCUDA: no GPU")
	}
	name, _ := dev.Name()
	ctx, err := dev.MakeContext(cu.SchedAuto)
	if err != nil {
		return nil, errors.Wrap(err, "ops: OpenCUDA: context")
	}
	if err := cu.SetCurrentContext(ctx); err != nil {
		return nil, errors.Wrap(err, "ops: OpenCUDA: context")
	}
	mod, err := cu.LoadData(fbpPTX)
	if err != nil {
		return nil, errors.Wrap(err, "ops: OpenCUDA: loading the kernels (PTX)")
	}
	d := &CUDA{name: name, ctx: ctx, mod: mod, fns: map[string]cu.Function{}, live: map[uintptr]int64{}}
	d.blas = cublas.New()
	return d, nil
}

// enter binds the context to the calling goroutine's thread until the
// returned function runs.
func (d *CUDA) enter() func() {
	runtime.LockOSThread()
	if err := cu.SetCurrentContext(d.ctx); err != nil && d.err == nil {
		d.err = errors.Wrap(err, "ops: cuda: set context")
	}
	return runtime.UnlockOSThread
}

// setErr records err, if it is the device's first error, and returns the
// device's sticky error.
func (d *CUDA) setErr(err error, what string) error {
	if err != nil && d.err == nil {
		d.err = errors.Wrapf(err, "ops: cuda: %s", what)
	}
	return d.err
}

// Name describes the device.
func (d *CUDA) Name() string { return "cuda: " + d.name }

// Err returns the first error of the device.
func (d *CUDA) Err() error { return d.err }

// Memory returns the bytes held by live tensors and their peak.
func (d *CUDA) Memory() (inUse, peak int64) { return d.inUse, d.peak }

// fn returns the kernel name_f32 or name_f64.
func (d *CUDA) fn(name string, dt tensor.Dtype) (cu.Function, error) {
	full := name + "_f64"
	if dt == tensor.Float32 {
		full = name + "_f32"
	}
	if f, ok := d.fns[full]; ok {
		return f, nil
	}
	f, err := d.mod.Function(full)
	if err != nil {
		return f, errors.Wrapf(err, "ops: cuda: no kernel %s", full)
	}
	d.fns[full] = f
	return f, nil
}

// arg is one kernel argument in its own 8-byte slot: Function.Launch reads
// 8 bytes through every parameter pointer.
type arg uint64

func ptrArg(t *tensor.Dense) arg { return arg(t.Uintptr()) }
func intArg(v int) arg           { return arg(uint64(int64(v))) }
func f64Arg(v float64) arg       { return arg(math.Float64bits(v)) }
func f32Arg(v float32) arg       { return arg(math.Float32bits(v)) }
func devArg(p cu.DevicePtr) arg  { return arg(p) }
func nilArg() arg                { return 0 }
func blocks(n, per int) int      { return max((n+per-1)/per, 1) }

// launch runs kernel name on a gx×gy grid of blocks of bx threads.
func (d *CUDA) launch(name string, dt tensor.Dtype, gx, gy, bx int, args ...arg) error {
	if d.err != nil {
		return d.err
	}
	f, err := d.fn(name, dt)
	if err != nil {
		return d.setErr(err, "launch")
	}
	ps := make([]unsafe.Pointer, len(args))
	for i := range args {
		ps[i] = unsafe.Pointer(&args[i])
	}
	return d.setErr(f.Launch(gx, gy, 1, bx, 1, 1, 0, cu.NoStream, ps), name)
}

// launch1D runs kernel name with one thread for each of n elements, in
// blocks of 256 threads.
func (d *CUDA) launch1D(name string, dt tensor.Dtype, n int, args ...arg) error {
	return d.launch(name, dt, blocks(n, 256), 1, 256, args...)
}

// scratch makes *t a device tensor of n elements of dtype dt, keeping it if
// it is one already.
func (d *CUDA) scratch(t **tensor.Dense, dt tensor.Dtype, n int) error {
	if *t != nil && (*t).Dtype() == dt && (*t).Shape().TotalSize() == n {
		return nil
	}
	d.Release(*t)
	var err error
	*t, err = d.New(dt, n)
	return err
}

// ---- tensor.Engine ----

// devMem is a block of device memory.
type devMem struct {
	p    cu.DevicePtr
	size uintptr
}

func (m devMem) Uintptr() uintptr { return uintptr(m.p) }
func (m devMem) MemSize() uintptr { return m.size }

// AllocAccessible reports false: device memory is not Go memory.
func (d *CUDA) AllocAccessible() bool { return false }

// Alloc allocates size bytes of device memory.
func (d *CUDA) Alloc(size int64) (tensor.Memory, error) {
	defer d.enter()()
	p, err := cu.MemAlloc(max(size, 8))
	if err != nil {
		return nil, errors.Wrapf(err, "ops: cuda: allocating %d bytes", size)
	}
	d.live[uintptr(p)] = size
	d.inUse += size
	d.peak = max(d.peak, d.inUse)
	return devMem{p, uintptr(size)}, nil
}

// Free frees memory from Alloc.
func (d *CUDA) Free(mem tensor.Memory, size int64) error {
	defer d.enter()()
	p := mem.Uintptr()
	if sz, ok := d.live[p]; ok {
		delete(d.live, p)
		d.inUse -= sz
		return cu.MemFree(cu.DevicePtr(p))
	}
	return errors.Errorf("ops: cuda: Free of %#x, which was not allocated here", p)
}

// Memset sets every 32- or 64-bit word of mem to val (a float32 or float64).
func (d *CUDA) Memset(mem tensor.Memory, val interface{}) error {
	switch v := val.(type) {
	case float32:
		defer d.enter()()
		return cu.MemsetD32(cu.DevicePtr(mem.Uintptr()), math.Float32bits(v), int64(mem.MemSize()/4))
	case float64:
		n := int(mem.MemSize() / 8)
		t := tensor.New(tensor.WithShape(n), tensor.Of(tensor.Float64), tensor.FromMemory(mem.Uintptr(), mem.MemSize()), tensor.WithEngine(d))
		return d.Fill(t, v)
	}
	return errors.Errorf("ops: cuda: Memset with a %T", val)
}

// Memclr zeroes mem.
func (d *CUDA) Memclr(mem tensor.Memory) {
	defer d.enter()()
	d.setErr(cu.MemsetD8(cu.DevicePtr(mem.Uintptr()), 0, int64(mem.MemSize())), "memclr")
}

// Memcpy copies src into dst (device to device).
func (d *CUDA) Memcpy(dst, src tensor.Memory) error {
	defer d.enter()()
	return cu.MemcpyDtoD(cu.DevicePtr(dst.Uintptr()), cu.DevicePtr(src.Uintptr()), int64(min(dst.MemSize(), src.MemSize())))
}

// Accessible fails: device memory cannot be read as Go memory.
func (d *CUDA) Accessible(mem tensor.Memory) (tensor.Memory, error) {
	return nil, errors.New("ops: cuda: device memory is not accessible from Go; use Device.Get")
}

// WorksWith reports whether the device works with the data order: row-major only.
func (d *CUDA) WorksWith(order tensor.DataOrder) bool { return order.IsRowMajor() }

// ---- Device ----

func (d *CUDA) String() string { return d.Name() }

// New returns a zeroed device tensor.
func (d *CUDA) New(dt tensor.Dtype, shape ...int) (*tensor.Dense, error) {
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, errors.Errorf("ops: cuda: dtype %v: want float32 or float64", dt)
	}
	n := 1
	for _, s := range shape {
		if s < 0 {
			return nil, errors.Errorf("ops: cuda: negative dimension in shape %v", shape)
		}
		n *= s
	}
	size := int64(n) * int64(dt.Size())
	mem, err := d.Alloc(size)
	if err != nil {
		return nil, err
	}
	d.Memclr(mem)
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(dt), tensor.FromMemory(mem.Uintptr(), mem.MemSize()), tensor.WithEngine(d))
	return t, d.err
}

// Release frees t's device memory.
func (d *CUDA) Release(t *tensor.Dense) {
	if t == nil || DeviceOf(t) != Device(d) {
		return
	}
	d.Free(devMem{cu.DevicePtr(t.Uintptr()), uintptr(t.MemSize())}, int64(t.MemSize()))
}

// check returns an error if a tensor of ts is not on the device, else the
// device's sticky error.
func (d *CUDA) check(what string, ts ...*tensor.Dense) error {
	for _, t := range ts {
		if DeviceOf(t) != Device(d) {
			return errors.Errorf("ops: cuda: %s: tensor is not on this device", what)
		}
	}
	return d.err
}

// Set uploads src into t, converting to t's dtype.
func (d *CUDA) Set(t *tensor.Dense, src []float64) error {
	if err := d.check("Set", t); err != nil {
		return err
	}
	n := t.Shape().TotalSize()
	if len(src) != n {
		return errors.Errorf("ops: cuda: Set: %d values for a tensor of %d", len(src), n)
	}
	if n == 0 {
		return nil
	}
	defer d.enter()()
	if t.Dtype() == tensor.Float64 {
		return d.setErr(cu.MemcpyHtoD(cu.DevicePtr(t.Uintptr()), unsafe.Pointer(&src[0]), int64(8*n)), "upload")
	}
	s := make([]float32, n)
	for i, v := range src {
		s[i] = float32(v)
	}
	return d.setErr(cu.MemcpyHtoD(cu.DevicePtr(t.Uintptr()), unsafe.Pointer(&s[0]), int64(4*n)), "upload")
}

// Get downloads t as float64.
func (d *CUDA) Get(t *tensor.Dense) ([]float64, error) {
	if err := d.check("Get", t); err != nil {
		return nil, err
	}
	n := t.Shape().TotalSize()
	out := make([]float64, n)
	if n == 0 {
		return out, nil
	}
	defer d.enter()()
	if t.Dtype() == tensor.Float64 {
		return out, d.setErr(cu.MemcpyDtoH(unsafe.Pointer(&out[0]), cu.DevicePtr(t.Uintptr()), int64(8*n)), "download")
	}
	s := make([]float32, n)
	if err := d.setErr(cu.MemcpyDtoH(unsafe.Pointer(&s[0]), cu.DevicePtr(t.Uintptr()), int64(4*n)), "download"); err != nil {
		return nil, err
	}
	for i, v := range s {
		out[i] = float64(v)
	}
	return out, nil
}

// Sync waits for the queued work.
func (d *CUDA) Sync() error {
	defer d.enter()()
	d.setErr(cu.Synchronize(), "synchronize")
	if err := d.blas.Err(); err != nil {
		d.setErr(err, "cublas")
	}
	return d.err
}

// Close frees every allocation, the handle and the context.
func (d *CUDA) Close() error {
	defer d.enter()()
	for p := range d.live {
		cu.MemFree(cu.DevicePtr(p))
	}
	d.live, d.inUse = map[uintptr]int64{}, 0
	if d.chk != 0 {
		cu.MemFree(d.chk)
	}
	if d.idx != 0 {
		cu.MemFree(d.idx)
	}
	d.blas.Close()
	return d.ctx.Destroy()
}

var _ deviceKernels = (*CUDA)(nil)
