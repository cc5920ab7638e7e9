package apitest

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/fbpgo/fbp/ops"
)

// badSizes are sizes K, N (or K, W) that a constructor must refuse before
// allocating: non-positive, and huge ones whose product overflows to 0,
// the length of a nil slice.
var badSizes = [][2]int{{0, 0}, {-1, -1}, {-2, 3}, {2, -3}, {1 << 32, 1 << 32}, {1 << 33, 1 << 31},
	{math.MaxInt, 1}, {1, math.MaxInt}, {1 << 62, 4}}

// atLevels runs f at every CPU kernel level this machine supports, then
// restores the automatic choice.
func atLevels(f func(level string)) {
	defer func() { _ = ops.SetCPUKernels("auto") }()
	for _, l := range []string{"scalar", "avx2", "avx512"} {
		if ops.SetCPUKernels(l) == nil {
			f(l)
		}
	}
}

// applyFunc is the Apply method of a SparseProduct[float64] or of a
// SignProduct.
type applyFunc func(out []float64, idx []int32, vals []float64, starts []int) error

// applyHostile calls apply, the Apply of a product with N = 3 inputs, all
// of whose weights are non-zero, stride outputs per sample and S values
// per entry, with nil, short and inconsistent slices, indices out of
// range and NaN values.
func applyHostile(c *checker, name, level string, apply applyFunc, stride, S int) {
	out, vals, idx := make([]float64, 2*stride), make([]float64, 4*S), []int32{0, 1, 2, 0}
	bad := map[string]func() error{
		"nil slices":           func() error { return apply(nil, nil, nil, nil) },
		"no starts":            func() error { return apply(out, idx, vals, []int{}) },
		"short out":            func() error { return apply(out[:stride], idx, vals, []int{0, 2, 4}) },
		"short vals":           func() error { return apply(out, idx, vals[:3*S], []int{0, 2, 4}) },
		"nil idx":              func() error { return apply(out, nil, vals, []int{0, 2, 4}) },
		"index -1":             func() error { return apply(out, []int32{0, -1, 2, 0}, vals, []int{0, 2, 4}) },
		"index N":              func() error { return apply(out, []int32{0, 1, 3, 0}, vals, []int{0, 2, 4}) },
		"index MaxInt32":       func() error { return apply(out, []int32{math.MaxInt32, 1, 2, 0}, vals, []int{0, 2, 4}) },
		"starts decreasing":    func() error { return apply(out, idx, vals, []int{0, 3, 2}) },
		"negative start":       func() error { return apply(out, idx, vals, []int{-1, 2, 4}) },
		"start past idx":       func() error { return apply(out, idx, vals, []int{0, 2, 5}) },
		"start MaxInt":         func() error { return apply(out, idx, vals, []int{0, math.MaxInt, 4}) },
		"start MinInt, MaxInt": func() error { return apply(out, idx, vals, []int{math.MinInt, math.MaxInt}) },
	}
	for what, f := range bad {
		c.err(name, level+": "+what, f)
	}
	c.nilErr(name, level+": no samples, the one start out of range", func() error {
		return apply(nil, nil, nil, []int{-5})
	})
	c.ok(name, level+": NaN values", func() string {
		nanVals := []float64{nan, nan, nan, nan, nan, nan, nan, nan}[:4*S]
		if err := apply(out, idx, nanVals, []int{0, 2, 4}); err != nil {
			return err.Error()
		}
		return ifNot(math.IsNaN(out[0]) && math.IsNaN(out[stride]), "NaN lost")
	})
}

