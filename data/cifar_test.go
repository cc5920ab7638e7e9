package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecord returns one CIFAR record with the given label whose pixel k
// (0 ≤ k < 3072, channel-major) is the byte (k·7 + seed) mod 256.
func cifarRecord(label byte, seed int) []byte {
	rec := make([]byte, CIFARRecordSize)
	rec[0] = label
	for k := range CIFARPixels {
		rec[1+k] = byte(k*7 + seed)
	}
	return rec
}

// cifarBytes returns records with the given labels, record i made with seed i.
func cifarBytes(labels ...byte) []byte {
	var b []byte
	for i, l := range labels {
		b = append(b, cifarRecord(l, i)...)
	}
	return b
}

func TestReadCIFAR(t *testing.T) {
	labels := []byte{6, 9, 0}
	s, err := ReadCIFAR(bytes.NewReader(cifarBytes(labels...)), "batch")
	if err != nil {
		t.Fatal(err)
	}
	if s.M != 3 || s.N != 3072 || s.Classes != 10 || s.Name != "batch" {
		t.Fatalf("shape M=%d N=%d Classes=%d Name=%q, want 3, 3072, 10, batch", s.M, s.N, s.Classes, s.Name)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, l := range labels {
		if s.Y[i] != int(l) {
			t.Errorf("Y[%d] = %d, want %d", i, s.Y[i], l)
		}
		// Spot checks: first red, first green, first blue and the last pixel.
		for _, k := range []int{0, 1, 1024, 2048, 3071} {
			want := float64(byte(k*7+i)) / 255
			if got := s.X[i*3072+k]; got != want {
				t.Errorf("X[%d][%d] = %v, want %v", i, k, got, want)
			}
		}
	}
	if s.X[0] != 0 || s.X[1] != 7.0/255 {
		t.Errorf("X[0], X[1] = %v, %v, want 0, 7/255", s.X[0], s.X[1])
	}
}

func TestReadCIFARErrors(t *testing.T) {
	good := cifarBytes(1, 2, 3)
	bad := cifarBytes(1, 10, 3)
	for _, tc := range []struct {
		name string
		b    []byte
		want error
		off  int64 // FormatError.Offset
	}{
		{"empty", nil, ErrEmpty, 0},
		{"label only", good[:1], ErrTruncated, 1},
		{"half a record", good[:1000], ErrTruncated, 1000},
		{"one byte short", good[:CIFARRecordSize-1], ErrTruncated, CIFARRecordSize - 1},
		{"second record label only", good[:CIFARRecordSize+1], ErrTruncated, CIFARRecordSize + 1},
		{"third record one byte short", good[:len(good)-1], ErrTruncated, int64(len(good) - 1)},
		{"label 10 in record 1", bad, ErrLabelRange, CIFARRecordSize},
		{"label 255", cifarBytes(255), ErrLabelRange, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadCIFAR(bytes.NewReader(tc.b), "f.bin")
			var fe *FormatError
			if s != nil || !errors.Is(err, tc.want) || !errors.As(err, &fe) {
				t.Fatalf("ReadCIFAR = %v, %v; want nil, *FormatError wrapping %v", s, err, tc.want)
			}
			if fe.Name != "f.bin" || fe.Offset != tc.off {
				t.Errorf("error at %s offset %d, want f.bin offset %d (%v)", fe.Name, fe.Offset, tc.off, err)
			}
		})
	}
}

// errReader returns its data, then err.
type errReader struct {
	b   []byte
	err error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, r.err
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func TestReadCIFARReaderError(t *testing.T) {
	io := errors.New("disk on fire")
	_, err := ReadCIFAR(&errReader{b: cifarBytes(1)[:500], err: io}, "x")
	var fe *FormatError
	if !errors.Is(err, io) || !errors.As(err, &fe) || fe.Offset != 500 {
		t.Errorf("ReadCIFAR = %v, want *FormatError at offset 500 wrapping the reader's error", err)
	}
}

// endless is a reader of valid records that never ends.
type endless struct{ k int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		if e.k%CIFARRecordSize == 0 {
			p[i] = 1
		} else {
			p[i] = byte(e.k)
		}
		e.k++
	}
	return len(p), nil
}

// TestReadCIFAREndless checks the record limit with a limit of 5 instead of
// MaxCIFARRecords, which would take 800 MB of input.
func TestReadCIFAREndless(t *testing.T) {
	acc := cifarAcc{max: 5}
	err := acc.read(&input{r: &endless{}, name: "endless", kind: "stream", size: -1})
	var fe *FormatError
	if !errors.Is(err, ErrCount) || !errors.As(err, &fe) || fe.Offset != 5*CIFARRecordSize || len(acc.y) != 5 {
		t.Errorf("read(endless) = %v after %d records, want ErrCount at offset %d after 5", err, len(acc.y), 5*CIFARRecordSize)
	}
}

