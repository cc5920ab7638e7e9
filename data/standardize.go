package data

import (
	"fmt"
	"math"
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
	if err := s.Validate(); err != nil {
		return Stats{}, err
	}
	n := len(s.X)
	if n < 2 {
		return Stats{}, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: %d pixels, need at least 2", ErrEmpty, n)}
	}
	var sum neumaier
	for _, x := range s.X {
		sum.add(x)
	}
	mean := sum.value() / float64(n)
	var ss neumaier
	for _, x := range s.X {
		d := x - mean
		ss.add(d * d)
	}
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
	if err := s.checkShape(); err != nil {
		return nil, err
	}
	if err := st.check(s.Name); err != nil {
		return nil, err
	}
	scale := st.Std + StdEps
	if !(scale > 0) {
		return nil, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: std %v: want std > −%v", ErrNonFinite, st.Std, StdEps)}
	}
	out := s.Clone()
	for i, x := range out.X {
		out.X[i] = (x - st.Mean) / scale
	}
	if err := finiteX(out); err != nil {
		return nil, err
	}
	return out, nil
}

// finiteX returns a *SetError wrapping ErrNonFinite for the first pixel of a
// standardised set that overflowed (a pixel far larger than the training
// set's), nil if there is none.
func finiteX(s *Set) error {
	for i, x := range s.X {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &SetError{Name: s.Name, Field: "X", Index: i,
				Err: fmt.Errorf("%w: standardising gives %v; the pixel is far outside the range of the training set's", ErrNonFinite, x)}
		}
	}
	return nil
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
			for _, x := range s.X[i*s.N+c*P : i*s.N+(c+1)*P] {
				sum.add(x)
			}
		}
		mean := sum.value() / n
		var ss neumaier
		for i := 0; i < s.M; i++ {
			for _, x := range s.X[i*s.N+c*P : i*s.N+(c+1)*P] {
				d := x - mean
				ss.add(d * d)
			}
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
// The error is that of finiteX.
func applyChannels(st []Stats, s *Set) (*Set, error) {
	out := s.Clone()
	P := s.N / len(st)
	for i := 0; i < s.M; i++ {
		for c, sc := range st {
			row := out.X[i*s.N+c*P : i*s.N+(c+1)*P]
			scale := sc.Std + StdEps
			for k, x := range row {
				row[k] = (x - sc.Mean) / scale
			}
		}
	}
	if err := finiteX(out); err != nil {
		return nil, err
	}
	return out, nil
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

func (k *neumaier) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *neumaier) value() float64 { return k.s + k.c }
