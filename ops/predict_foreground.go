package ops

import (
	"math"

	"github.com/pkg/errors"
)

// ForegroundSlack is the room that Foreground needs past the entries it
// keeps: its vector kernel stores whole vectors.
const ForegroundSlack = 8

// Foreground collects the foreground of an input vector, the entries of
// row whose bits differ from those of the background value b (−0 against
// 0 differs, NaN against the same NaN does not), in ascending order: their
// indices into idx, their values into x and x − b into d. It returns their
// number n and the sums Σ|x| and Σ|x − b| over them, rounded in an order of
// the kernel's own (within n·u of the exact sums, u = 2⁻⁵³). idx, x and d
// need len(row) + ForegroundSlack entries, of which those past n are left
// unspecified. It returns an error, and writes nothing, for shorter ones
// or a row longer than math.MaxInt32.
func Foreground(idx []int32, x, d, row []float64, b float64) (n int, absX, absD float64, err error) {
	if need := len(row) + ForegroundSlack; len(idx) < need || len(x) < need || len(d) < need || len(row) > math.MaxInt32 {
		return 0, 0, 0, errors.Errorf("ops: Foreground: %d indices, %d and %d values for a row of %d, want len(row) + %d each and a row of at most MaxInt32",
			len(idx), len(x), len(d), len(row), ForegroundSlack)
	}
	if k := foregroundAsm(); k != nil {
		n, absX, absD = k(idx, x, d, row, b)
		return n, absX, absD, nil
	}
	bb := math.Float64bits(b)
	for i, v := range row {
		idx[n], x[n] = int32(i), v // kept if v is foreground
		// Without a branch (foreground is unpredictable): n advances
		// unless v has the bits of b.
		diff := math.Float64bits(v) ^ bb
		n += int((diff | -diff) >> 63)
	}
	for t, v := range x[:n] {
		d[t] = v - b
		absX += math.Abs(v)
		absD += math.Abs(d[t])
	}
	return n, absX, absD, nil
}
