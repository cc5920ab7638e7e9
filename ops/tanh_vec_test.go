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
