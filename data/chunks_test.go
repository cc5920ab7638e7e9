package data

import (
	"bytes"
	"fmt"
	"math"
	"testing"
)

// TestStandardizeReference checks Standardize, StandardizeChannels,
// Validate, PixelStats and Apply against the serial reference on valid
// MNIST-like sets, bit for bit, over several chunkings.
func TestStandardizeReference(t *testing.T) {
	for _, shape := range []struct{ m, n int }{{30, 784}, {13, 10}, {1, 2}} {
		train := pixelSet(t, shape.m, shape.n, 5, "train")
		test := pixelSet(t, 7, shape.n, 6, "test")
		for _, c := range chunkings {
			name := fmt.Sprintf("%d×%d/chunk %d/procs %d", shape.m, shape.n, c.chunk, c.procs)
			withChunks(c.chunk, c.procs, func() { compareAll(t, name, train, test) })
		}
	}
}

// compareAll compares every function of this file with its reference on
// one train/test pair; test may be nil.
func compareAll(t *testing.T, name string, train, test *Set) {
	t.Helper()
	for _, s := range []*Set{train, test} {
		if s != nil {
			if err := sameErr(s.Validate(), refValidate(s)); err != nil {
				t.Errorf("%s: Validate(%s): %v", name, s.Name, err)
			}
		}
	}
	st, err := PixelStats(train)
	wantSt, wantErr := refPixelStats(train)
	if err := sameErr(err, wantErr); err != nil || !sameStats(st, wantSt) {
		t.Errorf("%s: PixelStats = %v, %v; want %v, %v", name, st, err, wantSt, wantErr)
	}
	for _, s := range []*Set{train, test} {
		fixed := Stats{Mean: 0.13, Std: 0.31}
		if s == nil {
			continue
		}
		out, err := fixed.Apply(s)
		want, wantErr := refApply(fixed, s)
		if e := sameErr(err, wantErr); e != nil {
			t.Errorf("%s: Apply(%s): %v", name, s.Name, e)
		} else if e := sameSet(out, want); e != nil {
			t.Errorf("%s: Apply(%s): %v", name, s.Name, e)
		}
	}
	tr, te, st, err := Standardize(train, test)
	wantTr, wantTe, wantSt, wantErr := refStandardize(train, test)
	if e := sameErr(err, wantErr); e != nil || !sameStats(st, wantSt) {
		t.Errorf("%s: Standardize: stats %v, want %v; %v", name, st, wantSt, e)
	}
	for _, p := range [][2]*Set{{tr, wantTr}, {te, wantTe}} {
		if e := sameSet(p[0], p[1]); e != nil {
			t.Errorf("%s: Standardize: %v", name, e)
		}
	}
	if train.N%2 != 0 || (test != nil && test.N != train.N) {
		return
	}
	tr, te, sts, err := StandardizeChannels(train, test, 2)
	wantTr, wantTe, wantSts, wantErr := refStandardizeChannels(train, test, 2)
	if e := sameErr(err, wantErr); e != nil || len(sts) != len(wantSts) || (len(sts) == 2 && !(sameStats(sts[0], wantSts[0]) && sameStats(sts[1], wantSts[1]))) {
		t.Errorf("%s: StandardizeChannels: stats %v, want %v; %v", name, sts, wantSts, e)
	}
	for _, p := range [][2]*Set{{tr, wantTr}, {te, wantTe}} {
		if e := sameSet(p[0], p[1]); e != nil {
			t.Errorf("%s: StandardizeChannels: %v", name, e)
		}
	}
}

func sameStats(a, b Stats) bool {
	return math.Float64bits(a.Mean) == math.Float64bits(b.Mean) && math.Float64bits(a.Std) == math.Float64bits(b.Std)
}

