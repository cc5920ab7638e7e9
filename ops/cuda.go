//go:build fbpcuda

package ops

import (
	_ "embed"
	"math"
	"runtime"
	"slices"
	"unsafe"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gorgonia.org/cu"
	cublas "gorgonia.org/cu/blas"
	"gorgonia.org/tensor"
)

// fbpPTX holds the kernels of kernels/fbp.cu, compiled by `make ptx`.
//
//go:embed kernels/fbp.ptx
var fbpPTX string

// HasCUDA reports whether the binary was built with the CUDA backend.
const HasCUDA = true

// CUDA is an NVIDIA GPU driven through gorgonia.org/cu: a Device whose
// tensors live in GPU memory, with the kernels of kernels/fbp.cu and cuBLAS
// for the matrix products. All work goes to the default stream, in order.
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
	acc    cu.DevicePtr // 16 bytes of scratch for reductions
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
	return d.launch2D(name, dt, gx, gy, bx, args...)
}

// launch2D is launch; the name says that gy matters.
func (d *CUDA) launch2D(name string, dt tensor.Dtype, gx, gy, bx int, args ...arg) error {
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

func (d *CUDA) check(t *tensor.Dense, what string) error {
	if DeviceOf(t) != Device(d) {
		return errors.Errorf("ops: cuda: %s: tensor is not on this device", what)
	}
	return d.err
}

// Set uploads src into t, converting to t's dtype.
func (d *CUDA) Set(t *tensor.Dense, src []float64) error {
	if err := d.check(t, "Set"); err != nil {
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
	if err := d.check(t, "Get"); err != nil {
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

// Copy copies src into dst on the device.
func (d *CUDA) Copy(dst, src *tensor.Dense) error {
	if err := d.check(dst, "Copy"); err != nil {
		return err
	}
	if err := d.check(src, "Copy"); err != nil {
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
	return d.launch("Copy", dst.Dtype(), blocks(n, 256), 1, 256, intArg(n), ptrArg(dst), ptrArg(src))
}

// Fill sets every element of t to v.
func (d *CUDA) Fill(t *tensor.Dense, v float64) error {
	if err := d.check(t, "Fill"); err != nil {
		return err
	}
	n := t.Shape().TotalSize()
	defer d.enter()()
	val := f64Arg(v)
	if t.Dtype() == tensor.Float32 {
		val = f32Arg(float32(v))
	}
	return d.launch("Fill", t.Dtype(), blocks(n, 256), 1, 256, intArg(n), ptrArg(t), val)
}

// Axpby sets dst = a·x + b·dst.
func (d *CUDA) Axpby(dst *tensor.Dense, a float64, x *tensor.Dense, b float64) error {
	if err := d.check(dst, "Axpby"); err != nil {
		return err
	}
	if err := d.check(x, "Axpby"); err != nil {
		return err
	}
	n := dst.Shape().TotalSize()
	defer d.enter()()
	return d.launch("Axpby", dst.Dtype(), blocks(n, 256), 1, 256, intArg(n), ptrArg(dst), f64Arg(a), ptrArg(x), f64Arg(b))
}

// checkBlocks is the number of blocks per job of the Check kernel.
const checkBlocks = 64

// Check computes mean |a − b| per pair and the first non-finite index per
// tensor with one kernel launch (kernels/fbp.cu, Check) and one download of
// the per-block partial results, which are combined here. The job list is
// kept on the device while the tensors stay the same.
func (d *CUDA) Check(pairs [][2]*tensor.Dense, finite []*tensor.Dense) ([]float64, []int, error) {
	type job struct{ a, b, n, kind uint64 }
	var jobs []job
	var dt tensor.Dtype
	add := func(a, b *tensor.Dense, kind uint64) error {
		if err := d.check(a, "Check"); err != nil {
			return err
		}
		if err := d.check(b, "Check"); err != nil {
			return err
		}
		if len(jobs) == 0 {
			dt = a.Dtype()
		} else if a.Dtype() != dt || b.Dtype() != dt {
			return errors.New("ops: cuda: Check: tensors of two dtypes")
		}
		jobs = append(jobs, job{uint64(a.Uintptr()), uint64(b.Uintptr()), uint64(a.Shape().TotalSize()), kind})
		return nil
	}
	for _, p := range pairs {
		if err := add(p[0], p[1], 0); err != nil {
			return nil, nil, err
		}
	}
	for _, t := range finite {
		if err := add(t, t, 1); err != nil {
			return nil, nil, err
		}
	}
	J := len(jobs)
	if J == 0 {
		return nil, nil, nil
	}
	defer d.enter()()
	jobBytes := int64(J * 32)
	partBytes := int64(J * checkBlocks * 8)
	key := make([]uint64, 0, 4*J)
	for _, j := range jobs {
		key = append(key, j.a, j.b, j.n, j.kind)
	}
	if !slices.Equal(key, d.chkKey) {
		if jobBytes+partBytes > d.chkN {
			if d.chk != 0 {
				cu.MemFree(d.chk)
			}
			p, err := cu.MemAlloc(jobBytes + partBytes)
			if err != nil {
				return nil, nil, d.setErr(err, "check scratch")
			}
			d.chk, d.chkN = p, jobBytes+partBytes
		}
		if err := d.setErr(cu.MemcpyHtoD(d.chk, unsafe.Pointer(&key[0]), jobBytes), "upload"); err != nil {
			return nil, nil, err
		}
		d.chkKey = key
	}
	part := d.chk + cu.DevicePtr(jobBytes)
	if err := d.launch2D("Check", dt, checkBlocks, J, 256, devArg(d.chk), devArg(part)); err != nil {
		return nil, nil, err
	}
	buf := make([]float64, J*checkBlocks)
	if err := d.setErr(cu.MemcpyDtoH(unsafe.Pointer(&buf[0]), part, partBytes), "download"); err != nil {
		return nil, nil, err
	}
	diffs, bad := make([]float64, len(pairs)), make([]int, len(finite))
	for j := range jobs {
		ps := buf[j*checkBlocks : (j+1)*checkBlocks]
		if j < len(pairs) {
			var sum float64
			for _, v := range ps {
				sum += v
			}
			if n := jobs[j].n; n > 0 {
				sum /= float64(n)
			}
			diffs[j] = sum
			continue
		}
		first := slices.Min(ps)
		bad[j-len(pairs)] = -1
		if first < float64(jobs[j].n) {
			bad[j-len(pairs)] = int(first)
		}
	}
	return diffs, bad, nil
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

// ---- op kernels ----

// mapKernel runs the element-wise kernel k over dst.
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
	return d.launch(k.name, dst.Dtype(), blocks(n, 256), 1, 256, args...)
}

// devSlice32 and devSlice64 view device memory as Go slices for cu/blas,
// which passes &s[0] to cuBLAS; they must never be read from Go.
func devSlice32(t *tensor.Dense) []float32 {
	p := t.Uintptr()
	return unsafe.Slice(*(**float32)(unsafe.Pointer(&p)), t.Shape().TotalSize())
}

func devSlice64(t *tensor.Dense) []float64 {
	p := t.Uintptr()
	return unsafe.Slice(*(**float64)(unsafe.Pointer(&p)), t.Shape().TotalSize())
}

// matMul sets the row-major c (m×n) = op(a)·op(b) with cuBLAS, which is
// column-major: it computes cᵀ = op(b)ᵀ·op(a)ᵀ, swapping the operands.
func (d *CUDA) matMul(c, a, b *tensor.Dense, transA, transB bool, m, n, k int) error {
	if m == 0 || n == 0 {
		return d.err
	}
	if k == 0 {
		return d.Fill(c, 0)
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	lda, ldb := a.Shape()[1], b.Shape()[1]
	defer d.enter()()
	if d.err != nil {
		return d.err
	}
	if c.Dtype() == tensor.Float64 {
		d.blas.Dgemm(tb, ta, n, m, k, 1, devSlice64(b), ldb, devSlice64(a), lda, 0, devSlice64(c), n)
	} else {
		d.blas.Sgemm(tb, ta, n, m, k, 1, devSlice32(b), ldb, devSlice32(a), lda, 0, devSlice32(c), n)
	}
	return d.setErr(d.blas.Err(), "gemm")
}

// bpiIPW is the number of inputs i per warp of the BPI kernel (BPI_IPW).
const bpiIPW = 4

// bpiSlices is the number of slices of the units k in the BPI kernel: enough
// warps (⌈N/4⌉·S) to fill the GPU, at least 16 units per warp.
func bpiSlices(K, N int) int {
	s := blocks(8192, blocks(N, bpiIPW))
	return max(min(s, blocks(K, 16)), 1)
}

// bpiCavity runs BPIPrep, BPICavity and (for the downward field) BPIReduce.
func (d *CUDA) bpiCavity(o *bpiOp, dst, m, xhat, omega, v, btop *tensor.Dense, K, N, B int) error {
	if o.p != nil {
		return errors.Errorf("ops: %v: sparse layers are not supported on the GPU (use dense storage)", o)
	}
	dt := dst.Dtype()
	S := bpiSlices(K, N)
	kPer := blocks(K, S)
	S = blocks(K, kPer)
	if o.dprep == nil || o.dprep.Dtype() != dt || o.dprep.Shape().TotalSize() != 5*K*B {
		d.Release(o.dprep)
		var err error
		if o.dprep, err = d.New(dt, 5*K*B); err != nil {
			return err
		}
	}
	part := nilArg()
	if o.down {
		if o.dpart == nil || o.dpart.Dtype() != dt || o.dpart.Shape().TotalSize() != S*N*B {
			d.Release(o.dpart)
			var err error
			if o.dpart, err = d.New(dt, S*N*B); err != nil {
				return err
			}
		}
		part = ptrArg(o.dpart)
	}
	if K*N*B == 0 {
		return d.Fill(dst, 0)
	}
	defer d.enter()()
	if err := d.launch("BPIPrep", dt, blocks(K*B, 256), 1, 256, intArg(K*B), ptrArg(o.dprep), ptrArg(omega), ptrArg(v), ptrArg(btop)); err != nil {
		return err
	}
	const warps = 4
	if err := d.launch2D("BPICavity", dt, blocks(N, bpiIPW), blocks(S, warps), 32*warps,
		intArg(K), intArg(N), intArg(B), intArg(kPer), intArg(S), ptrArg(dst), part, ptrArg(m), ptrArg(xhat), ptrArg(o.dprep)); err != nil {
		return err
	}
	if !o.down {
		return nil
	}
	bdown := arg(uint64(dst.Uintptr()) + uint64(K*N)*uint64(dt.Size()))
	return d.launch("BPIReduce", dt, blocks(N*B, 256), 1, 256, intArg(N*B), intArg(S), bdown, ptrArg(o.dpart))
}

// argMax runs the ArgMax output function, one thread per sample.
func (d *CUDA) argMax(g, omega, v, y *tensor.Dense, C, B int) error {
	defer d.enter()()
	return d.launch("ArgMaxG", g.Dtype(), blocks(B, 128), 1, 128, intArg(C), intArg(B), ptrArg(g), ptrArg(omega), ptrArg(v), ptrArg(y))
}

// section copies src[off : off+len(dst)] into dst.
func (d *CUDA) section(dst, src *tensor.Dense, off int) error {
	n := dst.Shape().TotalSize()
	if n == 0 {
		return d.err
	}
	defer d.enter()()
	from := arg(uint64(src.Uintptr()) + uint64(off)*uint64(src.Dtype().Size()))
	return d.launch("Copy", dst.Dtype(), blocks(n, 256), 1, 256, intArg(n), ptrArg(dst), from)
}

// Gather builds the transposed mini-batch x̂ (N0×B) and its labels (1×B)
// from a data set on the device: one upload of the B indices, one kernel.
func (d *CUDA) Gather(xhat, lab, data, labels *tensor.Dense, idx []int32) error {
	for _, t := range []*tensor.Dense{xhat, lab, data, labels} {
		if err := d.check(t, "Gather"); err != nil {
			return err
		}
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
	if int64(4*B) > d.idxN {
		if d.idx != 0 {
			cu.MemFree(d.idx)
		}
		p, err := cu.MemAlloc(int64(4 * B))
		if err != nil {
			return d.setErr(err, "gather indices")
		}
		d.idx, d.idxN = p, int64(4*B)
	}
	if err := d.setErr(cu.MemcpyHtoD(d.idx, unsafe.Pointer(&idx[0]), int64(4*B)), "upload"); err != nil {
		return err
	}
	return d.launch("Gather", xhat.Dtype(), blocks(max(N0*B, B), 256), 1, 256, intArg(N0), intArg(B), ptrArg(xhat), ptrArg(lab), ptrArg(data), ptrArg(labels), devArg(d.idx))
}

var _ deviceKernels = (*CUDA)(nil)
