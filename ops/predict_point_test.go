package ops

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSignProductSigns checks SignProduct.Signs against exact sums: where a
// unit is not unsure, the exact base_k + Σ_t W[k, i_t]·x_t lies beyond
// half the margin and has the sign of the neg bit; a unit is unsure only
// within the margin plus twice the quantisation bound n·2^−s ≤ n·D·2^−27.
// Every level gives the same bits. Widths around the block of 256 and the
// word of 64, matrices with and without zeros, empty samples, ties (integer
// values whose sums cancel exactly), margins 0 and large, huge and NaN
// values (unsure throughout).
func TestSignProductSigns(t *testing.T) {
	for _, K := range []int{1, 63, 64, 65, 255, 256, 257, 501} {
		for _, zeros := range []bool{false, true} {
			var first [2][]uint64
			for _, l := range allLevels() {
				atLevel(t, l, func() {
					neg, unsure := testSigns(t, fmt.Sprintf("%v/K=%d/zeros=%v", l, K, zeros), K, zeros)
					if first[0] == nil {
						first = [2][]uint64{neg, unsure}
					} else if !slices.Equal(neg, first[0]) || !slices.Equal(unsure, first[1]) {
						t.Errorf("%v/K=%d/zeros=%v: bits differ from the scalar level's", l, K, zeros)
					}
				})
			}
		}
	}
	if _, err := NewSignProduct([]float64{1, 0.5}, nil, 1, 2); err == nil || !strings.Contains(err.Error(), "is 0.5") {
		t.Errorf("weight 0.5: error %v", err)
	}
}

// signSamples draws the samples of testSigns: sample 0 empty, sample 1
// dense, then sparse ones with normal values, ones with small integer
// values (exact ties), one with a huge value and one with a NaN.
func signSamples(rng *rand.Rand, N int) (idx []int32, vals []float64, starts []int) {
	idx, vals, starts = sparseSamples(rng, 12, N, 1, 0.3)
	for j := 6; j < 10; j++ {
		for t := starts[j]; t < starts[j+1]; t++ {
			vals[t] = float64(rng.IntN(5) - 2)
		}
	}
	vals[starts[10]] = 0x1p950
	vals[starts[11]] = math.NaN()
	return idx, vals, starts
}

func testSigns(t *testing.T, name string, K int, zeros bool) (neg, unsure []uint64) {
	t.Helper()
	const N = 41
	rng := rand.New(rand.NewPCG(uint64(K), 11))
	w, base := make([]float64, K*N), make([]float64, K)
	for j := range w {
		w[j] = float64(2*rng.IntN(2) - 1)
		if zeros && rng.IntN(4) == 0 {
			w[j] = 0
		}
	}
	for k := range base {
		base[k] = float64(rng.IntN(5) - 2) // ties with the integer samples
		if k%3 == 0 {
			base[k] = 10 * rng.NormFloat64()
		}
	}
	p, err := NewSignProduct(w, base, K, N)
	if err != nil {
		t.Fatal(err)
	}
	idx, vals, starts := signSamples(rng, N)
	r, W := len(starts)-1, p.Words()
	margin := make([]float64, r)
	for j := range margin {
		margin[j] = []float64{0, 1e-3, 0.5}[j%3]
	}
	neg, unsure = make([]uint64, r*W), make([]uint64, r*W)
	for j := range neg {
		neg[j], unsure[j] = rng.Uint64(), rng.Uint64() // overwritten
	}
	if err := p.Signs(neg, unsure, idx, vals, starts, margin); err != nil {
		t.Fatal(err)
	}
	for j := range r {
		lo, hi := starts[j], starts[j+1]
		var D float64
		for _, v := range vals[lo:hi] {
			D += math.Abs(v)
		}
		qmax := float64(hi-lo) * D * 0x1p-27 * (1 + 1e-9)
		for k := range W * 64 {
			isNeg, isUnsure := neg[j*W+k/64]>>(k%64)&1 == 1, unsure[j*W+k/64]>>(k%64)&1 == 1
			if k >= K {
				if isNeg || isUnsure {
					t.Fatalf("%s: sample %d: bit %d past K set", name, j, k)
				}
				continue
			}
			if !(D <= 0x1p900) {
				if !isUnsure {
					t.Fatalf("%s: sample %d (D = %v): unit %d decided", name, j, D, k)
				}
				continue
			}
			e := exactSparse(w, base[k], idx[lo:hi], vals[lo:hi], k, N)
			abs := new(big.Float).Abs(e)
			switch {
			case !isUnsure && (abs.Cmp(big.NewFloat(margin[j]/2)) <= 0 || (e.Sign() < 0) != isNeg):
				t.Fatalf("%s: sample %d unit %d: decided negative=%v, exact sum %v, margin %v", name, j, k, isNeg, e, margin[j])
			case isUnsure && abs.Cmp(big.NewFloat((margin[j]+2*qmax)*(1+1e-9)+1e-300)) > 0:
				t.Fatalf("%s: sample %d unit %d: unsure with exact sum %v, margin %v, quantisation %v", name, j, k, e, margin[j], qmax)
			}
		}
	}
	return neg, unsure
}

