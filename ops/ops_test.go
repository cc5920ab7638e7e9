package ops

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The tests here compare every op's Do with the naive float64 references of
// naive_test.go, on bare tensors, for float64 (tolerance tol64) and float32
// (tol32; the float32 inputs are the float64 ones rounded, and the reference
// is evaluated on the rounded values). Every case also checks that the inputs
// are unchanged, that a second Do reuses and identically rewrites the output,
// and that UsePreallocDo writes into a fitting prealloc.

const (
	tol64 = 1e-12 // relative-or-absolute, float64 kernels vs naive float64
	tol32 = 1e-5  // relative-or-absolute, float32 kernels vs naive float64
)

func tolOf(dt tensor.Dtype) float64 {
	if dt == tensor.Float32 {
		return tol32
	}
	return tol64
}

var dtypes = []tensor.Dtype{tensor.Float64, tensor.Float32}

// arr is a row-major array in float64, the form the naive references use.
type arr struct {
	shape []int
	data  []float64
}

func mkArr(shape []int, data []float64) arr { return arr{shape: shape, data: data} }

func scalar(x float64) arr { return arr{shape: []int{1}, data: []float64{x}} }

// round32 rounds every element to float32, so that a float32 op and the
// float64 reference see the same inputs.
func round32(as []arr) []arr {
	out := make([]arr, len(as))
	for j, a := range as {
		d := make([]float64, len(a.data))
		for i, x := range a.data {
			d[i] = float64(float32(x))
		}
		out[j] = arr{shape: a.shape, data: d}
	}
	return out
}

// roundFor returns the arrays as a test of dtype dt sees them: rounded to
// float32 (round32) for float32, unchanged for float64.
func roundFor(dt tensor.Dtype, as []arr) []arr {
	if dt == tensor.Float32 {
		return round32(as)
	}
	return as
}

// toDense makes a tensor of dtype dt holding a.
func toDense(dt tensor.Dtype, a arr) *tensor.Dense {
	if dt == tensor.Float32 {
		d := make([]float32, len(a.data))
		for i, x := range a.data {
			d[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(a.shape...), tensor.WithBacking(d))
	}
	return tensor.New(tensor.WithShape(a.shape...), tensor.WithBacking(append([]float64(nil), a.data...)))
}

// values returns the elements of a float tensor as float64.
func values(t *tensor.Dense) []float64 {
	switch t.Dtype() {
	case tensor.Float32:
		s := t.Float32s()
		out := make([]float64, len(s))
		for i, x := range s {
			out[i] = float64(x)
		}
		return out
	default:
		return append([]float64(nil), t.Float64s()...)
	}
}

// sameBits reports whether two float tensors hold bit-identical elements.
func sameBits(a, b *tensor.Dense) bool {
	if a.Dtype() != b.Dtype() || !a.Shape().Eq(b.Shape()) {
		return false
	}
	if a.Dtype() == tensor.Float32 {
		x, y := a.Float32s(), b.Float32s()
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
				return false
			}
		}
		return true
	}
	x, y := a.Float64s(), b.Float64s()
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return false
		}
	}
	return true
}

func denseValues(ts []*tensor.Dense) []gorgonia.Value {
	vs := make([]gorgonia.Value, len(ts))
	for i, t := range ts {
		vs[i] = t
	}
	return vs
}

// checkOp runs newOp() on inputs in (as dtype dt) and checks the result
// against want, then the contract shared by every op of this package.
func checkOp(t *testing.T, dt tensor.Dtype, newOp func() gorgonia.Op, in []arr, want arr) {
	t.Helper()
	tol := tolOf(dt)
	ins := make([]*tensor.Dense, len(in))
	saved := make([]*tensor.Dense, len(in))
	for i, a := range in {
		ins[i] = toDense(dt, a)
		saved[i] = ins[i].Clone().(*tensor.Dense)
	}
	vs := denseValues(ins)
	op := newOp()
	v, err := op.Do(vs...)
	if err != nil {
		t.Fatalf("%v.Do: %v", op, err)
	}
	got, ok := v.(*tensor.Dense)
	if !ok {
		t.Fatalf("%v.Do returned %T, want *tensor.Dense", op, v)
	}
	if got.Dtype() != dt || !got.Shape().Eq(tensor.Shape(want.shape)) {
		t.Fatalf("%v.Do: result %v %v, want %v %v", op, got.Dtype(), got.Shape(), dt, want.shape)
	}
	if msg := testutil.CloseSlices(values(got), want.data, tol); msg != "" {
		t.Errorf("%v.Do (%v): %s", op, dt, msg)
	}
	for i := range ins {
		if !sameBits(ins[i], saved[i]) {
			t.Errorf("%v.Do changed input %d", op, i)
		}
	}
	first := got.Clone().(*tensor.Dense)

	// A second Do writes the same values into the same output tensor.
	v2, err := op.Do(vs...)
	if err != nil {
		t.Fatalf("%v.Do (second call): %v", op, err)
	}
	if got2, _ := v2.(*tensor.Dense); got2 != got {
		t.Errorf("%v.Do (second call) allocated a new output", op)
	} else if !sameBits(got2, first) {
		t.Errorf("%v.Do (second call) gave a different result", op)
	}

	// UsePreallocDo writes into a fitting prealloc, on a fresh op.
	pd, ok := newOp().(gorgonia.UsePreallocDoer)
	if !ok {
		t.Fatalf("%v does not implement UsePreallocDoer", op)
	}
	p := tensor.New(tensor.WithShape(want.shape...), tensor.Of(dt))
	fillNaN(p)
	pv, err := pd.UsePreallocDo(p, vs...)
	if err != nil {
		t.Fatalf("%v.UsePreallocDo: %v", op, err)
	}
	if pv.(*tensor.Dense) != p {
		t.Errorf("%v.UsePreallocDo did not use the prealloc", op)
	} else if !sameBits(p, first) {
		t.Errorf("%v.UsePreallocDo result differs from Do", op)
	}
	// A prealloc that does not fit is ignored.
	bad := tensor.New(tensor.WithShape(len(want.data)+1), tensor.Of(dt))
	bv, err := pd.UsePreallocDo(bad, vs...)
	if err != nil {
		t.Fatalf("%v.UsePreallocDo (misfit prealloc): %v", op, err)
	}
	if bv.(*tensor.Dense) == bad || !sameBits(bv.(*tensor.Dense), first) {
		t.Errorf("%v.UsePreallocDo used a prealloc of the wrong shape, or gave a different result", op)
	}
	for i := range ins {
		if !sameBits(ins[i], saved[i]) {
			t.Errorf("%v: later calls changed input %d", op, i)
		}
	}
}

func fillNaN(t *tensor.Dense) {
	if t.Dtype() == tensor.Float32 {
		for i := range t.Float32s() {
			t.Float32s()[i] = float32(math.NaN())
		}
		return
	}
	for i := range t.Float64s() {
		t.Float64s()[i] = math.NaN()
	}
}

// Random inputs.

func newRNG(a, b uint64) *rand.Rand { return rand.New(rand.NewPCG(a, b)) }

func prod(shape []int) int {
	p := 1
	for _, d := range shape {
		p *= d
	}
	return p
}

func randArr(rng *rand.Rand, shape []int, f func(*rand.Rand) float64) arr {
	d := make([]float64, prod(shape))
	for i := range d {
		d[i] = f(rng)
	}
	return arr{shape: shape, data: d}
}

func normal(sd float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return sd * r.NormFloat64() }
}

func uniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// magnet is a magnetization in (−1, 1), occasionally exactly 0.
func magnet(r *rand.Rand) float64 {
	if r.IntN(10) == 0 {
		return 0
	}
	return math.Tanh(r.NormFloat64())
}

// btopDist is a field from above: 0 (g = 0), ±Inf (hard labels) or moderate.
// Finite |Btop| stays ≤ 4, where tanh(Btop) in float64 leaves 1 − μ with full
// relative accuracy, so ops that work from μ = tanh(Btop) meet tol64.
func btopDist(r *rand.Rand) float64 {
	switch r.IntN(10) {
	case 0:
		return 0
	case 1:
		return math.Inf(1)
	case 2:
		return math.Inf(-1)
	}
	return -4 + 8*r.Float64()
}

