//go:build fbpcuda

package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// GPU tests (build tag fbpcuda): whole sweeps on the GPU against the same
// sweeps on the CPU, and the GPU benchmarks of the workload W1.

var (
	gpuOnce sync.Once
	gpuDev  ops.Device
	gpuErr  error
)

func gpu(t testing.TB) ops.Device {
	gpuOnce.Do(func() { gpuDev, gpuErr = ops.OpenCUDA() })
	if gpuErr != nil {
		t.Fatal(gpuErr)
	}
	return gpuDev
}

// twinNets returns two identical initialised networks, the second on the GPU.
func twinNets(t testing.TB, cfg Config, seed uint64) (cpu, dev *Network) {
	mk := func() *Network {
		return initNet(t, cfg, rand.New(rand.NewPCG(seed, 1)))
	}
	cpu, dev = mk(), mk()
	if err := dev.To(gpu(t)); err != nil {
		t.Fatal(err)
	}
	return cpu, dev
}

// randomBatch returns B samples of N0 features and labels for the network's output.
func randomBatch(rng *rand.Rand, cfg Config, B int) ([]float64, []int) {
	x := make([]float64, B*cfg.Widths[0])
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]int, B)
	C := cfg.Classes()
	for n := range y {
		if cfg.Kinds[len(cfg.Kinds)-1] == ArgMax {
			y[n] = rng.IntN(C)
		} else {
			y[n] = 2*rng.IntN(2) - 1
		}
	}
	return x, y
}

func maxDiff(a, b []float64) (float64, int) {
	var d float64
	at := -1
	for i := range a {
		if e := math.Abs(a[i] - b[i]); e > d || e != e {
			d, at = e, i
		}
	}
	return d, at
}

// TestGPUSweepMatchesCPU runs the same mini-batches through a CPU and a GPU
// network (PasP prior steps between them) and compares the weight state.
func TestGPUSweepMatchesCPU(t *testing.T) {
	type tc struct {
		widths []int
		kinds  []Kind
		mask   float64
	}
	var cases []tc
	for _, k := range []Kind{MF, AMP, BPI, CBPI} {
		cases = append(cases,
			tc{[]int{30, 17, 9, 3}, Kinds(k, 3, 3), 1},
			tc{[]int{41, 33, 1}, Kinds(k, 2, 1), 0.7},
			tc{[]int{5, 1, 1}, Kinds(k, 2, 1), 1},
		)
	}
	for ci, c := range cases {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			for _, B := range []int{1, 7, 129} {
				name := fmt.Sprintf("%v/%v/d=%v/B%d/%v", c.kinds, c.widths, c.mask, B, dt)
				t.Run(name, func(t *testing.T) {
					cfg := Config{Widths: c.widths, Kinds: c.kinds, Dtype: dt, Density: []float64{c.mask}, DenseStorage: true}
					cpu, dev := twinNets(t, cfg, uint64(ci))
					rng := rand.New(rand.NewPCG(uint64(B), 9))
					L := len(c.kinds)
					psi, r, rho := make([]float64, L), make([]float64, L), make([]float64, L)
					for l := range psi {
						psi[l], r[l], rho[l] = 0.5, 0.1, 1
					}
					for batch := 0; batch < 3; batch++ {
						x, y := randomBatch(rng, cfg, B)
						for _, net := range []*Network{cpu, dev} {
							if err := net.SetPrior(rho, 0); err != nil {
								t.Fatal(err)
							}
							if err := net.SetBatch(x, y); err != nil {
								t.Fatal(err)
							}
						}
						for it := 0; it < 2; it++ {
							c1, err1 := cpu.Iterate(psi, r)
							c2, err2 := dev.Iterate(psi, r)
							if err1 != nil || err2 != nil {
								t.Fatal(err1, err2)
							}
							if math.Abs(c1-c2) > 1e-3*math.Max(c1, 1e-3) {
								t.Errorf("batch %d iteration %d: change CPU %v, GPU %v", batch, it, c1, c2)
							}
						}
					}
					tol := 1e-9
					if dt == tensor.Float32 {
						tol = 1e-4
					}
					for l := 0; l < L; l++ {
						if d, i := maxDiff(cpu.M(l), dev.M(l)); d > tol {
							t.Errorf("layer %d: max |m_cpu − m_gpu| = %v at %d", l, d, i)
						}
						if d, i := maxDiff(cpu.Mask(l), dev.Mask(l)); d != 0 {
							t.Errorf("layer %d: masks differ at %d", l, i)
						}
					}
					x, _ := randomBatch(rng, cfg, 50)
					p1, p2 := make([]int, 50), make([]int, 50)
					cpu.PredictBayes(p1, x)
					if err := dev.PredictBayes(p2, x); err != nil {
						t.Fatal(err)
					}
					diff := 0
					for n := range p1 {
						if p1[n] != p2[n] {
							diff++
						}
					}
					if diff > 1 {
						t.Errorf("%d of 50 Bayesian predictions differ", diff)
					}
				})
			}
		}
	}
}

