package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/fbpgo/fbp/internal/isa"
)

// levels returns the kernel levels this CPU runs; every one is tested.
func levels() []isa.Level {
	var ls []isa.Level
	for l := range isa.NumLevels {
		if isa.Supported(l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// useLevel makes l the active level for the rest of the test.
func useLevel(t testing.TB, l isa.Level) {
	old := active
	active = l
	t.Cleanup(func() { active = old })
}

// useWorkers caps the goroutines per product for the rest of the test.
func useWorkers(t testing.TB, w int) {
	old := maxWorkers
	maxWorkers = w
	t.Cleanup(func() { maxWorkers = old })
}

// gemmCase is one call: shapes, transposes, scalars and the extra leading
// dimension padding of A, B and C.
type gemmCase struct {
	tA, tB      blas.Transpose
	m, n, k     int
	alpha, beta float64
	pad         int
}

func (c gemmCase) String() string {
	return fmt.Sprintf("%c%c/m=%d,n=%d,k=%d/α=%g,β=%g/pad=%d", c.tA, c.tB, c.m, c.n, c.k, c.alpha, c.beta, c.pad)
}

var (
	transposes = [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans},
		{blas.NoTrans, blas.Trans}, {blas.ConjTrans, blas.Trans}}
	scalars = [][2]float64{{1, 0}, {1, 1}, {2.5, 0}, {-0.5, 1}, {0.75, -1.5}, {0, 0.5}, {0, 1}, {1, 2}, {0, 0}}
)

// smallCases crosses the sizes 1, 3, 17, 33 and 129 in m, n and k with the
// four transpose pairs, cycling through the scalars and paddings.
func smallCases() []gemmCase {
	sizes := []int{1, 3, 17, 33, 129}
	var cs []gemmCase
	for _, m := range sizes {
		for _, n := range sizes {
			for _, k := range sizes {
				for _, tr := range transposes {
					i := len(cs)
					s := scalars[i%len(scalars)]
					cs = append(cs, gemmCase{tr[0], tr[1], m, n, k, s[0], s[1], i % 3 * 5})
				}
			}
		}
	}
	return cs
}

// largeCases are the layer shapes of a 784-501-501-10 network at batch 128
// and sizes that cross the cache blocks (k > kc, m > mc).
func largeCases() []gemmCase {
	shapes := [][3]int{{501, 128, 784}, {784, 128, 501}, {501, 784, 128}, {10, 128, 501},
		{501, 128, 10}, {100, 1000, 100}, {1000, 31, 300}, {2, 501, 600},
		// The narrow kernels: the output layer of a prediction, whole tiles of
		// 16 and 8 columns.
		{1024, 10, 501}, {45, 16, 300}, {37, 8, 70}, {1030, 16, 20}}
	var cs []gemmCase
	for i, s := range shapes {
		tr := transposes[i%len(transposes)]
		sc := scalars[i%5]
		cs = append(cs, gemmCase{tr[0], tr[1], s[0], s[1], s[2], sc[0], sc[1], i % 2 * 3})
	}
	// A few rows of C from a transposed B, computed as Cᵀ = B·Aᵀ.
	return append(cs, gemmCase{blas.NoTrans, blas.Trans, 10, 501, 128, 1, 0, 0},
		gemmCase{blas.NoTrans, blas.ConjTrans, 12, 300, 70, -1, 0.5, 2})
}

// operands holds the inputs of one case and a C with NaN guard cells.
type operands[T float] struct {
	a, b, c       []T
	lda, ldb, ldc int
	full          [3][]T // a, b and c with their leading guard rows
}

func newOperands[T float](gc gemmCase, rng *rand.Rand) operands[T] {
	ra, ca := gc.m, gc.k
	if gc.tA != blas.NoTrans {
		ra, ca = gc.k, gc.m
	}
	rb, cb := gc.k, gc.n
	if gc.tB != blas.NoTrans {
		rb, cb = gc.n, gc.k
	}
	o := operands[T]{lda: ca + gc.pad, ldb: cb + gc.pad + 1, ldc: gc.n + gc.pad + 2}
	o.full = [3][]T{randMatrix[T](ra, ca, o.lda, rng), randMatrix[T](rb, cb, o.ldb, rng),
		randMatrix[T](gc.m, gc.n, o.ldc, rng)}
	o.a, o.b, o.c = o.full[0][o.lda:], o.full[1][o.ldb:], o.full[2][o.ldc:]
	if gc.beta == 0 { // C must not be read
		for i := range gc.m {
			for j := range gc.n {
				o.c[i*o.ldc+j] = T(math.NaN())
			}
		}
	}
	return o
}

// randMatrix returns an r×c matrix with stride ld, uniform in [-1, 1), after
// a guard row and with NaN in every cell outside it, up to a final guard row.
func randMatrix[T float](r, c, ld int, rng *rand.Rand) []T {
	s := make([]T, (r+2)*ld)
	for i := range s {
		s[i] = T(math.NaN())
	}
	for i := range r {
		for j := range c {
			s[(i+1)*ld+j] = T(2*rng.Float64() - 1)
		}
	}
	return s
}

// reference computes the exact-ish product in float64 with a triple loop and
// the error bound scale |α|·Σ_p |A[i,p]·B[p,j]| + |β·C[i,j]| of each element.
func reference[T float](gc gemmCase, o operands[T]) (want, scale []float64) {
	want = make([]float64, gc.m*gc.n)
	scale = make([]float64, gc.m*gc.n)
	at := func(i, p int) float64 {
		if gc.tA != blas.NoTrans {
			return float64(o.a[p*o.lda+i])
		}
		return float64(o.a[i*o.lda+p])
	}
	bt := func(p, j int) float64 {
		if gc.tB != blas.NoTrans {
			return float64(o.b[j*o.ldb+p])
		}
		return float64(o.b[p*o.ldb+j])
	}
	for i := range gc.m {
		for j := range gc.n {
			var sum, abs float64
			for p := range gc.k {
				sum += at(i, p) * bt(p, j)
				abs += math.Abs(at(i, p) * bt(p, j))
			}
			w, s := gc.alpha*sum, math.Abs(gc.alpha)*abs
			if gc.beta != 0 {
				c := float64(o.c[i*o.ldc+j])
				w += gc.beta * c
				s += math.Abs(gc.beta * c)
			}
			want[i*gc.n+j], scale[i*gc.n+j] = w, s
		}
	}
	return want, scale
}

// call runs this package's Dgemm or Sgemm on o.
func call[T float](gc gemmCase, o operands[T]) {
	switch c := any(o.c).(type) {
	case []float64:
		Dgemm(gc.tA, gc.tB, gc.m, gc.n, gc.k, gc.alpha, any(o.a).([]float64), o.lda,
			any(o.b).([]float64), o.ldb, gc.beta, c, o.ldc)
	case []float32:
		Sgemm(gc.tA, gc.tB, gc.m, gc.n, gc.k, float32(gc.alpha), any(o.a).([]float32), o.lda,
			any(o.b).([]float32), o.ldb, float32(gc.beta), c, o.ldc)
	}
}

// tolerance is the relative error allowed against the error scale: for
// float64 (k+2)·ε, the worst-case bound for a k-term sum with the two scalar
// operations; for float32 1e-5.
func tolerance[T float](k int) float64 {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return 1e-5
	}
	return float64(k+2) * 0x1p-52
}

// runner computes one case in place, with one kernel level or blocking.
type runner[T float] struct {
	name string
	run  func(gemmCase, operands[T])
}

// levelRunners run this package's Dgemm or Sgemm at every level the CPU has.
func levelRunners[T float](t *testing.T) []runner[T] {
	old := active
	t.Cleanup(func() { active = old })
	var rs []runner[T]
	for _, l := range levels() {
		rs = append(rs, runner[T]{l.String(), func(gc gemmCase, o operands[T]) {
			active = l
			call(gc, o)
		}})
	}
	return rs
}

// checkCase runs one case with every runner on the same operands and reports
// wrong values, writes outside C and changed inputs.
func checkCase[T float](t *testing.T, gc gemmCase, rng *rand.Rand, runners []runner[T]) {
	t.Helper()
	o := newOperands[T](gc, rng)
	a0, b0, c0 := slices.Clone(o.full[0]), slices.Clone(o.full[1]), slices.Clone(o.full[2])
	want, scale := reference(gc, o)
	tol := tolerance[T](gc.k)
	for _, r := range runners {
		copy(o.full[2], c0)
		r.run(gc, o)
		for i, got := range o.full[2] {
			row, j := i/o.ldc-1, i%o.ldc // row -1 is the leading guard row
			if row < 0 || row >= gc.m || j >= gc.n {
				if !sameBits(got, c0[i]) {
					t.Fatalf("%s %v: wrote %v outside C at row %d column %d", r.name, gc, got, row, j)
				}
				continue
			}
			w, s := want[row*gc.n+j], scale[row*gc.n+j]
			if e := math.Abs(float64(got) - w); !(e <= tol*s) {
				t.Fatalf("%s %v: C[%d,%d] = %v, want %v (error %.3g of scale %.3g, tolerance %.3g)",
					r.name, gc, row, j, got, w, e, s, tol)
			}
		}
		if !slices.EqualFunc(o.full[0], a0, sameBits[T]) || !slices.EqualFunc(o.full[1], b0, sameBits[T]) {
			t.Fatalf("%s %v: A or B changed", r.name, gc)
		}
	}
}

func sameBits[T float](x, y T) bool {
	return math.Float64bits(float64(x)) == math.Float64bits(float64(y)) || (x != x && y != y)
}

// TestGemm checks Dgemm and Sgemm at every kernel level against the triple
// loop, over odd and layer-sized shapes, all transposes, padded leading
// dimensions and several α and β.
func TestGemm(t *testing.T) {
	cases := append(smallCases(), largeCases()...)
	r64, r32 := levelRunners[float64](t), levelRunners[float32](t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, gc := range cases {
		checkCase(t, gc, rng, r64)
		checkCase(t, gc, rng, r32)
	}
}

// TestBlocking runs the kernels of every level with blocks of a few tiles,
// so that every loop of the blocking turns several times, with ragged ends.
func TestBlocking(t *testing.T) {
	cases := []gemmCase{
		{tA: blas.NoTrans, tB: blas.NoTrans, m: 61, n: 75, k: 40, alpha: 1.5, beta: 0, pad: 1},
		{tA: blas.Trans, tB: blas.NoTrans, m: 50, n: 99, k: 33, alpha: -1, beta: 0.5},
		{tA: blas.NoTrans, tB: blas.Trans, m: 37, n: 130, k: 17, alpha: 1, beta: 1, pad: 2},
		{tA: blas.Trans, tB: blas.Trans, m: 73, n: 41, k: 29, alpha: 0.5, beta: -2},
		{tA: blas.Trans, tB: blas.NoTrans, m: 3, n: 150, k: 21, alpha: 2, beta: 1, pad: 3},
		{tA: blas.NoTrans, tB: blas.NoTrans, m: 11, n: 97, k: 30, alpha: -1.5, beta: 0, pad: 1},
		{tA: blas.NoTrans, tB: blas.Trans, m: 5, n: 200, k: 40, alpha: 0.25, beta: 3, pad: 2},
		{tA: blas.NoTrans, tB: blas.NoTrans, m: 70, n: 16, k: 30, alpha: 1, beta: 0.5, pad: 1},
		{tA: blas.Trans, tB: blas.Trans, m: 53, n: 10, k: 25, alpha: -2, beta: 1},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, gc := range cases {
		checkCase(t, gc, rng, smallBlockRunners(goKernel64, asmKernels64))
		checkCase(t, gc, rng, smallBlockRunners(goKernel32, asmKernels32))
	}
}

// smallBlockRunners returns runners with the kernels of every level, blocked
// at kc = 7, mc = 2·mr and nc = 3·nr.
func smallBlockRunners[T float](goKernel kernel[T], asm [isa.NumLevels]kernel[T]) []runner[T] {
	var rs []runner[T]
	for _, l := range levels() {
		kn := asm[l]
		if l == isa.Scalar {
			kn = goKernel
		}
		kn.kc, kn.mc, kn.nc = 7, 2*kn.mr, 3*kn.nr
		if kn.narrow != nil {
			narrow := *kn.narrow
			narrow.kc, narrow.mc, narrow.nc = 7, 2*narrow.mr, 3*narrow.nr
			kn.narrow = &narrow
		}
		rs = append(rs, runner[T]{l.String() + "/small blocks", func(gc gemmCase, o operands[T]) {
			p := problem[T]{aT: gc.tA != blas.NoTrans, bT: gc.tB != blas.NoTrans, m: gc.m, n: gc.n, k: gc.k,
				alpha: T(gc.alpha), a: o.a, lda: o.lda, b: o.b, ldb: o.ldb, beta: T(gc.beta), c: o.c, ldc: o.ldc}
			p.solve(&kn)
		}})
	}
	return rs
}

// TestDeterministic checks that the result does not depend on the number of
// goroutines: the same bits with 1, 2, 3 and 4 workers, at every level.
func TestDeterministic(t *testing.T) {
	old := maxWorkers
	t.Cleanup(func() { maxWorkers = old })
	cases := append(largeCases()[:4], largeCases()[8:]...)
	for _, l := range levels() {
		useLevel(t, l)
		for _, gc := range cases {
			gc.beta = 0.5
			deterministic[float64](t, l, gc)
			deterministic[float32](t, l, gc)
		}
	}
}

func deterministic[T float](t *testing.T, l isa.Level, gc gemmCase) {
	o := newOperands[T](gc, rand.New(rand.NewPCG(5, 6)))
	c0 := slices.Clone(o.full[2])
	var first []T
	for w := 1; w <= 4; w++ {
		maxWorkers = w
		copy(o.full[2], c0)
		call(gc, o)
		if w == 1 {
			first = slices.Clone(o.full[2])
			continue
		}
		for i := range first {
			if !sameBits(first[i], o.full[2][i]) {
				t.Fatalf("%v %v: element %d is %v with 1 worker, %v with %d", l, gc, i, first[i], o.full[2][i], w)
			}
		}
	}
}

// TestLevelsAgree checks that the assembly levels give the same bits when
// α = 1 and β is 0 or 1: both accumulate every element in one fused
// multiply-add chain per k block of the same size, and the scalings are exact.
func TestLevelsAgree(t *testing.T) {
	if !isa.Supported(isa.AVX2) || !isa.Supported(isa.AVX512) {
		t.Skip("needs AVX2 and AVX-512")
	}
	for i, gc := range append(largeCases(), smallCases()[200:260]...) {
		gc.alpha, gc.beta = 1, float64(i%2)
		agree[float64](t, gc)
		agree[float32](t, gc)
	}
}

func agree[T float](t *testing.T, gc gemmCase) {
	o := newOperands[T](gc, rand.New(rand.NewPCG(9, 10)))
	c0 := slices.Clone(o.full[2])
	useLevel(t, isa.AVX2)
	call(gc, o)
	avx2 := slices.Clone(o.full[2])
	copy(o.full[2], c0)
	active = isa.AVX512
	call(gc, o)
	for i := range avx2 {
		if !sameBits(avx2[i], o.full[2][i]) {
			t.Fatalf("%v: element %d is %v with AVX2, %v with AVX-512", gc, i, avx2[i], o.full[2][i])
		}
	}
}
