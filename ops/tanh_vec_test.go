package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// tanhCases returns n arguments of tanh: magnitudes from 1e-300 to 1e3 on a
// log scale, both signs, and ±0, ±Inf and NaN at fixed places.
func tanhCases(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for j := range x {
		x[j] = math.Copysign(math.Pow(10, -300+303*math.Pow(rng.Float64(), 8)), rng.Float64()-0.5)
		if rng.IntN(3) == 0 {
			x[j] = 20 * (rng.Float64() - 0.5)
		}
	}
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-8, -19.9, 20.1, 40.5}
	for i, v := range special {
		if i < n {
			x[(i*7)%n] = v
		}
	}
	return x
}

// TestTanhRow checks the vector tanh of every level this CPU runs, through
// tanhVec (lengths with tails) and in place, against math.Tanh: relative
// error ≤ 1e-15 in float64 and ≤ 1e-6 in float32 (on the float32 argument),
// the sign of zero kept, ±1 at ±Inf, NaN for NaN.
func TestTanhRow(t *testing.T) {
	for _, l := range vecLevels() {
		atLevel(t, l, func() {
			t.Run(l.String()+"/float64", func(t *testing.T) { testTanhRow[float64](t, 1e-15) })
			t.Run(l.String()+"/float32", func(t *testing.T) { testTanhRow[float32](t, 1e-6) })
		})
	}
}

func testTanhRow[T Float](t *testing.T, tol float64) {
	k := tanhRow[T]()
	if k == nil {
		t.Fatal("no vector tanh kernel")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 15, 16, 17, 33, 100, 4099} {
		x64 := tanhCases(rng, n)
		x := make([]T, n)
		for j, v := range x64 {
			x[j] = T(v)
		}
		got := make([]T, n)
		tanhVec(k, got, x)
		inPlace := append([]T(nil), x...)
		tanhVec(k, inPlace, inPlace)
		worst := 0.0
		for j := range x {
			want := math.Tanh(float64(x[j]))
			g := float64(got[j])
			if math.Float64bits(float64(inPlace[j])) != math.Float64bits(g) {
				t.Fatalf("n=%d: in place tanh(%v) = %v, out of place %v", n, x[j], inPlace[j], g)
			}
			if math.IsNaN(want) || want == 0 || math.IsInf(float64(x[j]), 0) {
				if fmt.Sprint(g) != fmt.Sprint(want) || math.Signbit(g) != math.Signbit(want) {
					t.Errorf("n=%d: tanh(%v) = %v, want %v", n, x[j], g, want)
				}
				continue
			}
			rel := math.Abs(g-want) / math.Abs(want)
			worst = max(worst, rel)
			if rel > tol {
				t.Errorf("n=%d: tanh(%v) = %v, want %v (rel. error %.2g > %g)", n, x[j], g, want, rel, tol)
			}
		}
		if n == 4099 {
			t.Logf("largest relative error %.2g", worst)
		}
	}
}

// TestTanhKernelsLevels runs the element-wise kernels with a tanh pass
// (tanhSum, dampedTanh, maskedTanh) and BP's cavityMeans, cavityOmega (ω
// within N·tol) and cavityMag (with and without Bcav) at
// every vector level and compares them with the scalar kernels, on random
// lengths and shapes with tails, saturated fields (|H| up to 1e3, ±Inf) and
// masks with empty rows: the values lie in [−1, 1], and they agree to 1e-14
// (float64) and 1e-6 (float32) absolute.
func TestTanhKernelsLevels(t *testing.T) {
	for _, l := range vecLevels() {
		t.Run(l.String()+"/float64", func(t *testing.T) { testTanhKernels[float64](t, l, 1e-14) })
		t.Run(l.String()+"/float32", func(t *testing.T) { testTanhKernels[float32](t, l, 1e-6) })
	}
}