// bitRowsCase calls NewBitRows with bad sizes and lengths and the methods
// of nil, zero and real rows with nil, short and fitting slices.
func bitRowsCase(c *checker) {
	const name = "ops.NewBitRows"
	for _, kw := range badSizes {
		what := fmt.Sprintf("K, W = %d, %d", kw[0], kw[1])
		c.err(name, what+", nil words", func() error { _, err := ops.NewBitRows(nil, nil, kw[0], kw[1]); return err })
		c.err(name, what+", 6 words", func() error {
			_, err := ops.NewBitRows(make([]uint64, 6), make([]uint64, 6), kw[0], kw[1])
			return err
		})
	}
	c.err(name, "6 and 5 words for 2×3", func() error {
		_, err := ops.NewBitRows(make([]uint64, 6), make([]uint64, 5), 2, 3)
		return err
	})
	neg, nz := []uint64{1, 3, 0xf0, 0, ^uint64(0), 5}, []uint64{3, 7, 0xff, 1 << 63, ^uint64(0), 4}
	b, err := ops.NewBitRows(neg, nz, 3, 2)
	if err != nil {
		c.t.Fatal(err)
	}
	c.ok("ops.(*BitRows).Len", "nil, zero, 3 rows", func() string {
		return ifNot((*ops.BitRows)(nil).Len() == 0 && (&ops.BitRows{}).Len() == 0 && b.Len() == 8, "want 0, 0, 8")
	})
	const m = "ops.(*BitRows).Mismatches"
	c.ok(m, "nil rows, nil slices", func() string { (*ops.BitRows)(nil).Mismatches(nil, nil); return "" })
	c.ok(m, "zero rows, nil slices", func() string { (&ops.BitRows{}).Mismatches(nil, nil); return "" })
	const why = "documented: out and a are sized once from Len() and W; a wrong length is a programmer error of the per-row loop, as for a slice index"
	c.panics(m, "nil slices", why, func() { b.Mismatches(nil, nil) })
	c.panics(m, "short out", why, func() { b.Mismatches(make([]int64, 7), []uint64{1, 2}) })
	c.panics(m, "short a", why, func() { b.Mismatches(make([]int64, 8), []uint64{1}) })
	a := []uint64{0x5a5a, 1 << 63}
	atLevels(func(level string) { mismatchesAgainstPopcounts(c, level, b, neg, nz, a) })
}

// mismatchesAgainstPopcounts checks b.Mismatches (3 rows of 2 words neg,
// nz) against the popcounts of the definition, with a longer out than
// Len().
func mismatchesAgainstPopcounts(c *checker, level string, b *ops.BitRows, neg, nz, a []uint64) {
	c.ok("ops.(*BitRows).Mismatches", level+": fitting slices, against the popcounts", func() string {
		out := make([]int64, 9)
		b.Mismatches(out, a)
		for k := range 8 {
			var want int64 // 0 in the padding rows k ≥ 3
			for j := range 2 {
				if k < 3 {
					want += int64(bits.OnesCount64((a[j] ^ neg[k*2+j]) & nz[k*2+j]))
				}
			}
			if out[k] != want {
				return fmt.Sprintf("out[%d] = %d, want %d", k, out[k], want)
			}
		}
		return ""
	})
}

// signProductCase calls NewSignProduct with bad sizes, lengths and
// entries, and the methods of nil, zero and real products (one- and
// two-sided) at every kernel level.
func signProductCase(c *checker) {
	const name = "ops.NewSignProduct"
	for _, kn := range badSizes {
		what := fmt.Sprintf("K, N = %d, %d", kn[0], kn[1])
		c.err(name, what+", nil weights", func() error { _, err := ops.NewSignProduct(nil, nil, kn[0], kn[1]); return err })
		c.err(name, what+", 6 weights", func() error { _, err := ops.NewSignProduct(make([]float64, 6), nil, kn[0], kn[1]); return err })
	}
	w := []float64{1, -1, 1, -1, -1, 1}
	for what, args := range map[string][2][]float64{
		"5 weights for 2×3": {w[:5], nil}, "1 base for K = 2": {w, {0}}, "3 bases for K = 2": {w, {0, 0, 0}},
		"a NaN weight": {{1, -1, nan, 1, 1, 1}, nil}, "a weight 2": {{1, -1, 2, 1, 1, 1}, nil},
		"a weight +Inf": {{1, -1, inf, 1, 1, 1}, nil},
	} {
		c.err(name, what, func() error { _, err := ops.NewSignProduct(args[0], args[1], 2, 3); return err })
	}
	c.ok("ops.(*SignProduct).Stride", "nil, zero", func() string {
		return ifNot((*ops.SignProduct)(nil).Stride() == 0 && (&ops.SignProduct{}).Stride() == 0, "≠ 0")
	})
	const apply = "ops.(*SignProduct).Apply"
	out, idx, vals := make([]float64, 128), []int32{0}, []float64{1}
	atLevels(func(level string) {
		c.err(apply, level+": nil product", func() error { return (*ops.SignProduct)(nil).Apply(out, idx, vals, []int{0, 1}) })
		c.err(apply, level+": zero product", func() error { return (&ops.SignProduct{}).Apply(out, idx, vals, []int{0, 1}) })
	})
	for _, w := range [][]float64{w, {1, 0, 1, -1, 0, 1}} {
		p, err := ops.NewSignProduct(w, []float64{0.5, -0.5}, 2, 3)
		if err != nil {
			c.t.Fatal(err)
		}
		c.ok("ops.(*SignProduct).Stride", "2×3", func() string { return ifNot(p.Stride() == 128, "≠ 128") })
		atLevels(func(level string) { applyHostile(c, apply, level, p.Apply, p.Stride(), 1) })
	}
}