// TestStandardizeReferenceHostile compares the errors with the reference
// on sets with NaN and ±Inf pixels in the first, a middle, the last and a
// later chunk, two bad pixels in different chunks (the first must be
// named), a bad label before a bad pixel, pixels whose sums overflow and
// test pixels that overflow when standardised.
func TestStandardizeReferenceHostile(t *testing.T) {
	nan, inf, huge := math.NaN(), math.Inf(1), math.MaxFloat64
	type put struct {
		i int
		v float64
	}
	cases := []struct {
		name        string
		train, test []put
		label       int // index of a bad training label, or -1
	}{
		{"NaN first", []put{{0, nan}}, nil, -1},
		{"NaN middle", []put{{7000, nan}}, nil, -1},
		{"NaN last", []put{{15679, nan}}, nil, -1},
		{"NaN later chunk, Inf after", []put{{12001, nan}, {15000, inf}}, nil, -1},
		{"-Inf before NaN", []put{{301, math.Inf(-1)}, {9000, nan}}, nil, -1},
		{"bad label and NaN", []put{{5, nan}}, nil, 3},
		{"sum overflow", []put{{100, huge}, {12000, huge}}, nil, -1},
		{"test NaN later chunk", nil, []put{{4000, nan}, {5400, nan}}, -1},
		{"test overflow", nil, []put{{4500, huge}, {5000, -huge}}, -1},
		{"test overflow first and last", nil, []put{{0, huge}, {5487, huge}}, -1},
	}
	for _, tc := range cases {
		train := pixelSet(t, 20, 784, 7, "train")
		test := pixelSet(t, 7, 784, 8, "test")
		for _, p := range tc.train {
			train.X[p.i] = p.v
		}
		for _, p := range tc.test {
			test.X[p.i] = p.v
		}
		if tc.label >= 0 {
			train.Y[tc.label] = 10
		}
		for _, c := range chunkings {
			name := fmt.Sprintf("%s/chunk %d/procs %d", tc.name, c.chunk, c.procs)
			withChunks(c.chunk, c.procs, func() { compareAll(t, name, train, test) })
		}
	}
}

// TestApplyReferenceHostile checks Apply's own errors, without the
// validation of Standardize: NaN input pixels in several chunks, bad
// statistics, and empty and one-pixel sets.
func TestApplyReferenceHostile(t *testing.T) {
	s := pixelSet(t, 3, 784, 9, "s")
	s.X[900], s.X[1700] = math.NaN(), math.Inf(-1)
	empty := &Set{M: 0, N: 784, Classes: 10, Name: "empty"}
	one := &Set{X: []float64{math.NaN()}, Y: []int{1}, M: 1, N: 1, Classes: 10, Name: "one"}
	for _, c := range chunkings {
		withChunks(c.chunk, c.procs, func() {
			for _, st := range []Stats{{0.1, 0.3}, {math.NaN(), 1}, {0, -1}, {1e308, 1e-300}} {
				for _, x := range []*Set{s, empty, one} {
					got, err := st.Apply(x)
					want, wantErr := refApply(st, x)
					if e := sameErr(err, wantErr); e != nil {
						t.Errorf("chunk %d procs %d: %v.Apply(%s): %v", c.chunk, c.procs, st, x.Name, e)
					} else if e := sameSet(got, want); e != nil {
						t.Errorf("chunk %d procs %d: %v.Apply(%s): %v", c.chunk, c.procs, st, x.Name, e)
					}
				}
			}
			for _, x := range []*Set{empty, one} {
				st, err := PixelStats(x)
				wantSt, wantErr := refPixelStats(x)
				if e := sameErr(err, wantErr); e != nil || !sameStats(st, wantSt) {
					t.Errorf("chunk %d procs %d: PixelStats(%s) = %v, %v; want %v, %v", c.chunk, c.procs, x.Name, st, err, wantSt, wantErr)
				}
			}
		})
	}
}

// TestReadIDXReference checks the chunked conversion of ReadIDX against
// b/255 for every byte of an MNIST-like file, and the table for all 256
// byte values.
func TestReadIDXReference(t *testing.T) {
	for b := range 256 {
		if math.Float64bits(byteToUnit[b]) != math.Float64bits(float64(b)/255) {
			t.Errorf("byteToUnit[%d] = %v, want %v", b, byteToUnit[b], float64(b)/255)
		}
	}
	img, lbl := mnistLike(20, 10)
	for _, c := range chunkings {
		withChunks(c.chunk, c.procs, func() {
			s, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range img[idxImageHeader:] {
				if math.Float64bits(s.X[i]) != math.Float64bits(float64(b)/255) {
					t.Fatalf("chunk %d procs %d: X[%d] = %v, want %v", c.chunk, c.procs, i, s.X[i], float64(b)/255)
				}
			}
		})
	}
}
