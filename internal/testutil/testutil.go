// Package testutil holds the floating-point comparison helpers shared by the
// tests of this module (STYLE §4): relative-or-absolute closeness, equality
// that treats NaN and ±Inf as ordinary values, and the ULP distance of
// float32 values.
package testutil

import (
	"fmt"
	"math"
)

// Close reports whether got and want agree to within tol, relative to the
// larger magnitude or absolutely, whichever is looser:
//
//	|got − want| ≤ tol·max(1, |got|, |want|)
//
// Two NaNs, or two infinities of the same sign, are close; a NaN or an
// infinity is not close to anything else.
func Close(got, want, tol float64) bool {
	if Same(got, want) {
		return true
	}
	if math.IsNaN(got) || math.IsNaN(want) || math.IsInf(got, 0) || math.IsInf(want, 0) {
		return false
	}
	scale := math.Max(1, math.Max(math.Abs(got), math.Abs(want)))
	return math.Abs(got-want) <= tol*scale
}

// RelErr returns |got − want|/max(1, |got|, |want|), the error that Close
// compares with tol: 0 when Same(got, want), +Inf when exactly one of them is
// NaN or infinite.
func RelErr(got, want float64) float64 {
	if Same(got, want) {
		return 0
	}
	if math.IsNaN(got) || math.IsNaN(want) || math.IsInf(got, 0) || math.IsInf(want, 0) {
		return math.Inf(1)
	}
	return math.Abs(got-want) / math.Max(1, math.Max(math.Abs(got), math.Abs(want)))
}

// Same reports whether a and b are the same value: equal numbers (so +0 and
// −0 are the same), infinities of one sign, or both NaN.
func Same(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// Identical reports whether a and b have the same bits, for determinism tests.
func Identical(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// ULP32 returns the number of float32 values between a and b (0 when they
// are equal, ±0 included). It returns math.MaxUint32 when either is NaN.
func ULP32(a, b float32) uint32 {
	if a != a || b != b {
		return math.MaxUint32
	}
	if a == b {
		return 0
	}
	ord := func(x float32) int64 {
		u := int64(math.Float32bits(x))
		if u&(1<<31) != 0 {
			return -(u &^ (1 << 31))
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	if d > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(d)
}

// CloseSlices compares got with want element by element with Close and
// returns a description of the first mismatch ("" if all are close): its
// index, both values and the error. The lengths must match.
func CloseSlices(got, want []float64, tol float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("length %d, want %d", len(got), len(want))
	}
	bad, worst, wi := 0, 0.0, -1
	for i := range got {
		if !Close(got[i], want[i], tol) {
			bad++
			if e := RelErr(got[i], want[i]); wi < 0 || e > worst {
				worst, wi = e, i
			}
		}
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d elements differ; worst [%d] = %v, want %v (rel err %.3g, tol %.3g)",
		bad, len(got), wi, got[wi], want[wi], worst, tol)
}

// MaxRelErr returns the largest RelErr over the elements of got and want,
// which must have the same length.
func MaxRelErr(got, want []float64) float64 {
	var m float64
	for i := range got {
		m = math.Max(m, RelErr(got[i], want[i]))
	}
	return m
}