// maskArr is a 0/1 K×N mask whose row 0 is empty (all zero) when K > 1.
func maskArr(rng *rand.Rand, K, N int) arr {
	d := make([]float64, K*N)
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			if (K == 1 || k > 0) && rng.IntN(5) != 0 {
				d[k*N+i] = 1
			}
		}
	}
	return arr{shape: []int{K, N}, data: d}
}

// Element-wise ops.

type mapCase struct {
	k     *kernel
	gen   func(rng *rand.Rand, shape []int) []arr
	naive func(in []arr) []float64
}

func arrays(fs ...func(*rand.Rand) float64) func(*rand.Rand, []int) []arr {
	return func(rng *rand.Rand, shape []int) []arr {
		out := make([]arr, len(fs))
		for i, f := range fs {
			out[i] = randArr(rng, shape, f)
		}
		return out
	}
}

func mapCases() []mapCase {
	return append(baseMapCases(), append(gaussianMapCases(), channelMapCases()...)...)
}

func baseMapCases() []mapCase {
	pos := uniform(0.05, 3)
	n2 := normal(2)
	withMask := func(fs ...func(*rand.Rand) float64) func(*rand.Rand, []int) []arr {
		return func(rng *rand.Rand, shape []int) []arr {
			out := arrays(fs...)(rng, shape)
			mask := randArr(rng, shape, func(r *rand.Rand) float64 { return float64(min(1, r.IntN(4))) })
			if len(shape) == 2 && shape[0] > 1 {
				clear(mask.data[:shape[1]]) // an empty row
			}
			return append(out, mask)
		}
	}
	return []mapCase{
		{tanhSumK, arrays(n2, n2), func(in []arr) []float64 { return naiveTanhSum(in[0].data, in[1].data) }},
		{oneMinusSquareK, arrays(magnet), func(in []arr) []float64 { return naiveOneMinusSquare(in[0].data) }},
		{squareK, arrays(n2), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 { return x[0] * x[0] }, in[0].data)
		}},
		{squarePlusK, arrays(magnet, uniform(0, 1)), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 { return x[0]*x[0] + x[1] }, in[0].data, in[1].data)
		}},
		{mulK, arrays(n2, n2), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 { return x[0] * x[1] }, in[0].data, in[1].data)
		}},
		{varianceK, arrays(pos, pos), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 { return x[0] + x[1] + 1e-8 }, in[0].data, in[1].data)
		}},
		{upFieldK, arrays(n2, pos), func(in []arr) []float64 { return naiveBup(in[0].data, in[1].data) }},
		{signChannelK, arrays(btopDist, n2, pos), func(in []arr) []float64 {
			return naiveSignChannel(in[0].data, in[1].data, in[2].data)
		}},
		{gammaK, arrays(n2, n2, pos), func(in []arr) []float64 { return naiveGamma(in[0].data, in[1].data, in[2].data) }},
		{fieldK, func(rng *rand.Rand, shape []int) []arr {
			return append(arrays(n2, n2, n2)(rng, shape), scalar(0.3))
		}, func(in []arr) []float64 { return naiveField(in[0].data, in[1].data, in[2].data, in[3].data[0]) }},
		{dampedTanhK, func(rng *rand.Rand, shape []int) []arr {
			return append(withMask(magnet, normal(3))(rng, shape), scalar(0.8))
		}, func(in []arr) []float64 { return naiveDampedTanh(in[0].data, in[1].data, in[2].data, in[3].data[0]) }},
		{dampK, func(rng *rand.Rand, shape []int) []arr {
			return append(arrays(n2, n2)(rng, shape), scalar(0.9))
		}, func(in []arr) []float64 { return naiveDamp(in[0].data, in[1].data, in[2].data[0]) }},
		{maskedTanhK, withMask(normal(3)), func(in []arr) []float64 { return naiveMaskedTanh(in[0].data, in[1].data) }},
		{binaryVarianceK, withMask(magnet), func(in []arr) []float64 { return naiveBinaryVariance(in[0].data, in[1].data) }},
		{ampOmegaK, arrays(n2, n2, n2, n2, normal(0.5)), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 {
				p1, p2, p3, p4, gold := x[0], x[1], x[2], x[3], x[4]
				return p1 - gold*p2 - gold*p3 + gold*gold*p4
			}, in[0].data, in[1].data, in[2].data, in[3].data, in[4].data)
		}},
		{ampFieldK, arrays(n2, n2, n2, n2, magnet, magnet), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 {
				q1, q2, q3, q4, a, b := x[0], x[1], x[2], x[3], x[4], x[5]
				return q1 + a*q2 - b*q3 - a*b*q4
			}, in[0].data, in[1].data, in[2].data, in[3].data, in[4].data, in[5].data)
		}},
	}
}

// mapShapes includes a vector, the 1×1 case, odd sizes, a K×N×B tensor and
// a size above the parallel grain (40200 elements) so the goroutine split runs.
var mapShapes = [][]int{{1}, {1, 1}, {5}, {7, 13}, {1, 9}, {9, 1}, {3, 4, 5}, {200, 201}}

func TestElementwiseMatchesNaive(t *testing.T) {
	eachMapCase(t, mapShapes, func(t *testing.T, c mapCase, dt tensor.Dtype, shape []int, in []arr) {
		checkOp(t, dt, func() gorgonia.Op { return &mapOp{k: c.k} }, in, mkArr(shape, c.naive(in)))
	})
}

// eachMapCase runs f as a subtest for every map case, shape of shapes and
// dtype, on the case's input for that shape (drawn from the stream of the
// case and shape indices) rounded to the dtype.
func eachMapCase(t *testing.T, shapes [][]int, f func(t *testing.T, c mapCase, dt tensor.Dtype, shape []int, in []arr)) {
	for ci, c := range mapCases() {
		for si, shape := range shapes {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("%s/%v/%v", c.k.name, shape, dt), func(t *testing.T) {
					f(t, c, dt, shape, roundFor(dt, c.gen(newRNG(uint64(ci), uint64(si)), shape)))
				})
			}
		}
	}
}

// TestSignChannelSpecialCases checks g at Btop = 0 (exactly 0), Btop = ±Inf
// (g = y·GH(−yω/s)/s, §3.4 and §5.2), and tiny and large V.
func TestSignChannelSpecialCases(t *testing.T) {
	inf := math.Inf(1)
	type tc struct{ btop, omega, v, want float64 }
	// want: the §3.4 hard-label formula evaluated with naiveGH, or 0.
	cases := []tc{
		{0, 1.5, 0.7, 0},
		{0, -3, 1e-8, 0},
		{inf, 0.3, 0.5, naiveGH(-0.3/math.Sqrt(0.5)) / math.Sqrt(0.5)},
		{-inf, 0.3, 0.5, -naiveGH(0.3/math.Sqrt(0.5)) / math.Sqrt(0.5)},
		{inf, -2, 0.25, naiveGH(4) / 0.5},
		{-inf, -2, 0.25, -naiveGH(-4) / 0.5},
		{inf, -1e-3, 1e-8, naiveGH(10) / 1e-4}, // polarised weights: V at the floor
		{1, 0.2, 1.3, naiveSignG(1, 0.2, 1.3)},
	}
	for _, dt := range dtypes {
		for i, c := range cases {
			t.Run(fmt.Sprintf("%d/%v", i, dt), func(t *testing.T) {
				in := []arr{scalar(c.btop), scalar(c.omega), scalar(c.v)}
				want := c.want
				if dt == tensor.Float32 {
					in = round32(in)
					want = naiveSignG(in[0].data[0], in[1].data[0], in[2].data[0])
				}
				checkOp(t, dt, func() gorgonia.Op { return &mapOp{k: signChannelK} }, in, scalar(want))
			})
		}
	}
}

// TestTanhSumInfinite checks tanh(±Inf) = ±1 (§3.3).
func TestTanhSumInfinite(t *testing.T) {
	inf := math.Inf(1)
	in := []arr{mkArr([]int{4}, []float64{inf, -inf, 30, -30}), mkArr([]int{4}, []float64{1, 1, 0, 0})}
	want := mkArr([]int{4}, []float64{1, -1, 1, -1})
	for _, dt := range dtypes {
		checkOp(t, dt, func() gorgonia.Op { return &mapOp{k: tanhSumK} }, in, want)
	}
}

