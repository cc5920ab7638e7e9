package data

import (
	"fmt"
	"math"

	"github.com/fbpgo/fbp/internal/par"
)

// StdEps is added to the standard deviation before dividing, as in
// EXPERIMENTS §I.1: x ← (x − mean)/(std + StdEps).
const StdEps = 1e-5

// Stats holds the scalar pixel statistics used by Standardize.
type Stats struct {
	Mean float64 // mean of all pixels of all samples
	Std  float64 // sample standard deviation (divisor n−1) of all pixels
}

// PixelStats returns the mean and standard deviation of all pixels of s,
// taken as one population of n = M·N numbers:
//
//	mean = Σ x / n
//	std  = sqrt(Σ (x − mean)² / (n − 1))
//
// The divisor n − 1 follows Julia's std, which the reference scripts use; for
// MNIST (n = 47,040,000) it differs from divisor n by 1e-8 relative.
// Both sums are compensated (Neumaier), in two passes.
//
// It returns an error wrapping ErrEmpty if s has fewer than 2 pixels, the
// error of s.Validate if s is invalid, and one wrapping ErrNonFinite if the
// sums overflow (pixels near ±math.MaxFloat64).
func PixelStats(s *Set) (Stats, error) {
	if err := s.checkShapeLabels(); err != nil {
		return Stats{}, err
	}
	// The pixels are checked after the first sum, which is not finite when
	// a pixel is not: once NaN or ±Inf, a running sum stays so. This spares
	// a pass over the pixels and reports the first bad one, as Validate.
	var sum neumaier
	sum.addAll(s.X)
	if !finite(sum.value()) {
		if err := s.checkPixels(); err != nil {
			return Stats{}, err
		}
	}
	n := len(s.X)
	if n < 2 {
		return Stats{}, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: %d pixels, need at least 2", ErrEmpty, n)}
	}
	mean := sum.value() / float64(n)
	var ss neumaier
	ss.addSquares(s.X, mean)
	st := Stats{Mean: mean, Std: math.Sqrt(ss.value() / float64(n-1))}
	return st, st.check(s.Name)
}

