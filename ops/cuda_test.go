//go:build fbpcuda

package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The tests of this file run on a GPU (build tag fbpcuda, see the Makefile's
// gpu-check): every op's device half against its CPU half, on the inputs of
// the CPU tests plus sizes that are not multiples of the block sizes, batch
// 1, K = 1 and masks with empty rows. The CPU halves are checked against
// the naive references of naive_test.go by ops_test.go.

// GPU tolerances, relative-or-absolute against the CPU op: float64 kernels
// use CUDA's double math library, float32 ones compute in float (the CPU's
// float32 ops compute in float64 and round).
const (
	gpuTol64 = 1e-11
	gpuTol32 = 5e-5
)

var (
	testDevOnce sync.Once
	testDev     Device
	testDevErr  error
)

func gpu(t testing.TB) Device {
	testDevOnce.Do(func() { testDev, testDevErr = OpenCUDA() })
	if testDevErr != nil {
		t.Fatal(testDevErr)
	}
	return testDev
}

// upload returns a device copy of the host tensor h.
func upload(t testing.TB, d Device, h *tensor.Dense) *tensor.Dense {
	u, err := d.New(h.Dtype(), h.Shape()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Set(u, values(h)); err != nil {
		t.Fatal(err)
	}
	return u
}

// closeTo reports the first index where got and want differ by more than
// tol (relative, or absolute below 1), or −1.
func closeTo(got, want []float64, tol float64) int {
	for i := range want {
		g, w := got[i], want[i]
		if g == w || (math.IsNaN(g) && math.IsNaN(w)) {
			continue
		}
		if math.Abs(g-w) > tol*math.Max(1, math.Abs(w)) {
			return i
		}
	}
	return -1
}

// checkGPU runs a fresh op from newOp on the CPU and on the GPU with the
// same inputs and compares the outputs; it runs the GPU op twice to check
// that a second run rewrites its output identically.
func checkGPU(t *testing.T, dt tensor.Dtype, newOp func() gorgonia.Op, in []arr) {
	checkGPUTol(t, dt, newOp, in, 1)
}

// checkGPUTol is checkGPU with the tolerances multiplied by scale.
func checkGPUTol(t *testing.T, dt tensor.Dtype, newOp func() gorgonia.Op, in []arr, scale float64) {
	t.Helper()
	d := gpu(t)
	host := make([]*tensor.Dense, len(in))
	dev := make([]gorgonia.Value, len(in))
	for i, a := range in {
		host[i] = toDense(dt, a)
		dev[i] = upload(t, d, host[i])
	}
	want := mustDo(t, newOp(), denseValues(host)...)
	op := newOp()
	for run := 0; run < 2; run++ {
		o := mustDo(t, op, dev...)
		if DeviceOf(o) != d {
			t.Fatalf("output is not on the device")
		}
		if !o.Shape().Eq(want.Shape()) {
			t.Fatalf("shape %v, want %v", o.Shape(), want.Shape())
		}
		got, err := d.Get(o)
		if err != nil {
			t.Fatal(err)
		}
		w := values(want)
		tol := gpuTol64
		if dt == tensor.Float32 {
			tol = gpuTol32
		}
		tol *= scale
		if i := closeTo(got, w, tol); i >= 0 {
			t.Fatalf("run %d: element %d of %d: GPU %v, CPU %v", run, i, len(w), got[i], w[i])
		}
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestGPUElementwise(t *testing.T) {
	shapes := append(mapShapes, []int{257}, []int{501, 129})
	eachMapCase(t, shapes, func(t *testing.T, c mapCase, dt tensor.Dtype, _ []int, in []arr) {
		checkGPU(t, dt, func() gorgonia.Op { return &mapOp{k: c.k} }, in)
	})
}

// TestGPUFocusField: the focusing field (§10.3), plain and with the prior,
// including saturated fields and couplings.
func TestGPUFocusField(t *testing.T) {
	for ki, k := range []*kernel{focusFieldK, focusFieldPriorK} {
		for pi, p := range [][2]float64{{0.5, 3}, {2, 1.5}, {30, 5}, {0, 2}, {0.7, 1}} {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("%s/gamma=%v/y=%v/%v", k.name, p[0], p[1], dt), func(t *testing.T) {
					rng := newRNG(uint64(950+ki), uint64(pi))
					in := []arr{randArr(rng, []int{37, 129}, normal(8)), randArr(rng, []int{37, 129}, normal(3)), scalar(p[0]), scalar(p[1])}
					in[0].data[0], in[0].data[1] = 40, -40 // saturated
					in = roundFor(dt, in)
					checkGPU(t, dt, func() gorgonia.Op { return &mapOp{k: k} }, in)
				})
			}
		}
	}
}

// TestGPUContinuousAndChannels: the Gaussian-weight updates (§4.2, §7.6)
// and the ReLU and identity channels (§5.4, §5.5).
func TestGPUContinuousAndChannels(t *testing.T) {
	pos, n2 := uniform(0.1, 3), normal(2)
	withP := func(fs ...func(*rand.Rand) float64) func(*rand.Rand, []int) []arr {
		return func(rng *rand.Rand, shape []int) []arr { return append(arrays(fs...)(rng, shape), scalar(0.6)) }
	}
	cases := []struct {
		k   *kernel
		gen func(*rand.Rand, []int) []arr
	}{
		{finiteGammaK, arrays(n2, n2, pos)},
		{precisionK, withP(pos, pos, pos, pos)},
		{dampedGaussianMeanK, withP(n2, n2, pos, uniform(0, 1))},
		{gaussianVarianceK, arrays(pos, uniform(0, 1))},
		{reluMeanK, arrays(n2, pos, n2, pos)},
		{reluVarianceK, arrays(n2, pos, n2, pos)},
		{reluChannelK, arrays(n2, pos, n2, pos)},
		{reluGammaK, arrays(n2, pos, n2, pos)},
		{identityMeanK, arrays(n2, pos, n2, pos)},
		{identityVarianceK, arrays(n2, pos, n2, pos)},
		{identityChannelK, arrays(n2, pos, n2, pos)},
		{identityGammaK, arrays(n2, pos, n2, pos)},
	}
	for ci, c := range cases {
		for _, dt := range dtypes {
			t.Run(fmt.Sprintf("%s/%v", c.k.name, dt), func(t *testing.T) {
				in := c.gen(newRNG(uint64(980+ci), 1), []int{41, 129})
				in = roundFor(dt, in)
				checkGPU(t, dt, func() gorgonia.Op { return &mapOp{k: c.k} }, in)
			})
		}
	}
}

func TestGPUBPICavity(t *testing.T) {
	sizes := append(bpiSizes, kNB{1, 33, 129}, kNB{501, 784, 128}, kNB{10, 501, 257}, kNB{37, 5, 300})
	for si, s := range sizes {
		for _, down := range []bool{false, true} {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("%v/down=%t/%v", s, down, dt), func(t *testing.T) {
					in := bpiInputs(newRNG(uint64(300+si), 1), s, !down)
					in = roundFor(dt, in)
					checkGPU(t, dt, func() gorgonia.Op { return &bpiOp{down: down} }, in)
				})
			}
		}
	}
}