// sparseProductCase calls NewSparseProduct and NewBinarySparseProduct with
// bad sizes, counts and lengths, and the methods of nil, zero and real
// products (one and two streams, binary) at every kernel level.
func sparseProductCase(c *checker) {
	const name, bin = "ops.NewSparseProduct", "ops.NewBinarySparseProduct"
	w := []float64{1, -0.5, 2, -1, 0.25, 3}
	for _, kn := range badSizes {
		what := fmt.Sprintf("K, N = %d, %d", kn[0], kn[1])
		c.err(name, what+", nil matrix", func() error {
			_, err := ops.NewSparseProduct([][]float64{nil}, [][]float64{nil}, kn[0], kn[1])
			return err
		})
		c.err(name, what+", two matrices of 6", func() error {
			_, err := ops.NewSparseProduct([][]float64{w, w}, [][]float64{nil, nil}, kn[0], kn[1])
			return err
		})
		c.err(bin, what+", nil means", func() error {
			_, err := ops.NewBinarySparseProduct(nil, [][]float64{nil, nil}, kn[0], kn[1])
			return err
		})
		c.err(bin, what+", 6 means", func() error {
			_, err := ops.NewBinarySparseProduct(w, [][]float64{nil, nil}, kn[0], kn[1])
			return err
		})
	}
	for what, args := range map[string][2][][]float64{
		"no matrices": {nil, nil}, "3 matrices": {{w, w, w}, {nil, nil, nil}}, "1 matrix, no base": {{w}, nil},
		"1 matrix, 2 bases": {{w}, {nil, nil}}, "5 values for 2×3": {{w[:5]}, {nil}},
		"second matrix short": {{w, w[:5]}, {nil, nil}}, "base of 3 for K = 2": {{w}, {{1, 2, 3}}},
	} {
		c.err(name, what, func() error { _, err := ops.NewSparseProduct(args[0], args[1], 2, 3); return err })
	}
	for what, base := range map[string][][]float64{
		"nil bases": nil, "1 base": {nil}, "3 bases": {nil, nil, nil}, "second base of 1": {nil, {1}},
		"first base of 3": {{1, 2, 3}, nil},
	} {
		c.err(bin, what, func() error { _, err := ops.NewBinarySparseProduct(w, base, 2, 3); return err })
	}
	sparseMethodsCase(c, w)
}

