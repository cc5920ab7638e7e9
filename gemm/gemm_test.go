package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// levels returns the kernel levels this CPU runs; every one is tested.
func levels() []level {
	var ls []level
	for l := range numLevels {
		if supported(l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// useLevel makes l the active level for the rest of the test.
func useLevel(t testing.TB, l level) {
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
		{501, 128, 10}, {100, 1000, 100}, {1000, 31, 300}, {2, 501, 600}}
	var cs []gemmCase
	for i, s := range shapes {
		tr := transposes[i%len(transposes)]
		sc := scalars[i%5]
		cs = append(cs, gemmCase{tr[0], tr[1], s[0], s[1], s[2], sc[0], sc[1], i % 2 * 3})
	}
	return cs
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

// checkCase runs one case and reports wrong values, writes outside C and
// changed inputs.
func checkCase[T float](t *testing.T, gc gemmCase, rng *rand.Rand) {
	t.Helper()
	o := newOperands[T](gc, rng)
	a0, b0, c0 := slices.Clone(o.full[0]), slices.Clone(o.full[1]), slices.Clone(o.full[2])
	want, scale := reference(gc, o)
	call(gc, o)
	tol := tolerance[T](gc.k)
	for i, got := range o.full[2] {
		r, j := i/o.ldc-1, i%o.ldc // row -1 is the leading guard row
		if r < 0 || r >= gc.m || j >= gc.n {
			if !sameBits(got, c0[i]) {
				t.Fatalf("%v: wrote %v outside C at row %d column %d", gc, got, r, j)
			}
			continue
		}
		w, s := want[r*gc.n+j], scale[r*gc.n+j]
		if e := math.Abs(float64(got) - w); !(e <= tol*s) {
			t.Fatalf("%v: C[%d,%d] = %v, want %v (error %.3g of scale %.3g, tolerance %.3g)",
				gc, r, j, got, w, e, s, tol)
		}
	}
	if !slices.EqualFunc(o.full[0], a0, sameBits[T]) || !slices.EqualFunc(o.full[1], b0, sameBits[T]) {
		t.Fatalf("%v: A or B changed", gc)
	}
}

func sameBits[T float](x, y T) bool {
	return math.Float64bits(float64(x)) == math.Float64bits(float64(y)) || (x != x && y != y)
}

func TestGemm(t *testing.T) {
	cases := append(smallCases(), largeCases()...)
	for _, l := range levels() {
		t.Run(l.String(), func(t *testing.T) {
			useLevel(t, l)
			rng := rand.New(rand.NewPCG(1, uint64(l)))
			for _, gc := range cases {
				checkCase[float64](t, gc, rng)
				checkCase[float32](t, gc, rng)
			}
		})
	}
}