// TestGPUToRejects: layers without device kernels are refused by To.
func TestGPUToRejects(t *testing.T) {
	for _, cfg := range []Config{
		{Widths: []int{10, 5, 1}, Kinds: Kinds(BP, 2, 1)},
		{Widths: []int{10, 5, 1}, Kinds: Kinds(MF, 2, 1), Density: []float64{0.5}},
	} {
		net, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if err := net.To(gpu(t)); err == nil {
			t.Errorf("%v density %v: To(gpu) accepted", cfg.Kinds, cfg.Density)
		}
	}
}

// TestGPUToAndBack: state survives a round trip host → GPU → host exactly.
func TestGPUToAndBack(t *testing.T) {
	cfg := Config{Widths: []int{20, 7, 3}, Kinds: Kinds(BPI, 2, 3)}
	cpu, dev := twinNets(t, cfg, 3)
	if err := dev.To(nil); err != nil {
		t.Fatal(err)
	}
	for l := 0; l < 2; l++ {
		if d, _ := maxDiff(cpu.H(l), dev.H(l)); d != 0 {
			t.Fatalf("layer %d: H changed by a round trip: %v", l, d)
		}
	}
}

// w1 is the workload: 784-501-501-10 (ArgMax), float32.
func w1(k Kind, hidden int) Config {
	return Config{Widths: []int{784, hidden, hidden, 10}, Kinds: Kinds(k, 3, 10), Dtype: tensor.Float32}
}

// BenchmarkSweepCUDA times one sweep of W1 on the GPU at batch 32, 128 and
// 512 and hidden widths 101, 501 and 1001, next to the floor (the three
// cuBLAS products per layer), and reports the peak device memory.
func BenchmarkSweepCUDA(b *testing.B) {
	d := gpu(b)
	for _, hidden := range []int{101, 501, 1001} {
		for _, B := range []int{32, 128, 512} {
			b.Run(fmt.Sprintf("floor/h=%d/B=%d", hidden, B), func(b *testing.B) { benchFloorCUDA(b, d, hidden, B) })
			for _, k := range []Kind{MF, AMP, BPI} {
				b.Run(fmt.Sprintf("%v/h=%d/B=%d", k, hidden, B), func(b *testing.B) {
					cfg := w1(k, hidden)
					_, net := twinNets(b, cfg, 1)
					x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), cfg, B)
					if err := net.SetBatch(x, y); err != nil {
						b.Fatal(err)
					}
					benchSweeps(b, net, []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}, nil)
					_, peak := d.Memory()
					b.ReportMetric(float64(peak)/(1<<20), "peakMiB")
					net.To(nil)
				})
			}
		}
	}
}

// benchFloorCUDA times the three plain products per layer (ω = m x̂,
// B = mᵀg, Hin = g x̂ᵀ) with the sweep's MatMul op on the GPU.
func benchFloorCUDA(b *testing.B, d ops.Device, hidden, B int) {
	widths := []int{784, hidden, hidden, 10}
	g := gorgonia.NewGraph()
	ps := floorProducts(b, g, widths, B, tensor.Float32, func(r, c int) *tensor.Dense {
		t, _ := d.New(tensor.Float32, r, c)
		return t
	})
	run := func() {
		runFloor(b, ps)
		if err := d.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	run()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.StopTimer()
	ops.ReleaseGraph(g)
}

// TestGPUSweepTiming logs the per-sweep times of W1 (B = 128) for the three
// kinds next to the floor, measured here in one process; -v shows them.
func TestGPUSweepTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	d := gpu(t)
	const B, reps = 128, 200
	for _, k := range []Kind{MF, AMP, BPI} {
		cfg := w1(k, 501)
		_, net := twinNets(t, cfg, 1)
		x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), cfg, B)
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
		net.Iterate(psi, r)
		start := time.Now()
		for i := 0; i < reps; i++ {
			if _, err := net.Iterate(psi, r); err != nil {
				t.Fatal(err)
			}
		}
		per := time.Since(start) / reps
		t.Logf("W1 sweep %v: %v per sweep, %.3f s per 468 sweeps", k, per, per.Seconds()*468)
		net.To(nil)
	}
	_ = d
}

// TestGPUSweepAllocatesNoDeviceMemory: after the first sweep of a batch
// size, further batches and sweeps allocate no device memory.
func TestGPUSweepAllocatesNoDeviceMemory(t *testing.T) {
	d := gpu(t)
	for _, k := range []Kind{MF, AMP, BPI} {
		cfg := w1(k, 101)
		_, net := twinNets(t, cfg, 5)
		rng := rand.New(rand.NewPCG(6, 6))
		psi, r, rho := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}, []float64{1, 1, 0.9}
		step := func() {
			x, y := randomBatch(rng, cfg, 64)
			if err := net.SetPrior(rho, 0); err != nil {
				t.Fatal(err)
			}
			if err := net.SetBatch(x, y); err != nil {
				t.Fatal(err)
			}
			if _, err := net.Iterate(psi, r); err != nil {
				t.Fatal(err)
			}
		}
		step()
		before, _ := d.Memory()
		for i := 0; i < 5; i++ {
			step()
		}
		if after, _ := d.Memory(); after != before {
			t.Errorf("%v: device memory in use grew from %d to %d bytes over 5 batches", k, before, after)
		}
		if err := net.To(nil); err != nil {
			t.Fatal(err)
		}
	}
}
