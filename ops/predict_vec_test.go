package ops

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// allLevels returns the scalar level and the vector levels this CPU runs.
func allLevels() []vecLevel { return append([]vecLevel{vecScalar}, vecLevels()...) }

// sparseSamples draws r sparse samples of N inputs: about density of the
// entries present (none in sample 0, all of them in sample 1, the last
// one only in sample 2, the first three in sample 3: fewer than the
// kernels prefetch ahead), at increasing indices, with standard normal
// values for each of S streams.
func sparseSamples(rng *rand.Rand, r, N, S int, density float64) (idx []int32, vals []float64, starts []int) {
	starts = []int{0}
	for j := range r {
		for i := range N {
			var keep bool
			switch j {
			case 0, 1:
				keep = j == 1
			case 2:
				keep = i == N-1
			case 3:
				keep = i < 3
			default:
				keep = rng.Float64() < density
			}
			if keep {
				idx = append(idx, int32(i))
				for range S {
					vals = append(vals, rng.NormFloat64())
				}
			}
		}
		starts = append(starts, len(idx))
	}
	return idx, vals, starts
}

// TestSparseProduct checks SparseProduct.Apply at every level against the
// sums in order written here: equal bit for bit with weights in
// {−1, 0, +1} in float64 (every term exact, each partial sum rounded once),
// within 1e-13 (float64) and 1e-5 (float32) relative to the sum of the
// magnitudes of the terms with Gaussian weights; widths around the block
// widths, one and two streams, the binary product (W_1 = 1 − W_0²), empty
// samples, padding.
func TestSparseProduct(t *testing.T) {
	for _, l := range allLevels() {
		atLevel(t, l, func() {
			for _, S := range []int{1, 2} {
				for _, K := range []int{1, 7, 16, 63, 64, 65, 130, 501} {
					name := fmt.Sprintf("%v/S=%d/K=%d", l, S, K)
					testSparseProduct[float64](t, name+"/float64", K, S, true, false, 0)
					testSparseProduct[float64](t, name+"/float64", K, S, false, false, 1e-13)
					testSparseProduct[float32](t, name+"/float32", K, S, false, false, 1e-5)
					if S == 2 {
						testSparseProduct[float64](t, name+"/binary/float64", K, S, false, true, 1e-13)
						testSparseProduct[float32](t, name+"/binary/float32", K, S, false, true, 1e-5)
					}
				}
			}
		})
	}
}