func TestGPUArgMaxChannel(t *testing.T) {
	for ci, C := range []int{1, 2, 3, 10} {
		for bi, B := range []int{1, 5, 128, 257} {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("C%d_B%d/%v", C, B, dt), func(t *testing.T) {
					rng := newRNG(uint64(400+ci), uint64(bi))
					yf := make([]float64, B)
					for n := range yf {
						yf[n] = float64(rng.IntN(C))
					}
					in := []arr{randArr(rng, []int{C, B}, normal(2)), randArr(rng, []int{C, B}, uniform(0.1, 2)), mkArr([]int{1, B}, yf)}
					in = roundFor(dt, in)
					checkGPU(t, dt, func() gorgonia.Op { return &argMaxOp{} }, in)
				})
			}
		}
	}
}

func TestGPUMatMul(t *testing.T) {
	for ci, c := range []struct{ m, k, n int }{{1, 1, 1}, {3, 5, 7}, {1, 9, 4}, {33, 1, 17}, {501, 784, 128}, {10, 501, 129}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, dt := range dtypes {
					t.Run(fmt.Sprintf("%dx%dx%d/ta=%t/tb=%t/%v", c.m, c.k, c.n, ta, tb, dt), func(t *testing.T) {
						rng := newRNG(uint64(500+ci), 3)
						as, bs := []int{c.m, c.k}, []int{c.k, c.n}
						if ta {
							as = []int{c.k, c.m}
						}
						if tb {
							bs = []int{c.n, c.k}
						}
						in := []arr{randArr(rng, as, normal(1)), randArr(rng, bs, normal(1))}
						in = roundFor(dt, in)
						// Sums of k products with cancellation: the rounding
						// error grows with k (both sides accumulate in dt).
						checkGPUTol(t, dt, func() gorgonia.Op { return &matMulOp{transA: ta, transB: tb} }, in, math.Max(1, float64(c.k)/10))
					})
				}
			}
		}
	}
}

func TestGPUSection(t *testing.T) {
	for _, dt := range dtypes {
		in := []arr{randArr(newRNG(600, 1), []int{1000}, normal(1))}
		checkGPU(t, dt, func() gorgonia.Op { return &sectionOp{off: 137, shape: tensor.Shape{11, 31}} }, in)
	}
}

