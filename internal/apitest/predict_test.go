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

// applyFunc is the Apply method of a SparseProduct[float64].
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
	const sg = "ops.(*BitRows).Signs"
	c.err(sg, "nil rows", func() error { return (*ops.BitRows)(nil).Signs(make([]uint64, 1), a) })
	c.err(sg, "zero rows", func() error { return (&ops.BitRows{}).Signs(make([]uint64, 1), a) })
	c.err(sg, "nil out", func() error { return b.Signs(nil, a) })
	c.err(sg, "short a", func() error { return b.Signs(make([]uint64, 1), a[:1]) })
	atLevels(func(level string) {
		c.ok(sg, level+": fitting slices, against the popcounts", func() string {
			out := []uint64{^uint64(0), 7}
			if err := b.Signs(out, a); err != nil {
				return err.Error()
			}
			var want uint64
			for k := range 3 {
				mm, count := 0, 0
				for j := range 2 {
					mm += bits.OnesCount64((a[j] ^ neg[k*2+j]) & nz[k*2+j])
					count += bits.OnesCount64(nz[k*2+j])
				}
				if 2*mm > count {
					want |= 1 << k
				}
			}
			return ifNot(out[0] == want && out[1] == 7, fmt.Sprintf("out = %#x, %d; want %#x, 7 (untouched)", out[0], out[1], want))
		})
	})
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
	c.ok("ops.(*SignProduct).Words", "nil, zero", func() string {
		return ifNot((*ops.SignProduct)(nil).Words() == 0 && (&ops.SignProduct{}).Words() == 0, "≠ 0")
	})
	const signs = "ops.(*SignProduct).Signs"
	nb, ub, idx, vals := make([]uint64, 4), make([]uint64, 4), []int32{0}, []float64{1}
	atLevels(func(level string) {
		c.err(signs, level+": nil product", func() error {
			return (*ops.SignProduct)(nil).Signs(nb, ub, idx, vals, []int{0, 1}, []float64{0})
		})
		c.err(signs, level+": zero product", func() error {
			return (&ops.SignProduct{}).Signs(nb, ub, idx, vals, []int{0, 1}, []float64{0})
		})
	})
	for _, w := range [][]float64{w, {1, 0, 1, -1, 0, 1}} {
		p, err := ops.NewSignProduct(w, []float64{0.5, -0.5}, 2, 3)
		if err != nil {
			c.t.Fatal(err)
		}
		c.ok("ops.(*SignProduct).Words", "2×3", func() string { return ifNot(p.Words() == 4, "≠ 4") })
		atLevels(func(level string) { signsHostile(c, signs, level, p) })
	}
}