func testTanhKernels[T Float](t *testing.T, l vecLevel, tol float64) {
	rng := rand.New(rand.NewPCG(7, 8))
	field := func(n int) []T {
		x := tanhCases(rng, n)
		s := make([]T, n)
		for j := range s {
			if !math.IsNaN(x[j]) {
				s[j] = T(x[j])
			}
		}
		return s
	}
	for _, s := range []kNB{{1, 1, 1}, {3, 5, 7}, {4, 6, 33}, {5, 3, 300}} {
		K, N, B := s.K, s.N, s.B
		nkb, nknb := K*N, K*N*B
		m, h, mask := field(nkb), field(nkb), field(nkb)
		for j := range m {
			m[j] = T(math.Tanh(float64(m[j])))
			mask[j] = T(rng.IntN(2))
			if j/N == 1 {
				mask[j] = 0 // an empty row
			}
		}
		bup, bcav, mcav, gcav, xc := field(N*B), field(nknb), field(nknb), field(nknb), field(nknb)
		for j := range mcav {
			mcav[j] = T(math.Tanh(float64(mcav[j])))
			xc[j] = T(math.Tanh(float64(xc[j])))
		}
		psi := T(0.3)
		cases := map[string]func(dst []T){
			"tanhSum":     func(d []T) { tanhSum(d, [][]T{h, m}, nil) },
			"dampedTanh":  func(d []T) { dampedTanh(d, [][]T{m, h, mask}, []T{psi}) },
			"maskedTanh":  func(d []T) { maskedTanh(d, [][]T{h, mask}, nil) },
			"cavityMeans": func(d []T) { cavityMeans(d[:nknb], bup, bcav, K, N, B) },
			"cavityOmega": func(d []T) { cavityOmega(d[:K*B], mcav, cavX[T]{x: xc, nb: N * B}, K, N, B) },
			"cavityMag": func(d []T) {
				cavityMag(d[:nknb], nil, mcav, h, gcav, nil, cavX[T]{x: xc, nb: N * B}, mask, psi, K, N, B)
			},
			"cavityMagDown": func(d []T) { // Bcav in d[nknb:]
				cavityMag(d[:nknb], d[nknb:], mcav, h, gcav, bup, cavX[T]{x: xc, nb: N * B}, mask, psi, K, N, B)
			},
		}
		for name, f := range cases {
			n := nkb
			switch name {
			case "cavityMeans", "cavityMag":
				n = nknb
			case "cavityMagDown":
				n = 2 * nknb
			case "cavityOmega":
				n = K * B
			}
			got, want := scalarAndLevel(t, l, n, f)
			for j := range got {
				if name == "cavityOmega" { // ω: sums of N products, each rounded once or twice
					if j < K*B && !sameFloat(got[j], want[j], tol*float64(N)) {
						t.Errorf("%s %v ω[%d] = %v, scalar %v", name, s, j, got[j], want[j])
						break
					}
					continue
				}
				if j >= nknb { // Bcav = B − mcav·gcav: one rounding apart (fused or not)
					c := j - nknb
					scale := math.Abs(float64(bup[c%(N*B)])) + math.Abs(float64(mcav[c]*gcav[c]))
					if !sameFloat(got[j], want[j], 2*tol*scale) {
						t.Errorf("%s %v Bcav[%d] = %v, scalar %v", name, s, j-nknb, got[j], want[j])
						break
					}
					continue
				}
				if d := math.Abs(float64(got[j] - want[j])); !(d <= tol) {
					t.Errorf("%s %v [%d] = %v, scalar %v", name, s, j, got[j], want[j])
					break
				}
			}
		}
	}
}