// BPI.

type kNB struct{ K, N, B int }

func (s kNB) String() string { return fmt.Sprintf("K%d_N%d_B%d", s.K, s.N, s.B) }

// bpiSizes: degenerate dimensions, odd sizes, and 40×300×30 (7.2e5 cavity
// evaluations, far above the parallel grain).
var bpiSizes = []kNB{{1, 1, 1}, {1, 4, 3}, {5, 1, 2}, {3, 6, 1}, {7, 13, 5}, {40, 300, 30}}

// bpiInputs returns m (with an empty row when K > 1), x̂ (±1 magnetizations,
// or [0,1] pixels for a first layer), ω, V and Btop.
func bpiInputs(rng *rand.Rand, s kNB, first bool) []arr {
	m := randArr(rng, []int{s.K, s.N}, magnet)
	if s.K > 1 {
		clear(m.data[:s.N])
	}
	xd := magnet
	if first {
		xd = uniform(0, 1)
	}
	return []arr{
		m,
		randArr(rng, []int{s.N, s.B}, xd),
		randArr(rng, []int{s.K, s.B}, normal(2)),
		randArr(rng, []int{s.K, s.B}, uniform(0.1, 3)),
		randArr(rng, []int{s.K, s.B}, btopDist),
	}
}

func TestBPICavityMatchesNaive(t *testing.T) {
	for si, s := range bpiSizes {
		for _, down := range []bool{false, true} {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("%v/down=%t/%v", s, down, dt), func(t *testing.T) {
					if testing.Short() && s.K*s.N*s.B > 1e5 {
						t.Skip("large size under -short")
					}
					in := bpiInputs(newRNG(7, uint64(si)), s, !down)
					in = roundFor(dt, in)
					_, hin, bdown := naiveBPI(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data, s.K, s.N, s.B)
					want := hin
					if down {
						want = append(append([]float64(nil), hin...), bdown...)
					}
					checkOp(t, dt, func() gorgonia.Op { return &bpiOp{down: down} }, in, mkArr([]int{len(want)}, want))
				})
			}
		}
	}
}

// TestBPICavityMatchesBPCavityG checks that the fused BPI contraction equals
// the BP ops run on the BPI cavity (mcav[k,i,n] = m[k,i], x̂cav = x̂), the
// spec's statement that BPI is BP with the cavity taken only in g (§7.2).
func TestBPICavityMatchesBPCavityG(t *testing.T) {
	s := kNB{6, 11, 4}
	in := bpiInputs(newRNG(3, 4), s, false)
	mcav := naiveBroadcastKN(in[0].data, s.K, s.N, s.B)
	d := func(a arr) *tensor.Dense { return toDense(tensor.Float64, a) }
	mc := d(mkArr([]int{s.K, s.N, s.B}, mcav))
	gcav := mustDo(t, &bpOp{kind: bpCavityG}, d(in[4]), d(in[2]), d(in[3]), mc, d(in[1]))
	hin := mustDo(t, &bpOp{kind: bpHin}, gcav, d(in[1]))
	bdown := mustDo(t, &bpOp{kind: bpDownField}, mc, gcav)
	fused := mustDo(t, &bpiOp{down: true}, d(in[0]), d(in[1]), d(in[2]), d(in[3]), d(in[4]))
	want := append(values(hin), values(bdown)...)
	if msg := testutil.CloseSlices(values(fused), want, tol64); msg != "" {
		t.Errorf("BPICavity vs BP ops: %s", msg)
	}
}

// BP.

var bpSizes = []kNB{{1, 1, 1}, {2, 3, 4}, {1, 5, 2}, {4, 1, 3}, {7, 13, 5}, {20, 70, 30}}

// bpCase is one BP update: gen makes its inputs (bcast: x̂cav given as N×B),
// naive its reference output.
type bpCase struct {
	kind  bpKind
	bcast bool
	down  bool // BPCavityBackward
	gen   func(rng *rand.Rand, s kNB, bcast bool) []arr
	naive func(in []arr, s kNB) arr
}

func bpCases() []bpCase {
	knb := func(s kNB) []int { return []int{s.K, s.N, s.B} }
	kb := func(s kNB) []int { return []int{s.K, s.B} }
	nb := func(s kNB) []int { return []int{s.N, s.B} }
	kn := func(s kNB) []int { return []int{s.K, s.N} }
	xcav := func(rng *rand.Rand, s kNB, bcast bool) arr {
		if bcast {
			return randArr(rng, nb(s), magnet)
		}
		return randArr(rng, knb(s), magnet)
	}
	var cs []bpCase
	cs = append(cs, bpCase{kind: bpCavityMeans,
		gen: func(rng *rand.Rand, s kNB, _ bool) []arr {
			return []arr{randArr(rng, nb(s), normal(2)), randArr(rng, knb(s), normal(2))}
		},
		naive: func(in []arr, s kNB) arr {
			return mkArr(knb(s), naiveBPCavityMeans(in[0].data, in[1].data, s.K, s.N, s.B))
		}})
	cs = append(cs, bpCase{kind: bpCavityDown,
		gen: func(rng *rand.Rand, s kNB, _ bool) []arr {
			return []arr{randArr(rng, nb(s), normal(2)), randArr(rng, knb(s), magnet), randArr(rng, knb(s), normal(1))}
		},
		naive: func(in []arr, s kNB) arr {
			return mkArr(knb(s), naiveBPCavityDown(in[0].data, in[1].data, in[2].data, s.K, s.N, s.B))
		}})
	cs = append(cs, bpCase{kind: bpDownField,
		gen: func(rng *rand.Rand, s kNB, _ bool) []arr {
			return []arr{randArr(rng, knb(s), magnet), randArr(rng, knb(s), normal(1))}
		},
		naive: func(in []arr, s kNB) arr {
			return mkArr(nb(s), naiveBPDownField(in[0].data, in[1].data, s.K, s.N, s.B))
		}})
	for _, bcast := range []bool{false, true} {
		cs = append(cs, bpCase{kind: bpOmega, bcast: bcast,
			gen: func(rng *rand.Rand, s kNB, bcast bool) []arr {
				return []arr{randArr(rng, knb(s), magnet), xcav(rng, s, bcast)}
			},
			naive: func(in []arr, s kNB) arr {
				return mkArr(kb(s), naiveBPOmega(in[0].data, in[1].data, s.K, s.N, s.B))
			}})
		cs = append(cs, bpCase{kind: bpCavityG, bcast: bcast,
			gen: func(rng *rand.Rand, s kNB, bcast bool) []arr {
				return []arr{randArr(rng, kb(s), btopDist), randArr(rng, kb(s), normal(2)),
					randArr(rng, kb(s), uniform(0.1, 3)), randArr(rng, knb(s), magnet), xcav(rng, s, bcast)}
			},
			naive: func(in []arr, s kNB) arr {
				return mkArr(knb(s), naiveBPCavityG(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data, s.K, s.N, s.B))
			}})
		cs = append(cs, bpCase{kind: bpHin, bcast: bcast,
			gen: func(rng *rand.Rand, s kNB, bcast bool) []arr {
				return []arr{randArr(rng, knb(s), normal(1)), xcav(rng, s, bcast)}
			},
			naive: func(in []arr, s kNB) arr {
				return mkArr(kn(s), naiveBPHin(in[0].data, in[1].data, s.K, s.N, s.B))
			}})
		cs = append(cs, bpCase{kind: bpCavityMag, bcast: bcast,
			gen: func(rng *rand.Rand, s kNB, bcast bool) []arr {
				mask := maskArr(rng, s.K, s.N)
				mcav := randArr(rng, knb(s), magnet)
				for j := range mcav.data { // masked cavity magnetizations are 0 (§4.3)
					mcav.data[j] *= mask.data[j/s.B]
				}
				return []arr{mcav, randArr(rng, kn(s), normal(3)), randArr(rng, knb(s), normal(1)),
					xcav(rng, s, bcast), mask, scalar(0.8)}
			},
			naive: func(in []arr, s kNB) arr {
				return mkArr(knb(s), naiveBPCavityMag(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data,
					in[5].data[0], s.K, s.N, s.B))
			}})
	}
	return append(cs, fusedBPCases(xcav)...)
}