func TestGPUDeviceHelpers(t *testing.T) {
	d := gpu(t)
	for _, dt := range dtypes {
		rng := newRNG(700, 1)
		a := randArr(rng, []int{1000, 3}, normal(1))
		b := randArr(rng, []int{1000, 3}, normal(1))
		ta, tb := upload(t, d, toDense(dt, a)), upload(t, d, toDense(dt, b))
		var want float64
		for i := range a.data {
			want += math.Abs(toF(dt, a.data[i]) - toF(dt, b.data[i]))
		}
		want /= float64(len(a.data))
		diffs, bad, err := d.Check([][2]*tensor.Dense{{ta, tb}}, []*tensor.Dense{ta})
		if err != nil || math.Abs(diffs[0]-want) > 1e-12*want {
			t.Fatalf("%v: Check mean |a − b| = %v, %v; want %v", dt, diffs, err, want)
		}
		if bad[0] != -1 {
			t.Fatalf("%v: Check: first non-finite of finite data = %d", dt, bad[0])
		}
		v := append([]float64(nil), a.data...)
		v[2001], v[17] = math.Inf(-1), math.NaN()
		if err := d.Set(ta, v); err != nil {
			t.Fatal(err)
		}
		diffs, bad, err = d.Check([][2]*tensor.Dense{{ta, tb}}, []*tensor.Dense{tb, ta})
		if err != nil || len(diffs) != 1 || len(bad) != 2 || bad[0] != -1 || bad[1] != 17 || !(math.IsNaN(diffs[0]) || math.IsInf(diffs[0], 0)) {
			t.Fatalf("%v: Check = %v, %v, %v; want [NaN], [-1 17]", dt, diffs, bad, err)
		}
		if err := d.Axpby(tb, 2, ta, 0); err != nil {
			t.Fatal(err)
		}
		got2, _ := d.Get(tb)
		if got2[5] != toF(dt, 2*toF(dt, v[5])) {
			t.Fatalf("%v: Axpby: %v, want %v", dt, got2[5], 2*v[5])
		}
		if err := d.Fill(tb, 0.25); err != nil {
			t.Fatal(err)
		}
		got3, _ := d.Get(tb)
		if got3[2999] != 0.25 {
			t.Fatalf("%v: Fill: %v", dt, got3[2999])
		}
		d.Release(ta)
		d.Release(tb)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
}

// TestGPURejectsMixedInputs: host and device inputs in one op are an error.
func TestGPURejectsMixedInputs(t *testing.T) {
	d := gpu(t)
	h := toDense(tensor.Float32, randArr(newRNG(800, 1), []int{4, 4}, normal(1)))
	if _, err := (&mapOp{k: mulK}).Do(h, upload(t, d, h)); err == nil {
		t.Fatal("no error for mixed host and device inputs")
	}
}

// BenchmarkGPUOps times single ops at the sizes of W1's first layer
// (K = 501, N = 784, B = 128, float32), launched back to back with one
// synchronisation at the end: the per-op cost on the GPU or of the launch,
// whichever is larger.
func BenchmarkGPUOps(b *testing.B) {
	d := gpu(b)
	const K, N, B = 501, 784, 128
	rng := newRNG(900, 1)
	dev := func(shape []int, f func(*rand.Rand) float64) *tensor.Dense {
		return upload(b, d, toDense(tensor.Float32, randArr(rng, shape, f)))
	}
	m, x := dev([]int{K, N}, magnet), dev([]int{N, B}, magnet)
	omega, v, btop := dev([]int{K, B}, normal(2)), dev([]int{K, B}, uniform(0.1, 3)), dev([]int{K, B}, btopDist)
	g := dev([]int{K, B}, normal(1))
	kn, kn2, kn3 := dev([]int{K, N}, normal(1)), dev([]int{K, N}, normal(1)), dev([]int{K, N}, normal(1))
	psi := dev([]int{1}, uniform(0.5, 0.6))
	cases := []struct {
		name string
		op   gorgonia.Op
		in   []gorgonia.Value
	}{
		{"MatMul_mx", &matMulOp{}, []gorgonia.Value{m, x}},
		{"MatMul_mTg", &matMulOp{transA: true}, []gorgonia.Value{m, g}},
		{"MatMul_gxT", &matMulOp{transB: true}, []gorgonia.Value{g, x}},
		{"BPICavity_down", &bpiOp{down: true}, []gorgonia.Value{m, x, omega, v, btop}},
		{"BPICavity_first", &bpiOp{}, []gorgonia.Value{m, x, omega, v, btop}},
		{"SignChannel_KB", &mapOp{k: signChannelK}, []gorgonia.Value{btop, omega, v}},
		{"DampedTanh_KN", &mapOp{k: dampedTanhK}, []gorgonia.Value{kn, kn2, kn3, psi}},
		{"Square_KN", &mapOp{k: squareK}, []gorgonia.Value{kn}},
		{"Section_KN", &sectionOp{off: 0, shape: tensor.Shape{K, N}}, []gorgonia.Value{dev([]int{K * N}, normal(1))}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if _, err := c.op.Do(c.in...); err != nil {
				b.Fatal(err)
			}
			d.Sync()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.op.Do(c.in...)
			}
			if err := d.Sync(); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.Run("Copy_KN", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d.Copy(kn2, kn)
		}
		d.Sync()
	})
	b.Run("Check_3layers", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d.Check([][2]*tensor.Dense{{kn, kn2}, {kn, kn2}, {g, omega}}, []*tensor.Dense{kn, kn2, kn3, kn, kn2, kn3, g, g, g})
		}
	})
}