// signsHostile calls the Signs of p (2×3, base ±0.5, 4 words per sample)
// with nil, short and inconsistent slices, indices out of range, bad
// margins, and NaN and huge values (every unit unsure).
func signsHostile(c *checker, name, level string, p *ops.SignProduct) {
	nb, ub, vals, idx := make([]uint64, 8), make([]uint64, 8), []float64{1, 2, 3, 4}, []int32{0, 1, 2, 0}
	st, m := []int{0, 2, 4}, []float64{0, 0}
	bad := map[string]func() error{
		"nil slices":           func() error { return p.Signs(nil, nil, nil, nil, nil, nil) },
		"no starts":            func() error { return p.Signs(nb, ub, idx, vals, []int{}, m) },
		"short neg":            func() error { return p.Signs(nb[:7], ub, idx, vals, st, m) },
		"short unsure":         func() error { return p.Signs(nb, ub[:4], idx, vals, st, m) },
		"short margin":         func() error { return p.Signs(nb, ub, idx, vals, st, m[:1]) },
		"short vals":           func() error { return p.Signs(nb, ub, idx, vals[:3], st, m) },
		"nil idx":              func() error { return p.Signs(nb, ub, nil, vals, st, m) },
		"index -1":             func() error { return p.Signs(nb, ub, []int32{0, -1, 2, 0}, vals, st, m) },
		"index N":              func() error { return p.Signs(nb, ub, []int32{0, 1, 3, 0}, vals, st, m) },
		"index MaxInt32":       func() error { return p.Signs(nb, ub, []int32{math.MaxInt32, 1, 2, 0}, vals, st, m) },
		"starts decreasing":    func() error { return p.Signs(nb, ub, idx, vals, []int{0, 3, 2}, m) },
		"negative start":       func() error { return p.Signs(nb, ub, idx, vals, []int{-1, 2, 4}, m) },
		"start past idx":       func() error { return p.Signs(nb, ub, idx, vals, []int{0, 2, 5}, m) },
		"start MaxInt":         func() error { return p.Signs(nb, ub, idx, vals, []int{0, math.MaxInt, 4}, m) },
		"start MinInt, MaxInt": func() error { return p.Signs(nb, ub, idx, vals, []int{math.MinInt, math.MaxInt}, m) },
		"NaN margin":           func() error { return p.Signs(nb, ub, idx, vals, st, []float64{0, nan}) },
		"negative margin":      func() error { return p.Signs(nb, ub, idx, vals, st, []float64{-1, 0}) },
	}
	for what, f := range bad {
		c.err(name, level+": "+what, f)
	}
	c.nilErr(name, level+": no samples, the one start out of range", func() error {
		return p.Signs(nil, nil, nil, nil, []int{-5}, nil)
	})
	for what, v := range map[string]float64{"NaN": nan, "+Inf": inf, "huge": 0x1p1000} {
		c.ok(name, level+": a "+what+" value", func() string {
			if err := p.Signs(nb, ub, idx, []float64{v, 1, 1, 1}, st, m); err != nil {
				return err.Error()
			}
			return ifNot(ub[0] == 3 && nb[0] == 0 && ub[4] == 0, "want sample 0 unsure throughout, sample 1 decided")
		})
	}
	c.ok(name, level+": +Inf margin", func() string {
		if err := p.Signs(nb, ub, idx, vals, st, []float64{inf, 0}); err != nil {
			return err.Error()
		}
		// Sample 1: x = (3, 4) at inputs 2, 0; rows (1, ·, 1) and (−1, ·, 1):
		// 0.5 + 3 + 4 = 7.5 and −0.5 + 3 − 4 = −1.5.
		return ifNot(ub[0] == 3 && ub[4] == 0 && nb[4]&1 == 0, "want sample 0 unsure, sample 1 decided, unit 0 positive")
	})
}

// foregroundCase calls Foreground with short slices, and with NaN and
// signed zeros against the background.
func foregroundCase(c *checker) {
	const name = "ops.Foreground"
	row := []float64{0, nan, math.Copysign(0, -1), 2}
	long := func() ([]int32, []float64, []float64) {
		m := len(row) + ops.ForegroundSlack
		return make([]int32, m), make([]float64, m), make([]float64, m)
	}
	atLevels(func(level string) {
		c.err(name, level+": nil slices", func() error { _, _, _, err := ops.Foreground(nil, nil, nil, row, 0); return err })
		c.err(name, level+": no room past the row", func() error {
			_, _, _, err := ops.Foreground(make([]int32, 4), make([]float64, 4), make([]float64, 4), row, 0)
			return err
		})
		c.ok(name, level+": NaN, −0 and 2 against 0", func() string {
			idx, x, d := long()
			n, absX, absD, err := ops.Foreground(idx, x, d, row, 0)
			if err != nil {
				return err.Error()
			}
			return ifNot(n == 3 && idx[0] == 1 && idx[1] == 2 && idx[2] == 3 && math.IsNaN(x[0]) && math.IsNaN(absX) && math.IsNaN(absD), "want 3 entries 1, 2, 3 and NaN sums")
		})
		c.ok(name, level+": an empty row", func() string {
			idx, x, d := long()
			n, absX, absD, err := ops.Foreground(idx, x, d, nil, nan)
			return ifNot(err == nil && n == 0 && absX == 0 && absD == 0, "want no entries")
		})
	})
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
	{names: []string{"ops.NewBitRows", "ops.(*BitRows).Len", "ops.(*BitRows).Mismatches", "ops.(*BitRows).Signs"}, run: bitRowsCase},
	{names: []string{"ops.NewSignProduct", "ops.(*SignProduct).Words", "ops.(*SignProduct).Signs"}, run: signProductCase},
	{names: []string{"ops.Foreground"}, run: foregroundCase},
	{names: []string{"ops.NewSparseProduct", "ops.NewBinarySparseProduct", "ops.(*SparseProduct).Stride",
		"ops.(*SparseProduct).SetPad", "ops.(*SparseProduct).Apply"}, run: sparseProductCase},
	{names: []string{"ops.ErfRatio"}, run: erfRatioCase},
}