// fusedBPCases are the cases of BPCavityBackward (with B on K×N×B cavity
// inputs, without on N×B ones, as in a network) and BPCavityMagDown,
// against the naive updates they fuse.
func fusedBPCases(xcav func(rng *rand.Rand, s kNB, bcast bool) arr) []bpCase {
	var cs []bpCase
	for _, bcast := range []bool{false, true} {
		cs = append(cs, bpCase{kind: bpBackward, bcast: bcast, down: !bcast,
			gen: func(rng *rand.Rand, s kNB, bcast bool) []arr {
				return []arr{randArr(rng, []int{s.K, s.B}, btopDist), randArr(rng, []int{s.K, s.B}, normal(2)),
					randArr(rng, []int{s.K, s.B}, uniform(0.1, 3)), randArr(rng, []int{s.K, s.N, s.B}, magnet), xcav(rng, s, bcast)}
			},
			naive: func(in []arr, s kNB) arr {
				g := naiveBPCavityG(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data, s.K, s.N, s.B)
				out := append(g, naiveBPHin(g, in[4].data, s.K, s.N, s.B)...)
				if len(in[4].shape) == 3 {
					out = append(out, naiveBPDownField(in[3].data, g, s.K, s.N, s.B)...)
				}
				return mkArr([]int{len(out)}, out)
			}})
	}
	cs = append(cs, bpCase{kind: bpCavityMagDown,
		gen: func(rng *rand.Rand, s kNB, _ bool) []arr {
			mask := maskArr(rng, s.K, s.N)
			mcav := randArr(rng, []int{s.K, s.N, s.B}, magnet)
			for j := range mcav.data {
				mcav.data[j] *= mask.data[j/s.B]
			}
			return []arr{mcav, randArr(rng, []int{s.K, s.N}, normal(3)), randArr(rng, []int{s.K, s.N, s.B}, normal(1)),
				xcav(rng, s, false), mask, scalar(0.8), randArr(rng, []int{s.N, s.B}, normal(2))}
		},
		naive: func(in []arr, s kNB) arr {
			m := naiveBPCavityMag(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data, in[5].data[0], s.K, s.N, s.B)
			return mkArr([]int{2, s.K, s.N, s.B}, append(m, naiveBPCavityDown(in[6].data, in[0].data, in[2].data, s.K, s.N, s.B)...))
		}})
	return cs
}

func TestBPOpsMatchNaive(t *testing.T) {
	for ci, c := range bpCases() {
		for si, s := range bpSizes {
			for _, dt := range dtypes {
				name := bpNames[c.kind]
				if c.bcast {
					name += "/xcavNxB"
				}
				t.Run(fmt.Sprintf("%s/%v/%v", name, s, dt), func(t *testing.T) {
					in := c.gen(newRNG(uint64(100+ci), uint64(si)), s, c.bcast)
					in = roundFor(dt, in)
					kind, down := c.kind, c.down
					checkOp(t, dt, func() gorgonia.Op { return &bpOp{kind: kind, down: down} }, in, c.naive(in, s))
				})
			}
		}
	}
}

// ArgMax.

func TestArgMaxChannelMatchesNaive(t *testing.T) {
	for ci, C := range []int{1, 2, 3, 10} {
		for bi, B := range []int{1, 5, 128} {
			for _, dt := range dtypes {
				t.Run(fmt.Sprintf("C%d_B%d/%v", C, B, dt), func(t *testing.T) {
					rng := newRNG(uint64(200+ci), uint64(bi))
					y := make([]int, B)
					yf := make([]float64, B)
					for n := range y {
						y[n] = rng.IntN(C)
						yf[n] = float64(y[n])
					}
					in := []arr{randArr(rng, []int{C, B}, normal(2)), randArr(rng, []int{C, B}, uniform(0.1, 2)),
						mkArr([]int{1, B}, yf)}
					in = roundFor(dt, in)
					want := naiveArgMax(in[0].data, in[1].data, y, C, B)
					checkOp(t, dt, func() gorgonia.Op { return &argMaxOp{} }, in, mkArr([]int{C, B}, want))
				})
			}
		}
	}
}

// TestArgMaxChannelSumsToZero checks Σ_k g[k,n] = 0 (§7.5: g[c] = −Σ_{k≠c} g[k])
// and the signs: g[c,n] > 0, g[k,n] < 0 for k ≠ c.
func TestArgMaxChannelSumsToZero(t *testing.T) {
	C, B := 10, 64
	rng := newRNG(5, 5)
	y := make([]float64, B)
	for n := range y {
		y[n] = float64(rng.IntN(C))
	}
	omega := toDense(tensor.Float64, randArr(rng, []int{C, B}, normal(2)))
	v := toDense(tensor.Float64, randArr(rng, []int{C, B}, uniform(0.1, 2)))
	g := values(mustDo(t, &argMaxOp{}, omega, v, toDense(tensor.Float64, mkArr([]int{1, B}, y))))
	for n := 0; n < B; n++ {
		var sum, abs float64
		for k := 0; k < C; k++ {
			x := g[k*B+n]
			sum += x
			abs += math.Abs(x)
			if c := int(y[n]); (k == c) != (x > 0) {
				t.Errorf("g[%d,%d] = %v with label %d: wrong sign", k, n, x, c)
			}
		}
		if math.Abs(sum) > 1e-14*abs {
			t.Errorf("sample %d: Σ_k g = %v, want 0", n, sum)
		}
	}
}

// MatMul.

func TestMatMulMatchesNaive(t *testing.T) {
	sizes := [][3]int{{1, 1, 1}, {3, 5, 2}, {1, 9, 1}, {7, 13, 5}, {30, 17, 23}, {4, 0, 3}, {0, 3, 2}}
	for si, sz := range sizes {
		m, k, n := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, dt := range dtypes {
					t.Run(fmt.Sprintf("%dx%dx%d/tA=%t/tB=%t/%v", m, k, n, ta, tb, dt), func(t *testing.T) {
						rng := newRNG(300, uint64(si))
						as, bs := []int{m, k}, []int{k, n}
						if ta {
							as = []int{k, m}
						}
						if tb {
							bs = []int{n, k}
						}
						in := []arr{randArr(rng, as, normal(1)), randArr(rng, bs, normal(1))}
						in = roundFor(dt, in)
						c, cm, cn := naiveMatMul(in[0].data, as[0], as[1], in[1].data, bs[0], bs[1], ta, tb)
						checkOp(t, dt, func() gorgonia.Op { return &matMulOp{transA: ta, transB: tb} }, in, mkArr([]int{cm, cn}, c))
					})
				}
			}
		}
	}
}

