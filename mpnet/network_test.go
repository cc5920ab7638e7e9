package mpnet

import (
	"bytes"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// problem returns a random problem of B samples for a network with the
// given widths: Gaussian inputs and random labels.
func problem(rng *rand.Rand, widths []int, B int) (x []float64, y []int) {
	x = make([]float64, B*widths[0])
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y = make([]int, B)
	out := widths[len(widths)-1]
	for n := range y {
		if out == 1 {
			y[n] = 2*rng.IntN(2) - 1
		} else {
			y[n] = rng.IntN(out)
		}
	}
	return x, y
}

// initNet returns the network of cfg built by New and initialised by
// Init(1, rng) from rng, which the caller may go on drawing from; an error
// fails tb.
func initNet(tb testing.TB, cfg Config, rng *rand.Rand) *Network {
	tb.Helper()
	net, err := New(cfg, rng)
	if err != nil {
		tb.Fatal(err)
	}
	if err := net.Init(1, rng); err != nil {
		tb.Fatal(err)
	}
	return net
}

// sweepAllocs returns the bytes and the allocations per sweep of net (ψ =
// 0.8, r = 0 on three layers), averaged over 5 sweeps after a warm-up.
func sweepAllocs(t *testing.T, net *Network) (bytes, allocs float64) {
	t.Helper()
	psi, r := []float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}
	// No collection from the warm-up to the end of the measured sweeps: a GC
	// empties the sync.Pools of reusable buffers (gemm's packing workspaces,
	// the vector kernels' scratch), and refilling them after it is not the
	// sweep allocating.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	net.Iterate(psi, r) // warm-up
	var before, after runtime.MemStats
	const runs = 5
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		if _, err := net.Iterate(psi, r); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / runs, float64(after.Mallocs-before.Mallocs) / runs
}