func testSparseProduct[T Float](t *testing.T, name string, K, S int, ternary, binary bool, tol float64) {
	t.Helper()
	const N, r = 37, 9
	rng := rand.New(rand.NewPCG(uint64(K), uint64(S)))
	w, base := make([][]T, S), make([][]T, S)
	for s := range S {
		w[s], base[s] = make([]T, K*N), make([]T, K)
		for j := range w[s] {
			w[s][j] = T(rng.NormFloat64())
			if ternary {
				w[s][j] = T(rng.IntN(3) - 1)
			}
		}
		for k := range base[s] {
			base[s][k] = T(rng.NormFloat64())
		}
	}
	p, err := NewSparseProduct(w, base, K, N)
	if binary { // W_1 = 1 − W_0², means in (−1, 1)
		for j, v := range w[0] {
			w[0][j] = T(math.Tanh(float64(v)))
			w[1][j] = 1 - w[0][j]*w[0][j]
		}
		p, err = NewBinarySparseProduct(w[0], base, K, N)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.SetPad(S-1, 3)
	idx, v64, starts := sparseSamples(rng, r, N, S, 0.3)
	vals := make([]T, len(v64))
	for j, v := range v64 {
		vals[j] = T(v)
	}
	out := make([]T, r*p.Stride())
	if err := p.Apply(out, idx, vals, starts); err != nil {
		t.Fatal(err)
	}
	for j := range r {
		for s := range S {
			for k := range p.kp {
				got := float64(out[j*p.Stride()+s*p.kp+k])
				want, mag := 0.0, 0.0 // the padding: SetPad(S−1, 3)
				if k < K {
					want, mag = naiveSparse(w[s], base[s], idx, vals, starts[j], starts[j+1], S, s, k, N)
				} else if s == S-1 {
					want = 3
				} else if binary {
					continue // unspecified
				}
				if ternary && got != want || !ternary && !(math.Abs(got-want) <= tol*mag) {
					t.Fatalf("%s: sample %d stream %d output %d: %v, want %v", name, j, s, k, got, want)
				}
			}
		}
	}
}

// naiveSparse returns base[k] + Σ_t vals[t·S+s]·w[k, idx[t]] over
// t ∈ [lo, hi), in order and in float64 (in T for float64: each product
// of a ternary weight is exact), and the sum of the magnitudes.
func naiveSparse[T Float](w, base []T, idx []int32, vals []T, lo, hi, S, s, k, N int) (sum, mag float64) {
	sum, mag = float64(base[k]), math.Abs(float64(base[k]))
	for t := lo; t < hi; t++ {
		term := float64(vals[t*S+s]) * float64(w[k*N+int(idx[t])])
		sum += term
		mag += math.Abs(term)
	}
	return sum, mag
}

// TestSparseProductRejects checks the errors of NewSparseProduct and Apply.
func TestSparseProductRejects(t *testing.T) {
	if _, err := NewSparseProduct([][]float64{{1, 2}}, [][]float64{nil}, 2, 2); err == nil || !strings.Contains(err.Error(), "has 2 values") {
		t.Errorf("short matrix: error %v", err)
	}
	if _, err := NewSparseProduct[float64](nil, nil, 1, 1); err == nil {
		t.Error("no matrices: no error")
	}
	p, err := NewSparseProduct([][]float64{{1, 2, 3, 4}}, [][]float64{nil}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 2*p.Stride())
	for _, c := range []struct {
		idx    []int32
		starts []int
		want   string
	}{
		{[]int32{0, 2}, []int{0, 1, 2}, "index 2, want [0, 2)"},
		{[]int32{0, -1}, []int{0, 2, 2}, "index -1"},
		{[]int32{0, 1}, []int{0, 3, 2}, "spans entries [0, 3)"},
		{[]int32{0, 1}, []int{0, 1, 2, 2}, "3 samples need 384 outputs"},
	} {
		if err := p.Apply(out, c.idx, []float64{1, 1}, c.starts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("idx %v starts %v: error %v, want %q", c.idx, c.starts, err, c.want)
		}
	}
}

// TestErfRatio checks ErfRatio at every level against math.Erf of the
// ratio (computed in float64 from the T arguments): relative error ≤ 1e-13
// in float64 and ≤ 1e-6 in float32; Δ = 1 − x̂² within the same bounds
// relative to 1; ratios across 1e-30 … 1e3 of both signs, ±0, ±Inf, NaN,
// v = 0, lengths with tails.
func TestErfRatio(t *testing.T) {
	for _, l := range allLevels() {
		atLevel(t, l, func() {
			t.Run(l.String(), func(t *testing.T) {
				testErfRatio[float64](t, 1e-13)
				testErfRatio[float32](t, 1e-6)
			})
		})
	}
}

func testErfRatio[T Float](t *testing.T, tol float64) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 4099} {
		omega, v := make([]T, n), make([]T, n)
		for j := range omega {
			omega[j] = T(math.Copysign(math.Pow(10, -30+33*rng.Float64()), rng.Float64()-0.5))
			v[j] = T(math.Exp(rng.NormFloat64() * 3))
			if rng.IntN(3) == 0 {
				omega[j] = T(5 * rng.NormFloat64())
			}
		}
		special := [][2]float64{{0, 1}, {math.Copysign(0, -1), 1}, {math.Inf(1), 1}, {math.Inf(-1), 2}, {math.NaN(), 1},
			{1, math.NaN()}, {2, 0}, {-2, 0}, {1, math.Inf(1)}, {0.7, 1}, {-0.7, 1}, {30, 1}, {-7, 1}}
		for i, c := range special {
			if i < n {
				omega[(i*7)%n], v[(i*7)%n] = T(c[0]), T(c[1])
			}
		}
		xhat, delta := make([]T, n), make([]T, n)
		ErfRatio(xhat, delta, omega, v)
		for j := range omega {
			want := math.Erf(float64(omega[j]) / math.Sqrt(2*float64(v[j])))
			g := float64(xhat[j])
			if math.IsNaN(want) || want == 0 {
				if fmt.Sprint(g) != fmt.Sprint(want) {
					t.Errorf("n=%d: erf(%v/√(2·%v)) = %v, want %v", n, omega[j], v[j], g, want)
				}
				continue
			}
			if rel := math.Abs(g-want) / math.Abs(want); !(rel <= tol) {
				t.Errorf("n=%d: erf(%v/√(2·%v)) = %v, want %v (rel. error %.2g > %g)", n, omega[j], v[j], g, want, rel, tol)
			}
			if d := math.Abs(float64(delta[j]) - (1 - g*g)); !(d <= tol) {
				t.Errorf("n=%d: Δ = %v, want 1 − %v² (|diff| %.2g)", n, delta[j], g, d)
			}
		}
	}
}

// TestBitRows checks BitRows.Mismatches and Signs at every level against
// the plain count, for row counts around the groups of 8 and 32 and the
// word of 64, widths of 1 to 9 words, rows with zeros in every word and
// in the last one only (the dense kernel).
func TestBitRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, l := range allLevels() {
		atLevel(t, l, func() {
			for _, K := range []int{1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 501} {
				for _, W := range []int{1, 2, 8, 9, -2, -8, -9} { // −W: nz all ones but the last word (dense)
					dense := W < 0
					W = max(W, -W)
					neg, nz, a := make([]uint64, K*W), make([]uint64, K*W), make([]uint64, W)
					for j := range neg {
						neg[j], nz[j] = rng.Uint64(), rng.Uint64()|rng.Uint64()
						if dense && j%W != W-1 {
							nz[j] = ^uint64(0)
						}
					}
					for j := range a {
						a[j] = rng.Uint64()
					}
					b, err := NewBitRows(neg, nz, K, W)
					if err != nil {
						t.Fatal(err)
					}
					out, signs := make([]int64, b.Len()), make([]uint64, (K+63)/64)
					for j := range signs {
						signs[j] = rng.Uint64() // overwritten
					}
					b.Mismatches(out, a)
					if err := b.Signs(signs, a); err != nil {
						t.Fatal(err)
					}
					for k := range b.Len() {
						want, count := 0, 0
						for j := range W * boolInt(k < K) {
							want += bits.OnesCount64((a[j] ^ neg[k*W+j]) & nz[k*W+j])
							count += bits.OnesCount64(nz[k*W+j])
						}
						if out[k] != int64(want) {
							t.Fatalf("%v K=%d W=%d: row %d: %d mismatches, want %d", l, K, W, k, out[k], want)
						}
						if k < len(signs)*64 && signs[k/64]>>(k%64)&1 != uint64(boolInt(2*want > count)) {
							t.Fatalf("%v K=%d W=%d: row %d: sign bit %d, want %v (%d of %d mismatch)", l, K, W, k,
								signs[k/64]>>(k%64)&1, 2*want > count, want, count)
						}
					}
				}
			}
		})
	}
	if _, err := NewBitRows(make([]uint64, 3), make([]uint64, 4), 2, 2); err == nil {
		t.Error("NewBitRows accepted 3 words for 2 rows of 2")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