// sparseMethodsCase calls the methods of SparseProduct: on nil and zero
// products, and on products of w (2×3, no zero entry) with bad arguments.
func sparseMethodsCase(c *checker, w []float64) {
	const stride, pad, apply = "ops.(*SparseProduct).Stride", "ops.(*SparseProduct).SetPad", "ops.(*SparseProduct).Apply"
	var none *ops.SparseProduct[float64]
	c.ok(stride, "nil, zero", func() string {
		return ifNot(none.Stride() == 0 && (&ops.SparseProduct[float32]{}).Stride() == 0, "≠ 0")
	})
	c.err(pad, "nil product", func() error { return none.SetPad(0, 1) })
	c.err(pad, "zero product", func() error { return (&ops.SparseProduct[float64]{}).SetPad(0, 1) })
	out, idx, vals := make([]float64, 256), []int32{0}, []float64{1, 1}
	atLevels(func(level string) {
		c.err(apply, level+": nil product", func() error { return none.Apply(out, idx, vals, []int{0, 1}) })
		c.err(apply, level+": zero product", func() error {
			return (&ops.SparseProduct[float64]{}).Apply(out, idx, vals, []int{0, 1})
		})
	})
	one, err1 := ops.NewSparseProduct([][]float64{w}, [][]float64{{1, 2}}, 2, 3)
	two, err2 := ops.NewSparseProduct([][]float64{w, w}, [][]float64{nil, {nan, 1}}, 2, 3)
	binary, err3 := ops.NewBinarySparseProduct(w, [][]float64{nil, nil}, 2, 3)
	if err1 != nil || err2 != nil || err3 != nil {
		c.t.Fatal(err1, err2, err3)
	}
	for i, p := range []*ops.SparseProduct[float64]{one, two, binary} {
		S := []int{1, 2, 2}[i]
		c.ok(stride, fmt.Sprintf("%d streams", S), func() string { return ifNot(p.Stride() == 128*S, "≠ 128·S") })
		for _, s := range []int{-1, S, math.MaxInt, math.MinInt} {
			c.err(pad, fmt.Sprintf("stream %d of %d", s, S), func() error { return p.SetPad(s, 1) })
		}
		c.nilErr(pad, fmt.Sprintf("stream %d of %d, NaN", S-1, S), func() error { return p.SetPad(S-1, nan) })
		atLevels(func(level string) { applyHostile(c, apply, level, p.Apply, p.Stride(), S) })
	}
}

// erfRatioCase calls ErfRatio with nil and unequal slices and hostile
// values at every kernel level: only the common prefix may be written,
// and there as math.Erf gives it.
func erfRatioCase(c *checker) {
	const name = "ops.ErfRatio"
	omega, v := make([]float64, 37), make([]float64, 37)
	for j := range omega {
		omega[j], v[j] = float64(j)-18, float64(j%5)
	}
	omega[3], v[4], v[5], omega[6], v[7] = nan, nan, -1, inf, inf
	lens := map[string][4]int{"all nil": {}, "delta nil": {37, 0, 37, 37}, "xhat short": {5, 37, 37, 37},
		"v short": {40, 40, 37, 20}, "omega short": {37, 37, 19, 37}, "equal": {37, 37, 37, 37}}
	atLevels(func(level string) {
		for what, l := range lens {
			c.ok(name, level+": "+what+", NaN, ±Inf, v ≤ 0", func() string {
				xhat, delta := make([]float64, l[0]), make([]float64, l[1])
				for j := range xhat {
					xhat[j] = 7 // a sentinel: not an erf
				}
				ops.ErfRatio(xhat, delta, omega[:l[2]], v[:l[3]])
				n := min(l[0], l[1], l[2], l[3])
				for j, x := range xhat {
					want := 7.0
					if j < n {
						want = math.Erf(omega[j] / math.Sqrt(2*v[j]))
					}
					if !(x == want || math.IsNaN(x) && math.IsNaN(want) || math.Abs(x-want) < 1e-13) {
						return fmt.Sprintf("xhat[%d] = %v, want %v", j, x, want)
					}
				}
				return ""
			})
		}
		c.ok(name, level+": float32, unequal", func() string {
			xhat, delta := make([]float32, 40), make([]float32, 3)
			ops.ErfRatio(xhat, delta, []float32{1, float32(nan), 3, 4}, []float32{1, 1, 1, 1, 1})
			return ifNot(math.IsNaN(float64(xhat[1])) && xhat[3] == 0 && delta[0] > 0, "not the common prefix")
		})
	})
}

// opsPredictCases are the cases of the prediction kernels of package ops.
var opsPredictCases = []apiCase{
	{names: []string{"ops.NewBitRows", "ops.(*BitRows).Len", "ops.(*BitRows).Mismatches"}, run: bitRowsCase},
	{names: []string{"ops.NewSignProduct", "ops.(*SignProduct).Stride", "ops.(*SignProduct).Apply"}, run: signProductCase},
	{names: []string{"ops.NewSparseProduct", "ops.NewBinarySparseProduct", "ops.(*SparseProduct).Stride",
		"ops.(*SparseProduct).SetPad", "ops.(*SparseProduct).Apply"}, run: sparseProductCase},
	{names: []string{"ops.ErfRatio"}, run: erfRatioCase},
}