// TestMatMulZeroInner checks that a product with inner dimension 0 is all
// zeros even when the reused output held other values.
func TestMatMulZeroInner(t *testing.T) {
	op := &matMulOp{}
	a := toDense(tensor.Float64, mkArr([]int{2, 0}, nil))
	b := toDense(tensor.Float64, mkArr([]int{0, 3}, nil))
	p := toDense(tensor.Float64, mkArr([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6}))
	out, err := op.UsePreallocDo(p, a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range values(out.(*tensor.Dense)) {
		if x != 0 {
			t.Fatalf("MatMul with k = 0 = %v, want zeros", values(out.(*tensor.Dense)))
		}
	}
}

// Section.

func TestSection(t *testing.T) {
	x := make([]float64, 23)
	for i := range x {
		x[i] = float64(i) + 0.5
	}
	cases := []struct{ off, rows, cols int }{{0, 1, 1}, {0, 23, 1}, {0, 1, 23}, {3, 4, 5}, {20, 1, 3}, {22, 1, 1}, {5, 0, 4}}
	for _, c := range cases {
		for _, dt := range dtypes {
			t.Run(fmt.Sprintf("%d_%d_%d/%v", c.off, c.rows, c.cols, dt), func(t *testing.T) {
				want := x[c.off : c.off+c.rows*c.cols]
				op := func() gorgonia.Op { return &sectionOp{off: c.off, shape: tensor.Shape{c.rows, c.cols}} }
				checkOp(t, dt, op, []arr{mkArr([]int{len(x)}, x)}, mkArr([]int{c.rows, c.cols}, want))
			})
		}
	}
	if _, err := Section(nil, -1, 2, 2); err == nil {
		t.Error("Section with a negative offset: no error")
	}
}

// Layer compositions, through the ops as the layers use them.

// TestMFAndVarianceCompositions builds V (§7.1), Bup (§5.1) and the MF
// backward fields B = mᵀg, Hin = g x̂ᵀ (§7.3) from MatMul and the element-wise
// ops, and compares them with the naive index loops.
func TestMFAndVarianceCompositions(t *testing.T) {
	for si, s := range []kNB{{1, 1, 1}, {7, 13, 5}, {30, 50, 20}} {
		for _, dt := range dtypes {
			t.Run(fmt.Sprintf("%v/%v", s, dt), func(t *testing.T) {
				rng := newRNG(400, uint64(si))
				mask := maskArr(rng, s.K, s.N)
				in := []arr{
					randArr(rng, []int{s.K, s.N}, magnet),
					randArr(rng, []int{s.N, s.B}, magnet),
					randArr(rng, []int{s.K, s.B}, btopDist),
				}
				for j := range in[0].data {
					in[0].data[j] *= mask.data[j]
				}
				in = roundFor(dt, in)
				K, N, B := s.K, s.N, s.B
				md, xd, bt := toDense(dt, in[0]), toDense(dt, in[1]), toDense(dt, in[2])
				maskD := toDense(dt, mask)
				sigma := mustDo(t, &mapOp{k: binaryVarianceK}, md, maskD)
				delta := mustDo(t, &mapOp{k: oneMinusSquareK}, xd)
				second := mustDo(t, &mapOp{k: squarePlusK}, xd, delta)
				m2 := mustDo(t, &mapOp{k: squareK}, md)
				v := mustDo(t, &mapOp{k: varianceK}, mustDo(t, &matMulOp{}, sigma, second), mustDo(t, &matMulOp{}, m2, delta))
				omega := mustDo(t, &matMulOp{}, md, xd)
				bup := mustDo(t, &mapOp{k: upFieldK}, omega, v)
				g := mustDo(t, &mapOp{k: signChannelK}, bt, omega, v)
				bdown := mustDo(t, &matMulOp{transA: true}, md, g)
				hin := mustDo(t, &matMulOp{transB: true}, g, xd)

				mv, xv := in[0].data, in[1].data
				sigmaN := naiveBinaryVariance(mv, mask.data)
				deltaN := naiveOneMinusSquare(xv)
				vN := naiveV(mv, sigmaN, xv, deltaN, K, N, B)
				omegaN, _, _ := naiveMatMul(mv, K, N, xv, N, B, false, false)
				gN := naiveSignChannel(in[2].data, omegaN, vN)
				// The products round in dtype before the next op: in float32
				// the references see the op's own V and ω for g, Bup and the
				// contractions, and in both dtypes the contractions see the
				// op's own g (the vector kernels' g may differ in its last
				// bits, which a sum with cancellation amplifies), so that
				// only each op's own error is measured.
				if dt == tensor.Float32 {
					gN = naiveSignChannel(in[2].data, values(omega), values(v))
				}
				bdownN, hinN := naiveMF(mv, values(g), xv, K, N, B)
				checkNamed(t, tolOf(dt),
					namedOut{"V", values(v), vN},
					namedOut{"ω", values(omega), omegaN},
					namedOut{"Bup", values(bup), naiveBup(values(omega), values(v))},
					namedOut{"g", values(g), gN},
					namedOut{"B", values(bdown), bdownN},
					namedOut{"Hin", values(hin), hinN})
			})
		}
	}
}

// TestAMPCompositions builds the AMP ω, B and Hin of §7.4 from MatMul, Mul
// and the AMP combine ops exactly as the doc comments of AMPOmega and
// AMPField spell them, and compares them with the index loops of the spec.
func TestAMPCompositions(t *testing.T) {
	for si, s := range []kNB{{1, 1, 1}, {7, 13, 5}, {25, 40, 16}} {
		for _, dt := range dtypes {
			t.Run(fmt.Sprintf("%v/%v", s, dt), func(t *testing.T) {
				rng := newRNG(500, uint64(si))
				K, N, B := s.K, s.N, s.B
				in := []arr{
					randArr(rng, []int{K, N}, magnet),          // m
					randArr(rng, []int{K, N}, magnet),          // mold
					randArr(rng, []int{N, B}, magnet),          // x̂
					randArr(rng, []int{N, B}, magnet),          // x̂old
					randArr(rng, []int{K, B}, normal(0.7)),     // gold
					randArr(rng, []int{K, B}, normal(0.7)),     // g
					randArr(rng, []int{K, B}, uniform(0, 0.5)), // Γ
				}
				in = roundFor(dt, in)
				st := &ampState{K: K, N: N, B: B, m: in[0].data, mold: in[1].data, xhat: in[2].data, xhatold: in[3].data,
					gold: in[4].data, g: in[5].data, gamma: in[6].data}
				st.sigma = naiveOneMinusSquare(st.m)
				st.delta = naiveOneMinusSquare(st.xhat)
				if dt == tensor.Float32 { // as the ops will round them
					st.sigma = round32([]arr{{data: st.sigma}})[0].data
					st.delta = round32([]arr{{data: st.delta}})[0].data
				}
				d := make([]*tensor.Dense, len(in))
				for i := range in {
					d[i] = toDense(dt, in[i])
				}
				m, mold, x, xold, gold, g, gam := d[0], d[1], d[2], d[3], d[4], d[5], d[6]
				mul := func(a, b *tensor.Dense) *tensor.Dense { return mustDo(t, &mapOp{k: mulK}, a, b) }
				mm := func(a, b *tensor.Dense, ta, tb bool) *tensor.Dense {
					return mustDo(t, &matMulOp{transA: ta, transB: tb}, a, b)
				}
				sigma := mustDo(t, &mapOp{k: oneMinusSquareK}, m)
				delta := mustDo(t, &mapOp{k: oneMinusSquareK}, x)

				omega := mustDo(t, &mapOp{k: ampOmegaK},
					mm(m, x, false, false), mm(sigma, mul(x, xold), false, false),
					mm(mul(m, mold), delta, false, false), mm(mul(sigma, mold), mul(xold, delta), false, false), gold)
				ggold := mul(g, gold)
				goldGam := mul(gold, gam)
				bdown := mustDo(t, &mapOp{k: ampFieldK},
					mm(m, g, true, false), mm(mul(m, m), gam, true, false), mm(sigma, ggold, true, false),
					mm(mul(sigma, m), goldGam, true, false), x, xold)
				hin := mustDo(t, &mapOp{k: ampFieldK},
					mm(g, x, false, true), mm(gam, mul(x, x), false, true), mm(ggold, delta, false, true),
					mm(goldGam, mul(delta, x), false, true), m, mold)

				tol := tolOf(dt)
				if dt == tensor.Float32 {
					tol = 1e-4 // five chained float32 roundings and sums of ≤ 40 terms
				}
				checkNamed(t, tol,
					namedOut{"ω", values(omega), naiveAMPOmega(st)},
					namedOut{"B", values(bdown), naiveAMPB(st)},
					namedOut{"Hin", values(hin), naiveAMPHin(st)})
			})
		}
	}
}

// TestFieldAndDampingUpdates runs the weight update of §7.2 (H = Hin + r·Hold
// + Hext, m = (ψ·m + (1−ψ)·tanh H)·mask, σ = (1 − m²)·mask) and the ArgMax
// variant of §7.5 (H ← ψ·H + (1−ψ)·Hnew, m = tanh(H)·mask) with empty mask rows,
// and checks that masked weights stay exactly zero.
func TestFieldAndDampingUpdates(t *testing.T) {
	K, N := 6, 9
	rng := newRNG(600, 1)
	mask := maskArr(rng, K, N)
	in := []arr{randArr(rng, []int{K, N}, normal(2)), randArr(rng, []int{K, N}, normal(1)),
		randArr(rng, []int{K, N}, normal(2)), randArr(rng, []int{K, N}, magnet)}
	for j := range in[3].data {
		in[3].data[j] *= mask.data[j]
	}
	for _, dt := range dtypes {
		for _, pr := range [][2]float64{{0, 0}, {0.8, 0.5}, {0.999, 1}} {
			psi, r := pr[0], pr[1]
			t.Run(fmt.Sprintf("%v/psi=%g/r=%g", dt, psi, r), func(t *testing.T) {
				a := in
				if dt == tensor.Float32 {
					a = round32(in)
				}
				hin, hext, hold, mv := a[0], a[1], a[2], a[3]
				do := func(op gorgonia.Op, vs ...arr) []float64 {
					t.Helper()
					ds := make([]gorgonia.Value, len(vs))
					for i, v := range vs {
						ds[i] = toDense(dt, v)
					}
					return values(mustDo(t, op, ds...))
				}
				h := do(&mapOp{k: fieldK}, hin, hext, hold, scalar(r))
				hN := naiveField(hin.data, hext.data, hold.data, float64(toF(dt, r)))
				mNew := do(&mapOp{k: dampedTanhK}, mv, mkArr([]int{K, N}, h), mask, scalar(psi))
				mN := naiveDampedTanh(mv.data, h, mask.data, float64(toF(dt, psi)))
				sig := do(&mapOp{k: binaryVarianceK}, mkArr([]int{K, N}, mNew), mask)
				hd := do(&mapOp{k: dampK}, hold, mkArr([]int{K, N}, h), scalar(psi))
				hdN := naiveDamp(hold.data, h, float64(toF(dt, psi)))
				mArg := do(&mapOp{k: maskedTanhK}, mkArr([]int{K, N}, hd), mask)
				checkNamed(t, tolOf(dt),
					namedOut{"H", h, hN},
					namedOut{"m", mNew, mN},
					namedOut{"σ", sig, naiveBinaryVariance(mNew, mask.data)},
					namedOut{"H (ArgMax damping)", hd, hdN},
					namedOut{"m (ArgMax)", mArg, naiveMaskedTanh(hd, mask.data)})
				for j, mk := range mask.data {
					if mk == 0 && (mNew[j] != 0 || sig[j] != 0 || mArg[j] != 0) {
						t.Fatalf("masked weight %d: m = %v, σ = %v, m(ArgMax) = %v, want 0", j, mNew[j], sig[j], mArg[j])
					}
				}
			})
		}
	}
}

// mustDo runs op on vs and fails the test on an error.
func mustDo(t *testing.T, op gorgonia.Op, vs ...gorgonia.Value) *tensor.Dense {
	t.Helper()
	v, err := op.Do(vs...)
	if err != nil {
		t.Fatalf("%v: %v", op, err)
	}
	return v.(*tensor.Dense)
}

// namedOut is one output of a composition and its reference.
type namedOut struct {
	name      string
	got, want []float64
}

// checkNamed compares every output with its reference to tolerance tol.
func checkNamed(t *testing.T, tol float64, outs ...namedOut) {
	t.Helper()
	for _, o := range outs {
		if msg := testutil.CloseSlices(o.got, o.want, tol); msg != "" {
			t.Errorf("%s: %s", o.name, msg)
		}
	}
}

// toF rounds a scalar parameter as the op of dtype dt sees it.
func toF(dt tensor.Dtype, x float64) float64 {
	if dt == tensor.Float32 {
		return float64(float32(x))
	}
	return x
}

// Errors.

// mustFail runs f and reports a panic or a nil error.
func mustFail(t *testing.T, what string, f func() (gorgonia.Value, error)) {
	t.Helper()
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s: panicked: %v", what, p)
				err = fmt.Errorf("panic")
			}
		}()
		_, err = f()
	}()
	if err == nil {
		t.Errorf("%s: no error", what)
	}
}

