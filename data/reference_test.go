package data

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
)

// The serial code that the chunked one replaced, kept as the reference it
// must match bit for bit, errors included.

func refAdd(k *neumaier, x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

// refValidate is Validate as it was; the checks of the shape and the
// labels, which did not change, are shared.
func refValidate(s *Set) error {
	if err := s.checkShapeLabels(); err != nil {
		return err
	}
	for i, x := range s.X {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &SetError{Name: s.Name, Field: "X", Index: i, Err: fmt.Errorf("%w: %v", ErrNonFinite, x)}
		}
	}
	return nil
}

func refPixelStats(s *Set) (Stats, error) {
	if err := refValidate(s); err != nil {
		return Stats{}, err
	}
	n := len(s.X)
	if n < 2 {
		return Stats{}, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: %d pixels, need at least 2", ErrEmpty, n)}
	}
	var sum, ss neumaier
	for _, x := range s.X {
		refAdd(&sum, x)
	}
	mean := sum.value() / float64(n)
	for _, x := range s.X {
		d := x - mean
		refAdd(&ss, d*d)
	}
	st := Stats{Mean: mean, Std: math.Sqrt(ss.value() / float64(n-1))}
	return st, st.check(s.Name)
}

func refFiniteX(s *Set) error {
	for i, x := range s.X {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &SetError{Name: s.Name, Field: "X", Index: i,
				Err: fmt.Errorf("%w: standardising gives %v; the pixel is far outside the range of the training set's", ErrNonFinite, x)}
		}
	}
	return nil
}

// refApply is Apply as it was; the checks of its arguments, which did not
// change, are shared.
func refApply(st Stats, s *Set) (*Set, error) {
	scale, err := st.scale(s)
	if err != nil {
		return nil, err
	}
	out := s.Clone()
	for i, x := range out.X {
		out.X[i] = (x - st.Mean) / scale
	}
	if err := refFiniteX(out); err != nil {
		return nil, err
	}
	return out, nil
}

func refStandardize(train, test *Set) (trainOut, testOut *Set, st Stats, err error) {
	st, err = refPixelStats(train)
	if err != nil {
		return nil, nil, Stats{}, err
	}
	if test != nil {
		if err := refValidate(test); err != nil {
			return nil, nil, Stats{}, err
		}
		if testOut, err = refApply(st, test); err != nil {
			return nil, nil, Stats{}, err
		}
	}
	if trainOut, err = refApply(st, train); err != nil {
		return nil, nil, Stats{}, err
	}
	return trainOut, testOut, st, nil
}

func refApplyChannels(st []Stats, s *Set) (*Set, error) {
	out := s.Clone()
	P := s.N / len(st)
	for i := 0; i < s.M; i++ {
		for c, sc := range st {
			row := out.X[i*s.N+c*P : i*s.N+(c+1)*P]
			for k, x := range row {
				row[k] = (x - sc.Mean) / (sc.Std + StdEps)
			}
		}
	}
	if err := refFiniteX(out); err != nil {
		return nil, err
	}
	return out, nil
}

// withChunks runs f with chunkElems = chunk and GOMAXPROCS = procs.
func withChunks(chunk, procs int, f func()) {
	oldChunk, oldProcs := chunkElems, runtime.GOMAXPROCS(procs)
	chunkElems = chunk
	defer func() { chunkElems = oldChunk; runtime.GOMAXPROCS(oldProcs) }()
	f()
}

// chunkings are the chunk sizes and goroutine counts the tests run under:
// one chunk, several chunks on one and on several goroutines, and chunks
// of one pixel.
var chunkings = []struct{ chunk, procs int }{{1 << 19, 2}, {7, 1}, {7, 2}, {5, 4}, {1, 3}, {64, 8}}