// writeCIFARDir writes five training batches with 2, 1, 1, 1, 1 records and
// a test batch with 2 records into dir; the test batch is gzipped if gz.
func writeCIFARDir(t *testing.T, dir string, gz bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, f := range CIFARTrainFiles() {
		b := cifarBytes(byte(i))
		if i == 0 {
			b = cifarBytes(0, 9)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, name := cifarBytes(3, 8), CIFARTestFile
	if gz {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(b)
		zw.Close()
		b, name = zb.Bytes(), name+".gz"
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCIFAR10(t *testing.T) {
	root := t.TempDir()
	flat := filepath.Join(root, "flat")
	writeCIFARDir(t, flat, false)
	nested := filepath.Join(root, "cifar10")
	writeCIFARDir(t, filepath.Join(nested, CIFARSubdir), true)
	t.Setenv("FBP_DATA", root)
	for _, tc := range []struct {
		name string
		load func() (*Set, *Set, error)
	}{
		{"flat dir", func() (*Set, *Set, error) { return LoadCIFAR10(flat) }},
		{"dir/cifar-10-batches-bin", func() (*Set, *Set, error) { return LoadCIFAR10(nested) }},
		{"Load cifar10 with dir", func() (*Set, *Set, error) { return Load("cifar10", root) }},
		{"Load cifar10 default dir", func() (*Set, *Set, error) { return Load("cifar10", "") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			train, test, err := tc.load()
			if err != nil {
				t.Fatal(err)
			}
			if train.M != 6 || test.M != 2 || train.N != 3072 || test.N != 3072 || train.Classes != 10 {
				t.Fatalf("train %d×%d, test %d×%d, Classes %d; want 6×3072, 2×3072, 10",
					train.M, train.N, test.M, test.N, train.Classes)
			}
			// Batches concatenate in order: labels 0, 9 from batch 1, then 1..4.
			for i, want := range []int{0, 9, 1, 2, 3, 4} {
				if train.Y[i] != want {
					t.Errorf("train Y = %v, want [0 9 1 2 3 4]", train.Y)
					break
				}
			}
			if test.Y[0] != 3 || test.Y[1] != 8 {
				t.Errorf("test Y = %v, want [3 8]", test.Y)
			}
			// Sample 1 of the training set is record 1 of batch 1 (seed 1);
			// sample 2 is record 0 of batch 2 (seed 0).
			if train.X[3072+5] != float64(byte(5*7+1))/255 || train.X[2*3072+5] != 35.0/255 {
				t.Errorf("pixels of samples 1, 2 are %v, %v", train.X[3072+5], train.X[2*3072+5])
			}
			if !strings.HasSuffix(train.Name, "train") || !strings.HasSuffix(test.Name, "test") {
				t.Errorf("names %q, %q", train.Name, test.Name)
			}
		})
	}
}

func TestLoadCIFAR10Errors(t *testing.T) {
	dir := t.TempDir()
	writeCIFARDir(t, dir, false)
	// Missing test batch.
	if err := os.Remove(filepath.Join(dir, CIFARTestFile+".gz")); err == nil {
		t.Fatal("unexpected gzipped test batch")
	}
	if err := os.Remove(filepath.Join(dir, CIFARTestFile)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadCIFAR10(dir); err == nil || !strings.Contains(err.Error(), CIFARTestFile) {
		t.Errorf("LoadCIFAR10 without test batch = %v, want an error naming %s", err, CIFARTestFile)
	}
	// Truncated third batch: the error names that file and the offset.
	writeCIFARDir(t, dir, false)
	p := filepath.Join(dir, "data_batch_3.bin")
	if err := os.WriteFile(p, cifarBytes(1)[:77], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadCIFAR10(dir)
	var fe *FormatError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) || fe.Name != p || fe.Offset != 77 {
		t.Errorf("LoadCIFAR10 with a truncated batch = %v, want ErrTruncated in %s at offset 77", err, p)
	}
	// Load cifar10 without the directory says how to get the data.
	if _, _, err := Load("cifar10", t.TempDir()); err == nil || !strings.Contains(err.Error(), "cifar-10-binary.tar.gz") {
		t.Errorf("Load(cifar10, empty dir) = %v, want a hint naming cifar-10-binary.tar.gz", err)
	}
}

// TestChannelStatsHand checks per-channel statistics on two samples of two
// channels with two pixels each (N = 4), computed by hand:
//
//	sample 0: R = 0, 1/2    G = 1, 1
//	sample 1: R = 1/4, 1/4  G = 0, 1
//	R: values 0, 1/2, 1/4, 1/4; mean 1/4; Σ(x−mean)² = 1/16+1/16 = 1/8; std = sqrt(1/24)
//	G: values 1, 1, 0, 1;       mean 3/4; Σ(x−mean)² = 3/16+9/16 = 3/4; std = 1/2
//
// Every value is a dyadic rational, so mean and Σ(x−mean)² are exact.
func TestChannelStatsHand(t *testing.T) {
	train := &Set{X: []float64{0, 0.5, 1, 1, 0.25, 0.25, 0, 1}, Y: []int{0, 1}, M: 2, N: 4, Classes: 10}
	test := &Set{X: []float64{0.25, 1, 0.75, 0}, Y: []int{7}, M: 1, N: 4, Classes: 10}
	trainCopy, testCopy := train.Clone(), test.Clone()
	tr, te, st, err := StandardizeChannels(train, test, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stats{{Mean: 0.25, Std: math.Sqrt(1.0 / 24)}, {Mean: 0.75, Std: 0.5}}
	if len(st) != 2 || st[0] != want[0] || st[1] != want[1] {
		t.Fatalf("stats = %+v, want %+v", st, want)
	}
	dR, dG := want[0].Std+StdEps, want[1].Std+StdEps
	wantTr := []float64{-0.25 / dR, 0.25 / dR, 0.25 / dG, 0.25 / dG, 0, 0, -0.75 / dG, 0.25 / dG}
	wantTe := []float64{0, 0.75 / dR, 0, -0.75 / dG}
	for i := range wantTr {
		if tr.X[i] != wantTr[i] {
			t.Errorf("train X[%d] = %v, want %v", i, tr.X[i], wantTr[i])
		}
	}
	for i := range wantTe {
		if te.X[i] != wantTe[i] {
			t.Errorf("test X[%d] = %v, want %v", i, te.X[i], wantTe[i])
		}
	}
	for i := range train.X {
		if train.X[i] != trainCopy.X[i] {
			t.Fatal("StandardizeChannels modified train")
		}
	}
	for i := range test.X {
		if test.X[i] != testCopy.X[i] {
			t.Fatal("StandardizeChannels modified test")
		}
	}
	if &tr.X[0] == &train.X[0] || &te.Y[0] == &test.Y[0] {
		t.Error("StandardizeChannels returned sets sharing memory with its inputs")
	}
}

// TestChannelStatsOneChannel checks that one channel gives PixelStats.
func TestChannelStatsOneChannel(t *testing.T) {
	s := tinySet()
	st, err := ChannelStats(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := PixelStats(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0] != ps {
		t.Errorf("ChannelStats(s, 1) = %+v, want [%+v]", st, ps)
	}
}

func TestStandardizeChannelsErrors(t *testing.T) {
	s := tinySet() // N = 4
	for _, tc := range []struct {
		name        string
		train, test *Set
		channels    int
		want        error
	}{
		{"zero channels", s, nil, 0, ErrShape},
		{"N not a multiple", s, nil, 3, ErrShape},
		{"one value per channel", &Set{X: []float64{0, 1}, Y: []int{0}, M: 1, N: 2, Classes: 10}, nil, 2, ErrEmpty},
		{"test N differs", s, &Set{X: []float64{0, 1}, Y: []int{0}, M: 1, N: 2, Classes: 10}, 2, ErrShape},
		{"NaN in test", s, &Set{X: []float64{0, 1, math.NaN(), 0}, Y: []int{0}, M: 1, N: 4, Classes: 10}, 2, ErrNonFinite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := StandardizeChannels(tc.train, tc.test, tc.channels)
			var se *SetError
			if !errors.Is(err, tc.want) || !errors.As(err, &se) {
				t.Errorf("StandardizeChannels = %v, want *SetError wrapping %v", err, tc.want)
			}
		})
	}
}

// FuzzReadCIFAR checks that ReadCIFAR never panics, that every error is a
// *FormatError, that readers of known and unknown size get the same verdict
// (the error may differ: with the size known, a partial last record is
// found before a bad label), and that whatever it accepts is a valid set
// holding exactly the labels and pixel bytes of the input.
func FuzzReadCIFAR(f *testing.F) {
	one := cifarBytes(3)
	f.Add(one)
	f.Add(cifarBytes(0, 9))
	f.Add(one[:CIFARRecordSize-1])
	f.Add(one[:1])
	f.Add([]byte{})
	f.Add(cifarBytes(10))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadCIFAR(bytes.NewReader(b), "fuzz")
		s2, err2 := ReadCIFAR(unsized{bytes.NewReader(b)}, "fuzz")
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known size: %v; unknown size: %v", err, err2)
		}
		if err != nil {
			var fe, fe2 *FormatError
			if s != nil || s2 != nil || !errors.As(err, &fe) || !errors.As(err2, &fe2) || fe.Offset < 0 || fe.Offset > int64(len(b)) {
				t.Fatalf("ReadCIFAR = %v, %v: want nil set and *FormatError with an offset in [0, %d]", s, err, len(b))
			}
			return
		}
		if s.Fingerprint() != s2.Fingerprint() {
			t.Fatal("readers of known and unknown size gave different sets")
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted set is invalid: %v", err)
		}
		if s.N != CIFARPixels || s.Classes != CIFARClasses || s.M*CIFARRecordSize != len(b) {
			t.Fatalf("accepted %d bytes as M=%d N=%d Classes=%d", len(b), s.M, s.N, s.Classes)
		}
		for i := range s.M {
			rec := b[i*CIFARRecordSize : (i+1)*CIFARRecordSize]
			if s.Y[i] != int(rec[0]) {
				t.Fatalf("Y[%d] = %d, want %d", i, s.Y[i], rec[0])
			}
			for k, x := range s.Row(i) {
				if byte(math.Round(255*x)) != rec[1+k] || x < 0 || x > 1 {
					t.Fatalf("X[%d][%d] = %v, want %d/255", i, k, x, rec[1+k])
				}
			}
		}
	})
}