func TestOpsRejectBadInputs(t *testing.T) {
	f64d := func(shape ...int) *tensor.Dense {
		return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float64))
	}
	f32d := func(shape ...int) *tensor.Dense {
		return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	}
	intd := func(shape ...int) *tensor.Dense { return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Int)) }
	labels := func(ys ...float64) *tensor.Dense {
		return tensor.New(tensor.WithShape(1, len(ys)), tensor.WithBacking(ys))
	}
	C := 10
	om, vv := f64d(C, 3), f64d(C, 3)
	vv.Memset(1.0)
	type tc struct {
		name string
		op   gorgonia.Op
		in   []gorgonia.Value
	}
	cases := []tc{
		// ArgMax labels and shapes.
		{"ArgMax label = C", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, 10, 1)}},
		{"ArgMax label 2.5", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, 2.5, 1)}},
		{"ArgMax label -1", &argMaxOp{}, []gorgonia.Value{om, vv, labels(-1, 0, 1)}},
		{"ArgMax label NaN", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, math.NaN(), 1)}},
		{"ArgMax label +Inf", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, math.Inf(1), 1)}},
		{"ArgMax label 1e300", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, 1e300, 1)}},
		{"ArgMax labels 2×B", &argMaxOp{}, []gorgonia.Value{om, vv, f64d(2, 3)}},
		{"ArgMax labels 1×(B+1)", &argMaxOp{}, []gorgonia.Value{om, vv, labels(0, 1, 2, 3)}},
		{"ArgMax labels vector", &argMaxOp{}, []gorgonia.Value{om, vv, f64d(3)}},
		{"ArgMax V shape", &argMaxOp{}, []gorgonia.Value{om, f64d(C, 4), labels(0, 1, 2)}},
		{"ArgMax mixed dtype", &argMaxOp{}, []gorgonia.Value{om, f32d(C, 3), labels(0, 1, 2)}},
		{"ArgMax int dtype", &argMaxOp{}, []gorgonia.Value{intd(C, 3), intd(C, 3), intd(1, 3)}},
		{"ArgMax arity", &argMaxOp{}, []gorgonia.Value{om, vv}},
		{"ArgMax scalar value", &argMaxOp{}, []gorgonia.Value{om, vv, gorgonia.NewF64(1)}},
		// BPICavity.
		{"BPI x̂ rows", &bpiOp{down: true}, []gorgonia.Value{f64d(3, 4), f64d(5, 2), f64d(3, 2), f64d(3, 2), f64d(3, 2)}},
		{"BPI ω shape", &bpiOp{}, []gorgonia.Value{f64d(3, 4), f64d(4, 2), f64d(2, 3), f64d(3, 2), f64d(3, 2)}},
		{"BPI V shape", &bpiOp{}, []gorgonia.Value{f64d(3, 4), f64d(4, 2), f64d(3, 2), f64d(3, 3), f64d(3, 2)}},
		{"BPI Btop shape", &bpiOp{}, []gorgonia.Value{f64d(3, 4), f64d(4, 2), f64d(3, 2), f64d(3, 2), f64d(1, 2)}},
		{"BPI vector m", &bpiOp{}, []gorgonia.Value{f64d(12), f64d(4, 2), f64d(3, 2), f64d(3, 2), f64d(3, 2)}},
		{"BPI mixed dtype", &bpiOp{}, []gorgonia.Value{f64d(3, 4), f32d(4, 2), f64d(3, 2), f64d(3, 2), f64d(3, 2)}},
		{"BPI arity", &bpiOp{}, []gorgonia.Value{f64d(3, 4), f64d(4, 2), f64d(3, 2), f64d(3, 2)}},
		// Section.
		{"Section too short", &sectionOp{off: 2, shape: tensor.Shape{3, 3}}, []gorgonia.Value{f64d(10)}},
		{"Section matrix input", &sectionOp{shape: tensor.Shape{1, 1}}, []gorgonia.Value{f64d(2, 2)}},
		{"Section int", &sectionOp{shape: tensor.Shape{1, 1}}, []gorgonia.Value{intd(4)}},
		// MatMul.
		{"MatMul inner", &matMulOp{}, []gorgonia.Value{f64d(2, 3), f64d(4, 2)}},
		{"MatMul inner transA", &matMulOp{transA: true}, []gorgonia.Value{f64d(2, 3), f64d(3, 2)}},
		{"MatMul inner transB", &matMulOp{transB: true}, []gorgonia.Value{f64d(2, 3), f64d(3, 2)}},
		{"MatMul vector", &matMulOp{}, []gorgonia.Value{f64d(3), f64d(3, 2)}},
		{"MatMul mixed dtype", &matMulOp{}, []gorgonia.Value{f64d(2, 3), f32d(3, 2)}},
		{"MatMul arity", &matMulOp{}, []gorgonia.Value{f64d(2, 3)}},
		// Element-wise.
		{"Mul shapes", &mapOp{k: mulK}, []gorgonia.Value{f64d(2, 3), f64d(3, 2)}},
		{"Mul int", &mapOp{k: mulK}, []gorgonia.Value{intd(2, 3), intd(2, 3)}},
		{"Mul mixed dtype", &mapOp{k: mulK}, []gorgonia.Value{f64d(2, 3), f32d(2, 3)}},
		{"DampedTanh ψ of 2 elements", &mapOp{k: dampedTanhK}, []gorgonia.Value{f64d(2, 3), f64d(2, 3), f64d(2, 3), f64d(2)}},
		{"DampedTanh no ψ", &mapOp{k: dampedTanhK}, []gorgonia.Value{f64d(2, 3), f64d(2, 3), f64d(2, 3)}},
		{"DampedTanh one input", &mapOp{k: dampedTanhK}, []gorgonia.Value{f64d(2, 3)}},
		{"Mul three inputs", &mapOp{k: mulK}, []gorgonia.Value{f64d(2, 3), f64d(2, 3), f64d(2, 3)}},
		// BP.
		{"BPCavityMeans shapes", &bpOp{kind: bpCavityMeans}, []gorgonia.Value{f64d(3, 2), f64d(2, 4, 2)}},
		{"BPOmega x̂cav shape", &bpOp{kind: bpOmega}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 4)}},
		{"BPOmega matrix mcav", &bpOp{kind: bpOmega}, []gorgonia.Value{f64d(2, 3), f64d(2, 3)}},
		{"BPCavityG V shape", &bpOp{kind: bpCavityG}, []gorgonia.Value{f64d(2, 4), f64d(2, 4), f64d(4, 2), f64d(2, 3, 4), f64d(3, 4)}},
		{"BPDownField shapes", &bpOp{kind: bpDownField}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3, 5)}},
		{"BPCavityDown B shape", &bpOp{kind: bpCavityDown}, []gorgonia.Value{f64d(4, 3), f64d(2, 3, 4), f64d(2, 3, 4)}},
		{"BPHin x̂cav shape", &bpOp{kind: bpHin}, []gorgonia.Value{f64d(2, 3, 4), f64d(3, 5)}},
		{"BPCavityMag ψ of 2", &bpOp{kind: bpCavityMag}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3), f64d(2, 3, 4), f64d(3, 4), f64d(2, 3), f64d(2)}},
		{"BPCavityMag mixed dtype", &bpOp{kind: bpCavityMag}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3), f32d(2, 3, 4), f64d(3, 4), f64d(2, 3), f64d(1)}},
		{"BPCavityG arity", &bpOp{kind: bpCavityG}, []gorgonia.Value{f64d(2, 4), f64d(2, 4), f64d(2, 4)}},
		{"BPOmega arity", &bpOp{kind: bpOmega}, []gorgonia.Value{f64d(2, 3, 4)}},
		{"BPCavityMag arity", &bpOp{kind: bpCavityMag}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3), f64d(2, 3, 4), f64d(3, 4), f64d(2, 3)}},
		{"BPCavityBackward V shape", &bpOp{kind: bpBackward, down: true}, []gorgonia.Value{f64d(2, 4), f64d(2, 4), f64d(4, 2), f64d(2, 3, 4), f64d(3, 4)}},
		{"BPCavityMag short gcav", &bpOp{kind: bpCavityMag}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3), f64d(23), f64d(3, 4), f64d(2, 3), f64d(1)}},
		{"BPCavityMagDown B shape", &bpOp{kind: bpCavityMagDown}, []gorgonia.Value{f64d(2, 3, 4), f64d(2, 3), f64d(2, 3, 4), f64d(3, 4), f64d(2, 3), f64d(1), f64d(4, 3)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustFail(t, c.name+" Do", func() (gorgonia.Value, error) { return c.op.Do(c.in...) })
		})
	}
}