// exactSparse returns base + Σ_t w[k, idx[t]]·vals[t], exactly.
func exactSparse(w []float64, base float64, idx []int32, vals []float64, k, N int) *big.Float {
	s := new(big.Float).SetPrec(4000).SetFloat64(base)
	for t, i := range idx {
		s.Add(s, new(big.Float).SetFloat64(w[k*N+int(i)]*vals[t]))
	}
	return s
}

// TestSignProductRejects checks the errors of Signs.
func TestSignProductRejects(t *testing.T) {
	p, err := NewSignProduct([]float64{1, -1, 1, 1}, nil, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	W := p.Words()
	nb, ub, margin := make([]uint64, 2*W), make([]uint64, 2*W), []float64{0, 0}
	idx, vals, starts := []int32{0, 1, 1}, []float64{1, 2, 3}, []int{0, 2, 3}
	for what, err := range map[string]error{
		"nil product":  (*SignProduct)(nil).Signs(nb, ub, idx, vals, starts, margin),
		"short neg":    p.Signs(nb[:W], ub, idx, vals, starts, margin),
		"short unsure": p.Signs(nb, ub[:1], idx, vals, starts, margin),
		"short margin": p.Signs(nb, ub, idx, vals, starts, margin[:1]),
		"short vals":   p.Signs(nb, ub, idx, vals[:2], starts, margin),
		"index 2":      p.Signs(nb, ub, []int32{0, 2, 1}, vals, starts, margin),
		"starts down":  p.Signs(nb, ub, idx, vals, []int{0, 3, 2}, margin),
		"NaN margin":   p.Signs(nb, ub, idx, vals, starts, []float64{0, math.NaN()}),
		"margin −1":    p.Signs(nb, ub, idx, vals, starts, []float64{-1, 0}),
	} {
		if err == nil {
			t.Errorf("%s: no error", what)
		}
	}
}

// TestForeground checks Foreground at every level against the plain scan:
// the same entries and differences, the sums within n·u; rows around the
// vector of 8, all background, all foreground, −0 against a background 0.
func TestForeground(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, l := range allLevels() {
		atLevel(t, l, func() {
			for _, N := range []int{0, 1, 7, 8, 9, 17, 784} {
				for _, density := range []float64{0, 0.2, 1} {
					for _, b := range []float64{0, -0.4242} {
						row := make([]float64, N)
						for i := range row {
							row[i] = b
							if rng.Float64() < density {
								row[i] = rng.NormFloat64()
							}
						}
						if N > 3 && b == 0 {
							row[3] = math.Copysign(0, -1)
						}
						testForeground(t, fmt.Sprintf("%v/N=%d/density=%v/b=%v", l, N, density, b), row, b)
					}
				}
			}
		})
	}
	if _, _, _, err := Foreground(make([]int32, 8), make([]float64, 9), make([]float64, 9), make([]float64, 1), 0); err == nil {
		t.Error("Foreground accepted 8 indices for a row of 1")
	}
}

func testForeground(t *testing.T, name string, row []float64, b float64) {
	t.Helper()
	m := len(row) + ForegroundSlack
	idx, x, d := make([]int32, m), make([]float64, m), make([]float64, m)
	n, absX, absD, err := Foreground(idx, x, d, row, b)
	if err != nil {
		t.Fatal(err)
	}
	var wantIdx []int32
	var wantX, wantD []float64
	var sx, sd float64
	for i, v := range row {
		if math.Float64bits(v) != math.Float64bits(b) {
			wantIdx, wantX, wantD = append(wantIdx, int32(i)), append(wantX, v), append(wantD, v-b)
			sx += math.Abs(v)
			sd += math.Abs(v - b)
		}
	}
	if n != len(wantIdx) || !slices.Equal(idx[:n], wantIdx) || !slices.Equal(bitsOf(x[:n]), bitsOf(wantX)) || !slices.Equal(bitsOf(d[:n]), bitsOf(wantD)) {
		t.Fatalf("%s: %d entries %v %v %v, want %v %v %v", name, n, idx[:n], x[:n], d[:n], wantIdx, wantX, wantD)
	}
	tol := float64(n) * 0x1p-52
	if !(math.Abs(absX-sx) <= tol*sx) || !(math.Abs(absD-sd) <= tol*sd) {
		t.Fatalf("%s: sums %v, %v, want %v, %v", name, absX, absD, sx, sd)
	}
}

// bitsOf returns the bits of the values of v.
func bitsOf(v []float64) []uint64 {
	out := make([]uint64, len(v))
	for i, x := range v {
		out[i] = math.Float64bits(x)
	}
	return out
}

// TestAbsSum checks absSum (the scale of Signs) against the plain sum,
// within n·2u, and that the vector kernel sums exactly as the Go loop
// does; lengths around the vector of 8, values of mixed magnitudes.
func TestAbsSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 150, 784} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
		}
		var want, plain float64
		for _, v := range x {
			plain += math.Abs(v)
		}
		for _, l := range allLevels() {
			atLevel(t, l, func() {
				got := absSum(x)
				if !(math.Abs(got-plain) <= float64(n)*0x1p-52*plain) {
					t.Errorf("%v n=%d: %v, want %v within n·2u", l, n, got, plain)
				}
				if l == vecScalar {
					want = got
				} else if math.Float64bits(got) != math.Float64bits(want) {
					t.Errorf("%v n=%d: %v, want %v (the Go loop's)", l, n, got, want)
				}
			})
		}
	}
}