// check reports statistics that are not finite, as pixels of magnitude near
// math.MaxFloat64 give: applied, they would make pixels NaN or ±Inf.
func (st Stats) check(name string) error {
	if math.IsNaN(st.Mean) || math.IsInf(st.Mean, 0) || math.IsNaN(st.Std) || math.IsInf(st.Std, 0) {
		return &SetError{Name: name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: pixel statistics overflow (mean %v, std %v); want pixels of moderate magnitude, such as [0,1]", ErrNonFinite, st.Mean, st.Std)}
	}
	return nil
}

// Apply returns a copy of s with every pixel mapped to
// (x − st.Mean)/(st.Std + StdEps). It returns a *SetError wrapping ErrShape
// if s is inconsistent (see Validate), and one wrapping ErrNonFinite if
// st.Mean or st.Std is not finite or st.Std + StdEps is not positive, which
// would make every pixel NaN or ±Inf, or if a standardised pixel overflows.
func (st Stats) Apply(s *Set) (*Set, error) {
	scale, err := st.scale(s)
	if err != nil {
		return nil, err
	}
	x := make([]float64, len(s.X))
	bad := par.FirstIndex(len(x), chunkElems, func(lo, hi int) int {
		return standardizeRange(x[lo:hi], s.X[lo:hi], st.Mean, scale, lo)
	})
	if err := overflowError(s.Name, x, bad); err != nil {
		return nil, err
	}
	return s.withX(x), nil
}

// scale checks the arguments of Apply and returns the divisor
// st.Std + StdEps; the errors are those of Apply but for overflow.
func (st Stats) scale(s *Set) (float64, error) {
	if err := s.checkShape(); err != nil {
		return 0, err
	}
	if err := st.check(s.Name); err != nil {
		return 0, err
	}
	scale := st.Std + StdEps
	if !(scale > 0) {
		return 0, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: std %v: want std > −%v", ErrNonFinite, st.Std, StdEps)}
	}
	return scale, nil
}

// standardizeRange sets dst[k] = (src[k] − mean)/scale for every k, as far
// as the first result that is not finite, and returns off + k for that k,
// or -1 if every result is finite.
func standardizeRange(dst, src []float64, mean, scale float64, off int) int {
	dst = dst[:len(src)]
	for k, v := range src {
		y := (v - mean) / scale
		dst[k] = y
		if !finite(y) {
			return off + k
		}
	}
	return -1
}

// overflowError returns, for bad ≥ 0, a *SetError wrapping ErrNonFinite
// for pixel bad of a standardised set, x[bad], which overflowed (a pixel
// far larger than the training set's); nil for bad < 0.
func overflowError(name string, x []float64, bad int) error {
	if bad < 0 {
		return nil
	}
	return &SetError{Name: name, Field: "X", Index: bad,
		Err: fmt.Errorf("%w: standardising gives %v; the pixel is far outside the range of the training set's", ErrNonFinite, x[bad])}
}

// Standardize implements step 2 of the pre-processing of EXPERIMENTS §I.1
// for MNIST and Fashion-MNIST: the scalar statistics st = PixelStats(train)
// are computed once and applied to both sets,
//
//	x ← (x − st.Mean)/(st.Std + StdEps).
//
// It returns new sets; train and test are not modified. test may be nil, in
// which case testOut is nil. The error is that of PixelStats on train, of
// test.Validate, or of Apply when pixels so large that their sums overflow
// give non-finite statistics.
func Standardize(train, test *Set) (trainOut, testOut *Set, st Stats, err error) {
	st, err = PixelStats(train)
	if err != nil {
		return nil, nil, Stats{}, err
	}
	if test != nil {
		if err := test.Validate(); err != nil {
			return nil, nil, Stats{}, err
		}
		if testOut, err = st.Apply(test); err != nil {
			return nil, nil, Stats{}, err
		}
	}
	if trainOut, err = st.Apply(train); err != nil {
		return nil, nil, Stats{}, err
	}
	return trainOut, testOut, st, nil
}

// ChannelStats returns the mean and standard deviation of each of channels
// colour channels of s. A sample's N features are taken as channels blocks
// of P = N/channels consecutive values, channel-major as in CIFAR-10
// (X[c·P + p] is pixel p of channel c); the statistics of channel c pool
// its P pixels of all M samples, n = M·P numbers, with the formulas of
// PixelStats (divisor n − 1, compensated sums in two passes):
//
//	mean_c = Σ_{i,p} x[i, c·P+p] / n
//	std_c  = sqrt(Σ_{i,p} (x[i, c·P+p] − mean_c)² / (n − 1))
//
// ChannelStats(s, 1) equals []Stats{PixelStats(s)}.
//
// It returns a *SetError wrapping ErrShape if channels < 1 or N is not a
// multiple of channels, one wrapping ErrEmpty if a channel has fewer than 2
// values, one wrapping ErrNonFinite if the sums overflow, and the error of
// s.Validate if s is invalid.
func ChannelStats(s *Set, channels int) ([]Stats, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if channels < 1 || s.N%channels != 0 {
		return nil, &SetError{Name: s.Name, Field: "shape", Index: -1,
			Err: fmt.Errorf("%w: N = %d is not a positive multiple of %d channels", ErrShape, s.N, channels)}
	}
	P := s.N / channels
	if n := s.M * P; n < 2 {
		return nil, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: %d values per channel, need at least 2", ErrEmpty, n)}
	}
	n := float64(s.M * P)
	st := make([]Stats, channels)
	for c := range st {
		var sum neumaier
		for i := 0; i < s.M; i++ {
			sum.addAll(s.X[i*s.N+c*P : i*s.N+(c+1)*P])
		}
		mean := sum.value() / n
		var ss neumaier
		for i := 0; i < s.M; i++ {
			ss.addSquares(s.X[i*s.N+c*P:i*s.N+(c+1)*P], mean)
		}
		st[c] = Stats{Mean: mean, Std: math.Sqrt(ss.value() / (n - 1))}
		if err := st[c].check(s.Name); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// applyChannels returns a copy of s with pixel p of channel c of every sample
// mapped to (x − st[c].Mean)/(st[c].Std + StdEps). len(st) must divide s.N.
// The error is that of overflowError for the first pixel that overflows.
func applyChannels(st []Stats, s *Set) (*Set, error) {
	x := make([]float64, len(s.X))
	P := s.N / len(st)
	bad := par.FirstIndex(s.M, max(chunkElems/max(s.N, 1), 1), func(lo, hi int) int {
		for i := lo; i < hi; i++ {
			for c, sc := range st {
				at := i*s.N + c*P
				if k := standardizeRange(x[at:at+P], s.X[at:at+P], sc.Mean, sc.Std+StdEps, at); k >= 0 {
					return k
				}
			}
		}
		return -1
	})
	if err := overflowError(s.Name, x, bad); err != nil {
		return nil, err
	}
	return s.withX(x), nil
}

// StandardizeChannels implements step 2 of the pre-processing of
// EXPERIMENTS §I.1 for CIFAR-10: the statistics st = ChannelStats(train,
// channels), one per colour channel over the pixels of all training images,
// are computed once and applied to both sets,
//
//	x ← (x − st[c].Mean)/(st[c].Std + StdEps)   for every pixel x of channel c.
//
// Use channels = CIFARChannels for CIFAR-10. It returns new sets; train and
// test are not modified. test may be nil, in which case testOut is nil. The
// error is that of ChannelStats on train, a *SetError wrapping ErrShape if
// test.N differs from train.N, that of test.Validate, or one wrapping
// ErrNonFinite if a standardised pixel overflows.
func StandardizeChannels(train, test *Set, channels int) (trainOut, testOut *Set, st []Stats, err error) {
	st, err = ChannelStats(train, channels)
	if err != nil {
		return nil, nil, nil, err
	}
	if test != nil {
		if err := test.Validate(); err != nil {
			return nil, nil, nil, err
		}
		if test.N != train.N {
			return nil, nil, nil, &SetError{Name: test.Name, Field: "shape", Index: -1,
				Err: fmt.Errorf("%w: N = %d, the training set has %d", ErrShape, test.N, train.N)}
		}
		if testOut, err = applyChannels(st, test); err != nil {
			return nil, nil, nil, err
		}
	}
	if trainOut, err = applyChannels(st, train); err != nil {
		return nil, nil, nil, err
	}
	return trainOut, testOut, st, nil
}

// neumaier is a compensated (Kahan–Babuška–Neumaier) running sum.
type neumaier struct{ s, c float64 }

// neumaierStep adds x to the running sum s with compensation c. It works on
// values, not on a *neumaier, so that the loops below keep s and c in
// registers: through a pointer each addition waits for the last one's store.
func neumaierStep(s, c, x float64) (float64, float64) {
	t := s + x
	if math.Abs(s) >= math.Abs(x) {
		c += (s - t) + x
	} else {
		c += (x - t) + s
	}
	return t, c
}

// addAll adds xs[0], xs[1], … in this order.
func (k *neumaier) addAll(xs []float64) {
	s, c := k.s, k.c
	for _, x := range xs {
		s, c = neumaierStep(s, c, x)
	}
	k.s, k.c = s, c
}

// addSquares adds (x − mean)² for x = xs[0], xs[1], … in this order.
func (k *neumaier) addSquares(xs []float64, mean float64) {
	s, c := k.s, k.c
	for _, x := range xs {
		d := x - mean
		s, c = neumaierStep(s, c, d*d)
	}
	k.s, k.c = s, c
}

func (k *neumaier) value() float64 { return k.s + k.c }