// TestInferShapeErrors checks the graph-time shape checks of the node
// constructors: a misfit returns an error, no panic.
func TestInferShapeErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	mat := func(name string, r, c int) *gorgonia.Node {
		return gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(r, c), gorgonia.WithName(name))
	}
	try := func(what string, f func() (*gorgonia.Node, error)) {
		t.Helper()
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("%s: panicked: %v", what, p)
			}
		}()
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", what)
		}
	}
	m, x, w := mat("m", 3, 4), mat("x", 5, 2), mat("w", 3, 2)
	try("BPICavity x̂ rows", func() (*gorgonia.Node, error) { return BPICavity(m, x, w, w, w, true) })
	try("MatMul inner", func() (*gorgonia.Node, error) { return MatMul(m, x, false, false) })
	try("ArgMaxChannel labels", func() (*gorgonia.Node, error) { return ArgMaxChannel(w, w, mat("y", 2, 2)) })
	try("Mul shapes", func() (*gorgonia.Node, error) { return Mul(m, x) })
	try("Section too long", func() (*gorgonia.Node, error) {
		v := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(5), gorgonia.WithName("v"))
		return Section(v, 2, 2, 2)
	})
	try("DampedTanh arity", func() (*gorgonia.Node, error) { return mapNode(dampedTanhK, m, m, m) })
}

// Graphs and hashes.