// TestChannelLevels compares signChannel and upField at every vector level
// with the scalar kernels, on lengths with tails: relative error ≤ 1e-12
// (float64) and ≤ 1e-5 (float32).
//
// signChannel runs on the cavity test points (saturated ω, ±Inf and 0
// labels, tiny and huge variances); as the cavity kernels it runs, it may
// also differ by 4 smallest normal numbers times max(1, 1/√V) where the
// exponentials underflow. upField runs on ω over many scales (|ω| up to
// 1e3 and beyond, ±0, ±Inf, NaN) and V from 1e-8 to 1e3; results below the
// smallest normal number of T (subnormal ω) have no relative accuracy in T
// and agree to within it.
func TestChannelLevels(t *testing.T) {
	for _, l := range vecLevels() {
		t.Run(l.String()+"/float64", func(t *testing.T) {
			testSignChannel[float64](t, l, 1e-12, 0x1p-1022)
			testUpField[float64](t, l, 1e-12, 0x1p-1022)
		})
		t.Run(l.String()+"/float32", func(t *testing.T) {
			testSignChannel[float32](t, l, 1e-5, 0x1p-126)
			testUpField[float32](t, l, 1e-5, 0x1p-126)
		})
	}
}

func testSignChannel[T Float](t *testing.T, l vecLevel, tol, minNormal float64) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 31, 257, 1000} {
		btop, omega, v := make([]T, n), make([]T, n), make([]T, n)
		for j := range btop {
			b, o, vv, _ := cavFieldCase(rng)
			btop[j], omega[j], v[j] = T(b), T(o), T(vv)
		}
		got, want := scalarAndLevel(t, l, n, func(d []T) { signChannel(d, [][]T{btop, omega, v}, nil) })
		checkRel(t, got, want, tol, func(j int) (float64, string) {
			return 4 * minNormal * max(1, 1/math.Sqrt(float64(v[j]))), fmt.Sprintf("n=%d: g(Btop=%v, ω=%v, V=%v)", n, btop[j], omega[j], v[j])
		})
	}
}

func testUpField[T Float](t *testing.T, l vecLevel, tol, minNormal float64) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{1, 17, 100, 5000} {
		omega, v := make([]T, n), make([]T, n)
		for j, o := range tanhCases(rng, n) {
			omega[j] = T(o)
			v[j] = T(math.Pow(10, -8+11*rng.Float64()))
		}
		got, want := scalarAndLevel(t, l, n, func(d []T) { upField(d, [][]T{omega, v}, nil) })
		worst := checkRel(t, got, want, tol, func(j int) (float64, string) {
			return minNormal, fmt.Sprintf("n=%d: upField(ω=%v, V=%v)", n, omega[j], v[j])
		})
		if n == 5000 {
			t.Logf("largest relative error %.2g", worst)
		}
	}
}

// scalarAndLevel returns the n outputs of f run at level l and at the
// scalar level.
func scalarAndLevel[T Float](t *testing.T, l vecLevel, n int, f func(dst []T)) (got, want []T) {
	got, want = make([]T, n), make([]T, n)
	atLevel(t, vecScalar, func() { f(want) })
	atLevel(t, l, func() { f(got) })
	return got, want
}

// checkRel fails the test for every element of got farther from want than
// tol relative, unless within the absolute bound that point(j) returns with
// its description (NaN matches NaN), and returns the largest relative error.
func checkRel[T Float](t *testing.T, got, want []T, tol float64, point func(j int) (abs float64, desc string)) float64 {
	t.Helper()
	worst := 0.0
	for j := range got {
		w, g := float64(want[j]), float64(got[j])
		if math.Float64bits(w) == math.Float64bits(g) || (math.IsNaN(w) && math.IsNaN(g)) {
			continue
		}
		abs, desc := point(j)
		if math.Abs(g-w) <= abs {
			continue
		}
		rel := math.Abs(g-w) / math.Abs(w)
		worst = max(worst, rel)
		if !(rel <= tol) {
			t.Errorf("%s = %v, scalar %v (rel. %.2g)", desc, g, w, rel)
		}
	}
	return worst
}

// sameFloat reports whether a and b are both NaN, equal (infinities), or
// within tol of each other.
func sameFloat[T Float](a, b T, tol float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return a == b || math.Abs(float64(a-b)) <= tol
}