// train runs steps PasP steps of kind k from a seeded start and returns the
// network.
func trainSteps(t *testing.T, cfg Config, seed uint64, steps, tau int, rho, psi []float64) *Network {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	net := initNet(t, cfg, rng)
	data := rand.New(rand.NewPCG(seed, 2))
	r := make([]float64, len(psi))
	for s := 0; s < steps; s++ {
		x, y := problem(data, cfg.Widths, 9)
		if err := net.SetPrior(rho, 0); err != nil {
			t.Fatal(err)
		}
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		for it := 0; it < tau; it++ {
			if _, err := net.Iterate(psi, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	return net
}

func maxAbsDiff(a, b []float64) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// TestBPEqualsBPIOneStep checks ALGORITHMS §17 item 4: at τmax = 1, BP and BPI
// give the same magnetizations after PasP steps (the reset makes mcav = m,
// Bcav = 0, x̂cav = x̂).
func TestBPEqualsBPIOneStep(t *testing.T) {
	for _, out := range []int{1, 4} {
		widths := []int{11, 7, 5, out}
		rho, psi := []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8}
		bpi := trainSteps(t, Config{Widths: widths, Kinds: Kinds(BPI, 3, max(out, 2))}, 3, 4, 1, rho, psi)
		bp := trainSteps(t, Config{Widths: widths, Kinds: Kinds(BP, 3, max(out, 2))}, 3, 4, 1, rho, psi)
		for l := 0; l < 3; l++ {
			if d := maxAbsDiff(bpi.M(l), bp.M(l)); d > 1e-12 {
				t.Errorf("out=%d layer %d: max |m_BPI − m_BP| = %g, want ≤ 1e-12", out, l, d)
			}
			if d := maxAbsDiff(bpi.H(l), bp.H(l)); d > 1e-10 {
				t.Errorf("out=%d layer %d: max |H_BPI − H_BP| = %g, want ≤ 1e-10", out, l, d)
			}
		}
	}
}

// TestBPDiffersFromBPIWithIterations checks that the stored cavities matter
// at τmax > 1 (else the BP layer would be BPI under another name).
func TestBPDiffersFromBPIWithIterations(t *testing.T) {
	widths := []int{11, 7, 5, 1}
	rho, psi := []float64{1, 1, 0.9}, []float64{0.5, 0.5, 0.5}
	bpi := trainSteps(t, Config{Widths: widths, Kinds: Kinds(BPI, 3, 2)}, 3, 2, 3, rho, psi)
	bp := trainSteps(t, Config{Widths: widths, Kinds: Kinds(BP, 3, 2)}, 3, 2, 3, rho, psi)
	if d := maxAbsDiff(bpi.M(1), bp.M(1)); d < 1e-6 {
		t.Errorf("τmax = 3: BP and BPI agree to %g; the cavity state has no effect", d)
	}
}

// TestPasPAccumulatesHext checks ALGORITHMS §17 item 6: with ρ = 1, ψ = 0,
// τmax = 1, Hext after mini-batch t is ϵinit·Z + Σ_{t'<t} Hin^{t'}, i.e. H
// after each step is the previous H plus that step's Hin: H − Hext = Hin.
func TestPasPAccumulatesHext(t *testing.T) {
	for _, k := range []Kind{BPI, MF, AMP} {
		cfg := Config{Widths: []int{6, 4, 1}, Kinds: Kinds(k, 2, 2)}
		rng := rand.New(rand.NewPCG(5, 1))
		net := initNet(t, cfg, rng)
		h0 := net.H(0)
		data := rand.New(rand.NewPCG(5, 2))
		sumHin := make([]float64, len(h0))
		for s := 0; s < 3; s++ {
			x, y := problem(data, cfg.Widths, 5)
			net.SetPrior([]float64{1, 1}, 0)
			if err := net.SetBatch(x, y); err != nil {
				t.Fatal(err)
			}
			hext := net.Hext(0)
			for i := range hext {
				if want := h0[i] + sumHin[i]; math.Abs(hext[i]-want) > 1e-12*(1+math.Abs(want)) {
					t.Fatalf("%v step %d: Hext[%d] = %v, want ϵZ + ΣHin = %v", k, s, i, hext[i], want)
				}
			}
			if _, err := net.Iterate([]float64{0, 0}, []float64{0, 0}); err != nil {
				t.Fatal(err)
			}
			h := net.H(0)
			for i := range h {
				sumHin[i] += h[i] - hext[i]
			}
		}
	}
}

// TestMaskedWeightsStayZero checks ALGORITHMS §17 item 8 for every kind.
func TestMaskedWeightsStayZero(t *testing.T) {
	for _, k := range []Kind{BPI, BP, MF, AMP} {
		for _, out := range []int{1, 3} {
			cfg := Config{Widths: []int{9, 6, 5, out}, Kinds: Kinds(k, 3, max(out, 2)), Density: []float64{0.5}}
			net := trainSteps(t, cfg, 7, 3, 2, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
			empty := 0
			for l := 0; l < 3; l++ {
				m, mask := net.M(l), net.Mask(l)
				for i := range m {
					if mask[i] == 0 {
						empty++
						if m[i] != 0 {
							t.Fatalf("%v layer %d: masked weight %d has m = %v", k, l, i, m[i])
						}
					}
				}
			}
			if empty == 0 {
				t.Fatalf("%v: density 0.5 masked nothing", k)
			}
		}
	}
}

// TestDeterministic checks that a seed gives a bit-identical run.
func TestDeterministic(t *testing.T) {
	for _, k := range []Kind{BPI, AMP} {
		cfg := Config{Widths: []int{20, 9, 3}, Kinds: Kinds(k, 2, 3)}
		a := trainSteps(t, cfg, 11, 3, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
		b := trainSteps(t, cfg, 11, 3, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
		for l := 0; l < 2; l++ {
			ma, mb := a.M(l), b.M(l)
			for i := range ma {
				if ma[i] != mb[i] {
					t.Fatalf("%v: runs with one seed differ at layer %d weight %d", k, l, i)
				}
			}
		}
	}
}

// TestSweepAllocatesNoTensors checks that a warmed-up sweep allocates no
// tensor memory: what remains is the bookkeeping of Gorgonia's TapeMachine
// (its goroutine, channels and per-instruction input slices) and of the
// goroutine split and of gonum's parallel GEMM, tens of kilobytes per sweep,
// whatever the sizes. The bound is an eighth of one 400×600 weight tensor.
func TestSweepAllocatesNoTensors(t *testing.T) {
	for _, k := range []Kind{BPI, BP, MF, AMP} {
		cfg := Config{Widths: []int{600, 400, 400, 10}, Kinds: Kinds(k, 3, 10)}
		rng := rand.New(rand.NewPCG(1, 1))
		net := initNet(t, cfg, rng)
		x, y := problem(rng, cfg.Widths, 32)
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		perSweep, allocs := sweepAllocs(t, net)
		bound := float64(400*600*8) / 8
		t.Logf("%v: %.0f bytes, %.0f allocations per sweep", k, perSweep, allocs)
		if perSweep > bound {
			t.Errorf("%v: a warmed-up sweep allocates %.0f bytes, more than the bound %.0f", k, perSweep, bound)
		}
	}
}

// TestFloat32MatchesFloat64 runs the same problem in both precisions: after
// a few steps the magnetizations agree to 1e-4 (ALGORITHMS §17 item 9).
func TestFloat32MatchesFloat64(t *testing.T) {
	for _, k := range []Kind{BPI, BP, MF, AMP} {
		for _, out := range []int{1, 4} {
			widths := []int{30, 12, 8, out}
			c64 := Config{Widths: widths, Kinds: Kinds(k, 3, max(out, 2))}
			c32 := c64
			c32.Dtype = tensor.Float32
			rho, psi := []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8}
			a := trainSteps(t, c64, 9, 3, 1, rho, psi)
			b := trainSteps(t, c32, 9, 3, 1, rho, psi)
			for l := 0; l < 3; l++ {
				if d := maxAbsDiff(a.M(l), b.M(l)); d > 1e-4 {
					t.Errorf("%v out=%d layer %d: max |m64 − m32| = %g, want ≤ 1e-4", k, out, l, d)
				}
			}
		}
	}
}

// TestSaveLoadRoundTrip checks that a saved network reads back identically,
// the variances σ it recomputes included, and that corruption is refused.
func TestSaveLoadRoundTrip(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		cfg := Config{Widths: []int{10, 6, 3}, Kinds: Kinds(AMP, 2, 3), Density: []float64{0.7, 1}, Dtype: dt}
		net := trainSteps(t, cfg, 4, 2, 1, []float64{1, 0.9}, []float64{0.8, 0.8})
		var buf bytes.Buffer
		if _, err := net.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNetwork(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got.Dtype() != dt || got.Kind(0) != AMP || got.Kind(1) != ArgMax {
			t.Fatalf("read back dtype %v kinds %v %v", got.Dtype(), got.Kind(0), got.Kind(1))
		}
		for l := 0; l < 2; l++ {
			// σ is not stored: it is recomputed from m on reading, in the
			// network's float type, and must come back bit for bit too.
			sigma := func(n *Network) []float64 { return n.field(l, func(ly *layer) *tensor.Dense { return ly.sigma }) }
			for _, pair := range [][2][]float64{{net.M(l), got.M(l)}, {net.H(l), got.H(l)}, {net.Hext(l), got.Hext(l)}, {net.Mask(l), got.Mask(l)}, {sigma(net), sigma(got)}} {
				for i := range pair[0] {
					if pair[0][i] != pair[1][i] {
						t.Fatalf("%v layer %d: element %d differs after a round trip", dt, l, i)
					}
				}
			}
		}
		b := buf.Bytes()
		for _, cut := range []int{0, 5, 20, len(b) / 2, len(b) - 1} {
			if _, err := ReadNetwork(bytes.NewReader(b[:cut])); err == nil {
				t.Errorf("truncated at %d of %d bytes: accepted", cut, len(b))
			}
		}
		flip := append([]byte(nil), b...)
		flip[len(flip)-10] ^= 1
		if _, err := ReadNetwork(bytes.NewReader(flip)); err == nil {
			t.Error("flipped bit accepted")
		}
	}
}

// TestAMPIsMFPlusSelfReaction checks ALGORITHMS §17 item 5 on a one-layer
// network at τmax = 1, where the Onsager terms vanish (gold = 0): the AMP
// field differs from the MF field exactly by the self-reaction term
//
//	H_AMP[k,i] − H_MF[k,i] = m[k,i]·Σ_n Γ[k,n]·x[i,n]²,  Γ = g(ω/V + g).
func TestAMPIsMFPlusSelfReaction(t *testing.T) {
	const N, B = 13, 7
	nets := map[Kind]*Network{}
	var m0 []float64
	rng := rand.New(rand.NewPCG(8, 8))
	x, y := problem(rng, []int{N, 1}, B)
	for _, k := range []Kind{MF, AMP} {
		r := rand.New(rand.NewPCG(1, 1))
		net, err := New(Config{Widths: []int{N, 1}, Kinds: []Kind{k}}, r)
		if err != nil {
			t.Fatal(err)
		}
		net.Init(1, r)
		m0 = net.M(0)
		net.SetPrior([]float64{1}, 0)
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		if _, err := net.Iterate([]float64{0}, []float64{0}); err != nil {
			t.Fatal(err)
		}
		nets[k] = net
	}
	hMF, hAMP := nets[MF].H(0), nets[AMP].H(0)
	for n := 0; n < B; n++ {
		var omega, v float64
		for i := 0; i < N; i++ {
			xi := x[n*N+i]
			omega += m0[i] * xi
			v += (1 - m0[i]*m0[i]) * xi * xi
		}
		v += ops.VarianceFloor
		g := ops.SignG(math.Inf(y[n]), omega, math.Sqrt(v))
		gamma := g * (omega/v + g)
		for i := 0; i < N; i++ {
			hMF[i] += m0[i] * gamma * x[n*N+i] * x[n*N+i]
		}
	}
	for i := range hAMP {
		if math.Abs(hAMP[i]-hMF[i]) > 1e-12*(1+math.Abs(hMF[i])) {
			t.Errorf("H_AMP[%d] = %v, H_MF + self-reaction = %v", i, hAMP[i], hMF[i])
		}
	}
}

// TestSetBatchResidentMatchesSetBatch: a batch gathered from an uploaded
// data set gives the same sweep as the same batch passed to SetBatch, and
// bad indices are errors.
func TestSetBatchResidentMatchesSetBatch(t *testing.T) {
	cfg := Config{Widths: []int{12, 7, 3}, Kinds: Kinds(BPI, 2, 3)}
	rng := rand.New(rand.NewPCG(4, 4))
	M := 20
	x, y := problem(rng, cfg.Widths, M)
	idx := []int{3, 19, 0, 7, 7}
	var ms [2][]float64
	for run := range ms {
		net, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		net.Init(1, rand.New(rand.NewPCG(2, 2)))
		if run == 0 {
			bx, by := make([]float64, 0, len(idx)*12), make([]int, 0, len(idx))
			for _, i := range idx {
				bx, by = append(bx, x[i*12:(i+1)*12]...), append(by, y[i])
			}
			err = net.SetBatch(bx, by)
		} else {
			r, uerr := net.Upload(x, y)
			if uerr != nil {
				t.Fatal(uerr)
			}
			if net.SetBatchResident(r, []int{0, 20}) == nil || net.SetBatchResident(r, []int{-1}) == nil || net.SetBatchResident(r, nil) == nil {
				t.Fatal("bad indices accepted")
			}
			err = net.SetBatchResident(r, idx)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := net.Iterate([]float64{0.5, 0.5}, []float64{0, 0}); err != nil {
			t.Fatal(err)
		}
		ms[run] = net.M(0)
	}
	for i := range ms[0] {
		if ms[0][i] != ms[1][i] {
			t.Fatalf("m[%d]: SetBatch %v, SetBatchResident %v", i, ms[0][i], ms[1][i])
		}
	}
	net, _ := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if _, err := net.Upload(x, append([]int(nil), append(y[:M-1:M-1], 3)...)); err == nil {
		t.Fatal("label 3 of a 3-class network accepted")
	}
	bad := append([]float64(nil), x...)
	bad[5] = math.NaN()
	if _, err := net.Upload(bad, y); err == nil {
		t.Fatal("NaN input accepted")
	}
}