// TestOpsInTapeMachine runs one BPI backward step and weight update as an
// ExprGraph on a TapeMachine, twice with a Reset between, and checks that
// every output equals the same chain of bare Do calls bit for bit.
func TestOpsInTapeMachine(t *testing.T) {
	for _, dt := range dtypes {
		t.Run(dt.String(), func(t *testing.T) {
			K, N, B := 5, 7, 4
			rng := newRNG(700, 1)
			mask := maskArr(rng, K, N)
			ins := []arr{
				randArr(rng, []int{K, N}, magnet),   // m
				randArr(rng, []int{N, B}, magnet),   // x̂
				randArr(rng, []int{K, B}, btopDist), // Btop
				randArr(rng, []int{K, N}, normal(1)),
				randArr(rng, []int{K, N}, normal(1)),
				mask,
				scalar(0.8), // ψ
				scalar(0.5), // r
			}
			for j := range ins[0].data {
				ins[0].data[j] *= mask.data[j]
			}
			g := gorgonia.NewGraph()
			names := []string{"m", "xhat", "btop", "hext", "hold", "mask", "psi", "r"}
			nodes := make([]*gorgonia.Node, len(ins))
			vals := make([]*tensor.Dense, len(ins))
			for i, a := range ins {
				vals[i] = toDense(dt, a)
				nodes[i] = gorgonia.NewTensor(g, dt, len(a.shape), gorgonia.WithShape(a.shape...),
					gorgonia.WithName(names[i]), gorgonia.WithValue(vals[i].Clone().(*tensor.Dense)))
			}
			m, x, bt, hext, hold, mk, psi, r := nodes[0], nodes[1], nodes[2], nodes[3], nodes[4], nodes[5], nodes[6], nodes[7]
			must := func(n *gorgonia.Node, err error) *gorgonia.Node {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			sigma := must(BinaryVariance(m, mk))
			delta := must(OneMinusSquare(x))
			v := must(Variance(must(MatMul(sigma, must(SquarePlus(x, delta)), false, false)),
				must(MatMul(must(Square(m)), delta, false, false))))
			omega := must(MatMul(m, x, false, false))
			bup := must(UpField(omega, v))
			cav := must(BPICavity(m, x, omega, v, bt, true))
			hin := must(Section(cav, 0, K, N))
			bdown := must(Section(cav, K*N, N, B))
			h := must(Field(hin, hext, hold, r))
			mNew := must(DampedTanh(m, h, mk, psi))
			outs := []*gorgonia.Node{v, bup, bdown, h, mNew}

			// The same chain on bare tensors.
			sigmaD := mustDo(t, &mapOp{k: binaryVarianceK}, vals[0], vals[5])
			deltaD := mustDo(t, &mapOp{k: oneMinusSquareK}, vals[1])
			vD := mustDo(t, &mapOp{k: varianceK}, mustDo(t, &matMulOp{}, sigmaD, mustDo(t, &mapOp{k: squarePlusK}, vals[1], deltaD)),
				mustDo(t, &matMulOp{}, mustDo(t, &mapOp{k: squareK}, vals[0]), deltaD))
			omegaD := mustDo(t, &matMulOp{}, vals[0], vals[1])
			bupD := mustDo(t, &mapOp{k: upFieldK}, omegaD, vD)
			cavD := mustDo(t, &bpiOp{down: true}, vals[0], vals[1], omegaD, vD, vals[2])
			hinD := mustDo(t, &sectionOp{shape: tensor.Shape{K, N}}, cavD)
			bdownD := mustDo(t, &sectionOp{off: K * N, shape: tensor.Shape{N, B}}, cavD)
			hD := mustDo(t, &mapOp{k: fieldK}, hinD, vals[3], vals[4], vals[7])
			mNewD := mustDo(t, &mapOp{k: dampedTanhK}, vals[0], hD, vals[5], vals[6])
			wants := []*tensor.Dense{vD, bupD, bdownD, hD, mNewD}

			vm := gorgonia.NewTapeMachine(g)
			defer vm.Close()
			var first []*tensor.Dense
			for run := 0; run < 2; run++ {
				if err := vm.RunAll(); err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				for i, n := range outs {
					got, ok := n.Value().(*tensor.Dense)
					if !ok {
						t.Fatalf("run %d: %v has value %T", run, n, n.Value())
					}
					if !sameBits(got, wants[i]) {
						t.Errorf("run %d: %v in the graph differs from bare Do: %s", run, n.Name(),
							testutil.CloseSlices(values(got), values(wants[i]), 0))
					}
					if run == 0 {
						first = append(first, got.Clone().(*tensor.Dense))
					} else if !sameBits(got, first[i]) {
						t.Errorf("%v differs between runs", n.Name())
					}
				}
				vm.Reset()
			}
			for i, n := range nodes {
				if !sameBits(n.Value().(*tensor.Dense), vals[i]) {
					t.Errorf("input %s changed by the graph", names[i])
				}
			}
		})
	}
}

// TestHashcodesDistinguishConfigurations checks that ops differing in a
// field have distinct Hashcodes and Strings, and that the graph keeps them
// as distinct nodes.
func TestHashcodesDistinguishConfigurations(t *testing.T) {
	groups := map[string][]gorgonia.Op{
		"BPICavity": {&bpiOp{down: true}, &bpiOp{down: false}},
		"MatMul": {&matMulOp{}, &matMulOp{transA: true}, &matMulOp{transB: true},
			&matMulOp{transA: true, transB: true}},
		"Section": {&sectionOp{off: 0, shape: tensor.Shape{2, 3}}, &sectionOp{off: 1, shape: tensor.Shape{2, 3}},
			&sectionOp{off: 0, shape: tensor.Shape{3, 2}}},
		"BP": {&bpOp{kind: bpCavityMeans}, &bpOp{kind: bpOmega}, &bpOp{kind: bpCavityG}, &bpOp{kind: bpDownField},
			&bpOp{kind: bpCavityDown}, &bpOp{kind: bpHin}, &bpOp{kind: bpCavityMag}},
	}
	var maps []gorgonia.Op
	for _, c := range mapCases() {
		maps = append(maps, &mapOp{k: c.k})
	}
	groups["elementwise"] = maps
	for name, ops := range groups {
		seen := map[uint32]string{}
		for _, op := range ops {
			h := op.Hashcode()
			if prev, ok := seen[h]; ok {
				t.Errorf("%s: %v and %v share Hashcode %#x", name, prev, op, h)
			}
			seen[h] = op.(fmt.Stringer).String()
			wh := fnv.New32a()
			op.WriteHash(wh)
			if wh.Sum32() != h {
				t.Errorf("%v: WriteHash and Hashcode disagree", op)
			}
		}
	}
	if a, b := (&bpiOp{down: true}).Hashcode(), (&bpiOp{down: true}).Hashcode(); a != b {
		t.Errorf("equal BPICavity configurations hash differently: %#x, %#x", a, b)
	}

	g := gorgonia.NewGraph()
	mat := func(name string, r, c int) *gorgonia.Node {
		return gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(r, c), gorgonia.WithName(name))
	}
	m, x, w, v, bt := mat("m", 3, 4), mat("x", 4, 2), mat("w", 3, 2), mat("v", 3, 2), mat("bt", 3, 2)
	d, err := BPICavity(m, x, w, v, bt, true)
	if err != nil {
		t.Fatal(err)
	}
	u, err := BPICavity(m, x, w, v, bt, false)
	if err != nil {
		t.Fatal(err)
	}
	if d == u || d.ID() == u.ID() {
		t.Errorf("BPICavity down=true and down=false gave one node")
	}
	if !d.Shape().Eq(tensor.Shape{3*4 + 4*2}) || !u.Shape().Eq(tensor.Shape{3 * 4}) {
		t.Errorf("BPICavity shapes %v, %v, want (20) and (12)", d.Shape(), u.Shape())
	}
	sq := mat("sq", 3, 3)
	ids := map[int64]bool{}
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			n, err := MatMul(sq, sq, ta, tb)
			if err != nil {
				t.Fatal(err)
			}
			ids[n.ID()] = true
		}
	}
	if len(ids) != 4 {
		t.Errorf("four MatMul transpose configurations gave %d nodes", len(ids))
	}
	for _, c := range []struct {
		op     gorgonia.Op
		fields []string
	}{
		{&bpiOp{down: true}, []string{"down=true"}},
		{&matMulOp{transA: true}, []string{"transA=true", "transB=false"}},
		{&sectionOp{off: 3, shape: tensor.Shape{1, 2}}, []string{"off=3", "shape=(1, 2)"}},
	} {
		for _, f := range c.fields {
			if s := c.op.String(); !strings.Contains(s, f) {
				t.Errorf("String %q does not print %s", s, f)
			}
		}
	}
}

// TestCavityGLargeFiniteBtop checks the cavity output functions of BPICavity
// and BPCavityG against §3.4 in exact arithmetic (naiveSignG, which forms
// 1 − μ = 2q/(1+q), q = e^{−2|Btop|}, without cancellation) for large finite
// fields from above, where 1 − μ is far below the ulp of μ = tanh(Btop) and
// |u| is large enough that μf ≪ 1 − μ. SignChannel (SignG) meets tol64
// there; an op that rounds μ = tanh(Btop) first loses the relative accuracy of
// 1 − μ (and takes the hard-label branch μ = 1 once tanh rounds to 1, at
// |Btop| ≳ 19.1).
func TestCavityGLargeFiniteBtop(t *testing.T) {
	btops := []float64{6, -8, 10, -15, 20, -30}
	us := []float64{-2, 0, 3, 6, 9, 12}
	for _, bt := range btops {
		for _, u := range us {
			omega := -u * math.Copysign(1, bt) // s = 1, sign(Btop)·u = u
			want := naiveSignG(bt, omega, 1)
			in := []arr{mkArr([]int{1, 1}, []float64{bt}), mkArr([]int{1, 1}, []float64{omega}),
				mkArr([]int{1, 1}, []float64{1})}
			d := func(a arr) *tensor.Dense { return toDense(tensor.Float64, a) }
			sc := mustDo(t, &mapOp{k: signChannelK}, d(in[0]), d(in[1]), d(in[2]))
			// BPI with one input and m = 0: Hin = g·x̂ with x̂ = 1.
			bpi := mustDo(t, &bpiOp{}, d(scalarMat(0)), d(scalarMat(1)), d(in[1]), d(in[2]), d(in[0]))
			bpg := mustDo(t, &bpOp{kind: bpCavityG}, d(in[0]), d(in[1]), d(in[2]),
				d(mkArr([]int{1, 1, 1}, []float64{0})), d(scalarMat(1)))
			for _, c := range []struct {
				name string
				got  float64
			}{
				{"SignChannel", values(sc)[0]},
				{"BPICavity", values(bpi)[0]},
				{"BPCavityG", values(bpg)[0]},
			} {
				if !closeRel(c.got, want, tol64) {
					t.Errorf("%s: g(Btop=%v, ω=%v, V=1) = %v, want %v (rel err %.3g)", c.name, bt, omega, c.got, want,
						math.Abs(c.got-want)/math.Abs(want))
				}
			}
		}
	}
}

func scalarMat(x float64) arr { return mkArr([]int{1, 1}, []float64{x}) }

// closeRel is a purely relative comparison, for values far below 1.
func closeRel(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}