// sameSet reports whether a and b are equal bit for bit, nil and empty
// slices told apart.
func sameSet(a, b *Set) error {
	if (a == nil) != (b == nil) {
		return fmt.Errorf("got %v, want %v", a, b)
	}
	if a == nil {
		return nil
	}
	if a.M != b.M || a.N != b.N || a.Classes != b.Classes || a.Name != b.Name ||
		(a.X == nil) != (b.X == nil) || (a.Y == nil) != (b.Y == nil) || len(a.X) != len(b.X) || len(a.Y) != len(b.Y) {
		return fmt.Errorf("got %d×%d %q (X nil %v, Y nil %v), want %d×%d %q (X nil %v, Y nil %v)",
			a.M, a.N, a.Name, a.X == nil, a.Y == nil, b.M, b.N, b.Name, b.X == nil, b.Y == nil)
	}
	for i := range a.X {
		if math.Float64bits(a.X[i]) != math.Float64bits(b.X[i]) {
			return fmt.Errorf("X[%d] = %v, want %v", i, a.X[i], b.X[i])
		}
	}
	for i := range a.Y {
		if a.Y[i] != b.Y[i] {
			return fmt.Errorf("Y[%d] = %d, want %d", i, a.Y[i], b.Y[i])
		}
	}
	return nil
}

// sameErr reports whether err and want agree: both nil, or *SetError
// values with the same Name, Field, Index, message and sentinel.
func sameErr(err, want error) error {
	if (err == nil) != (want == nil) {
		return fmt.Errorf("error %v, want %v", err, want)
	}
	if err == nil {
		return nil
	}
	var e, w *SetError
	if !errors.As(err, &e) || !errors.As(want, &w) {
		return fmt.Errorf("error %T %v, want %T %v", err, err, want, want)
	}
	if e.Name != w.Name || e.Field != w.Field || e.Index != w.Index || e.Error() != w.Error() {
		return fmt.Errorf("error %q (%s, %s, %d),\nwant  %q (%s, %s, %d)", e, e.Name, e.Field, e.Index, w, w.Name, w.Field, w.Index)
	}
	for _, s := range []error{ErrNonFinite, ErrLabelRange, ErrShape, ErrEmpty} {
		if errors.Is(err, s) != errors.Is(want, s) {
			return fmt.Errorf("error %v: errors.Is(%v) = %v, want %v", err, s, errors.Is(err, s), errors.Is(want, s))
		}
	}
	return nil
}

// pixelSet returns an MNIST-like set of m images of n pixels named name,
// read back from IDX so that its pixels are b/255 as in MNIST.
func pixelSet(t *testing.T, m, n int, seed uint64, name string) *Set {
	t.Helper()
	img, lbl := mnistLike(m, seed)
	s, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
	if err != nil {
		t.Fatal(err)
	}
	if n != mnistPixels {
		s.N, s.X = n, s.X[:m*n]
	}
	s.Name = name
	return s
}

// refChannelStats is ChannelStats for N a multiple of channels.
func refChannelStats(s *Set, channels int) ([]Stats, error) {
	if err := refValidate(s); err != nil {
		return nil, err
	}
	P := s.N / channels
	if s.M*P < 2 {
		return nil, &SetError{Name: s.Name, Field: "X", Index: -1,
			Err: fmt.Errorf("%w: %d values per channel, need at least 2", ErrEmpty, s.M*P)}
	}
	n := float64(s.M * P)
	st := make([]Stats, channels)
	for c := range st {
		var sum, ss neumaier
		for i := 0; i < s.M; i++ {
			for _, x := range s.X[i*s.N+c*P : i*s.N+(c+1)*P] {
				refAdd(&sum, x)
			}
		}
		mean := sum.value() / n
		for i := 0; i < s.M; i++ {
			for _, x := range s.X[i*s.N+c*P : i*s.N+(c+1)*P] {
				d := x - mean
				refAdd(&ss, d*d)
			}
		}
		st[c] = Stats{Mean: mean, Std: math.Sqrt(ss.value() / (n - 1))}
		if err := st[c].check(s.Name); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// refStandardizeChannels is StandardizeChannels for sets whose N is a
// multiple of channels and the same for both.
func refStandardizeChannels(train, test *Set, channels int) (trainOut, testOut *Set, st []Stats, err error) {
	if st, err = refChannelStats(train, channels); err != nil {
		return nil, nil, nil, err
	}
	if test != nil {
		if err := refValidate(test); err != nil {
			return nil, nil, nil, err
		}
		if testOut, err = refApplyChannels(st, test); err != nil {
			return nil, nil, nil, err
		}
	}
	if trainOut, err = refApplyChannels(st, train); err != nil {
		return nil, nil, nil, err
	}
	return trainOut, testOut, st, nil
}
