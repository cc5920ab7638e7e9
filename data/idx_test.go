package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// tinySet returns a 3-sample set of 2×2 images whose pixels are multiples of
// 1/255, so that it survives WriteIDX → ReadIDX exactly.
func tinySet() *Set {
	x := make([]float64, 12)
	for i := range x {
		x[i] = float64(i*20) / 255
	}
	return &Set{X: x, Y: []int{3, 0, 9}, M: 3, N: 4, Classes: 10, Name: "tiny"}
}

func tinyIDX(t testing.TB) (img, lbl []byte) {
	var bi, bl bytes.Buffer
	if err := WriteIDX(&bi, &bl, tinySet()); err != nil {
		t.Fatal(err)
	}
	return bi.Bytes(), bl.Bytes()
}

func TestIDXRoundTrip(t *testing.T) {
	img, lbl := tinyIDX(t)
	if len(img) != 16+12 || len(lbl) != 8+3 {
		t.Fatalf("sizes %d, %d, want 28, 11", len(img), len(lbl))
	}
	if r, c := binary.BigEndian.Uint32(img[8:]), binary.BigEndian.Uint32(img[12:]); r != 2 || c != 2 {
		t.Errorf("rows×cols = %d×%d, want 2×2", r, c)
	}
	got, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
	if err != nil {
		t.Fatal(err)
	}
	want := tinySet()
	if got.M != want.M || got.N != want.N || got.Classes != 10 {
		t.Fatalf("shape %d×%d/%d, want %d×%d/10", got.M, got.N, got.Classes, want.M, want.N)
	}
	for i := range want.X {
		if got.X[i] != want.X[i] {
			t.Errorf("X[%d] = %v, want %v", i, got.X[i], want.X[i])
		}
	}
	for i := range want.Y {
		if got.Y[i] != want.Y[i] {
			t.Errorf("Y[%d] = %d, want %d", i, got.Y[i], want.Y[i])
		}
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
}

func TestWriteIDXNonSquare(t *testing.T) {
	s := &Set{X: []float64{0, 1, 0.5, 1, 0, 0}, Y: []int{1, 2}, M: 2, N: 3, Classes: 10}
	var bi, bl bytes.Buffer
	if err := WriteIDX(&bi, &bl, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIDX(&bi, &bl)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 3 || got.X[2] != 128.0/255 {
		t.Errorf("N = %d, X[2] = %v; want 3, 128/255", got.N, got.X[2])
	}
}

func TestWriteIDXRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Set
		want error
	}{
		{"pixel>1", &Set{X: []float64{1.5}, Y: []int{0}, M: 1, N: 1, Classes: 10}, ErrPixelRange},
		{"pixel<0", &Set{X: []float64{-0.1}, Y: []int{0}, M: 1, N: 1, Classes: 10}, ErrPixelRange},
		{"sign label", &Set{X: []float64{0}, Y: []int{-1}, M: 1, N: 1, Classes: 2}, ErrLabelRange},
		{"label>255", &Set{X: []float64{0}, Y: []int{300}, M: 1, N: 1, Classes: 400}, ErrLabelRange},
		{"shape", &Set{X: []float64{0}, Y: []int{0, 1}, M: 1, N: 1, Classes: 10}, ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bi, bl bytes.Buffer
			err := WriteIDX(&bi, &bl, tc.s)
			if !errors.Is(err, tc.want) {
				t.Errorf("WriteIDX = %v, want %v", err, tc.want)
			}
			if bi.Len() != 0 || bl.Len() != 0 {
				t.Errorf("wrote %d, %d bytes on error", bi.Len(), bl.Len())
			}
		})
	}
}

// TestReadIDXTruncated cuts the image file, then the label file, at every
// offset: inside the header, inside an image, inside the labels.
func TestReadIDXTruncated(t *testing.T) {
	img, lbl := tinyIDX(t)
	check := func(name string, img, lbl []byte, wantName string) {
		t.Helper()
		_, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
		var fe *FormatError
		if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) || fe.Name != wantName {
			t.Errorf("%s: ReadIDX = %v, want ErrTruncated in %s", name, err, wantName)
		}
	}
	for n := range len(img) {
		check("images["+strconv.Itoa(n)+"]", img[:n], lbl, "images")
	}
	for n := range len(lbl) {
		check("labels["+strconv.Itoa(n)+"]", img, lbl[:n], "labels")
	}
}

func TestReadIDXErrors(t *testing.T) {
	img, lbl := tinyIDX(t)
	mod := func(b []byte, f func([]byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	put := func(off int, v uint32) func([]byte) {
		return func(b []byte) { binary.BigEndian.PutUint32(b[off:], v) }
	}
	for _, tc := range []struct {
		name     string
		img, lbl []byte
		want     error
		wantName string
		wantOff  int64
	}{
		{"image magic", mod(img, put(0, MagicIDXLabels)), lbl, ErrMagic, "images", 0},
		{"label magic", img, mod(lbl, put(0, MagicIDXImages)), ErrMagic, "labels", 0},
		{"swapped", lbl, img, ErrMagic, "images", 0},
		{"label range", img, mod(lbl, func(b []byte) { b[9] = 10 }), ErrLabelRange, "labels", 9},
		{"label count", img, mod(lbl, put(4, 2)), ErrCount, "labels", 4},
		{"zero count", mod(img, put(4, 0)), lbl, ErrEmpty, "images", 4},
		{"zero rows", mod(img, put(8, 0)), lbl, ErrEmpty, "images", 4},
		{"huge rows", mod(img, put(8, 1<<20)), lbl, ErrCount, "images", 4},
		{"huge count", mod(img, put(4, 1<<30)), lbl, ErrCount, "images", 4},
		{"image trailing", append(append([]byte(nil), img...), 0), lbl, ErrCount, "images", 28},
		{"label trailing", img, append(append([]byte(nil), lbl...), 0), ErrCount, "labels", 11},
		// a header announcing more images than the file holds
		{"lying count", mod(img, put(4, 4)), lbl, ErrTruncated, "images", 28},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadIDX(bytes.NewReader(tc.img), bytes.NewReader(tc.lbl))
			if s != nil || !errors.Is(err, tc.want) {
				t.Fatalf("ReadIDX = %v, %v, want nil, %v", s, err, tc.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Name != tc.wantName || fe.Offset != tc.wantOff {
				t.Errorf("error %v, want name %s offset %d", err, tc.wantName, tc.wantOff)
			}
		})
	}
}

// TestReadIDXLyingHeaderAllocation reads a 16-byte image file whose header
// announces the largest allowed data (4 Gi pixels) and checks that the
// reader gives up with ErrTruncated after allocating only a few MiB.
func TestReadIDXLyingHeaderAllocation(t *testing.T) {
	hdr := make([]byte, 16)
	binary.BigEndian.PutUint32(hdr[0:], MagicIDXImages)
	binary.BigEndian.PutUint32(hdr[4:], 1<<22)
	binary.BigEndian.PutUint32(hdr[8:], 32)
	binary.BigEndian.PutUint32(hdr[12:], 32)
	_, lbl := tinyIDX(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadIDX(bytes.NewReader(hdr), bytes.NewReader(lbl))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("ReadIDX = %v, want ErrTruncated", err)
	}
	const limit = 16 << 20 // one chunk of float64 plus one of bytes is 9 MiB
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Errorf("allocated %d bytes for a 16-byte file, want ≤ %d", got, limit)
	}
}

func TestOpenGzipAndPlain(t *testing.T) {
	img, lbl := tinyIDX(t)
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(img)
	zw.Close()
	// The gzipped file deliberately has no .gz suffix: detection is by content.
	pi, pl := filepath.Join(dir, "img"), filepath.Join(dir, "lbl")
	os.WriteFile(pi, gz.Bytes(), 0o644)
	os.WriteFile(pl, lbl, 0o644)
	s, err := Open(pi, pl)
	if err != nil {
		t.Fatal(err)
	}
	if s.M != 3 || s.N != 4 || s.Name != pi {
		t.Errorf("Open: M=%d N=%d Name=%q", s.M, s.N, s.Name)
	}

	// A corrupted gzip CRC is reported, naming the file.
	bad := append([]byte(nil), gz.Bytes()...)
	bad[len(bad)-6] ^= 0xff
	os.WriteFile(pi, bad, 0o644)
	_, err = Open(pi, pl)
	var fe *FormatError
	if !errors.Is(err, gzip.ErrChecksum) || !errors.As(err, &fe) || fe.Name != pi {
		t.Errorf("Open(bad crc) = %v, want gzip.ErrChecksum naming %s", err, pi)
	}

	if _, err := Open(filepath.Join(dir, "missing"), pl); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want ErrNotExist", err)
	}
}

// FuzzReadIDX checks that ReadIDX never panics, that it reaches the same
// verdict on readers of known and of unknown size (see readerInput), and
// that whatever it accepts is a valid set that WriteIDX reproduces byte for
// byte.
func FuzzReadIDX(f *testing.F) {
	img, lbl := tinyIDX(f)
	f.Add(img, lbl)
	f.Add(img[:20], lbl)
	f.Add(lbl, img)
	f.Fuzz(func(t *testing.T, img, lbl []byte) {
		s, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
		s2, err2 := ReadIDX(unsized{bytes.NewReader(img)}, unsized{bytes.NewReader(lbl)})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known size: %v; unknown size: %v", err, err2)
		}
		if err != nil {
			var fe, fe2 *FormatError
			if s != nil || s2 != nil || !errors.As(err, &fe) || !errors.As(err2, &fe2) {
				t.Fatalf("ReadIDX = %v, %v and %v, %v: want nil sets and *FormatErrors", s, err, s2, err2)
			}
			return
		}
		if s.Fingerprint() != s2.Fingerprint() {
			t.Fatal("readers of known and unknown size gave different sets")
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted set is invalid: %v", err)
		}
		var bi, bl bytes.Buffer
		if err := WriteIDX(&bi, &bl, s); err != nil {
			t.Fatal(err)
		}
		// Pixels and labels must round-trip; the header's rows×cols may be
		// written differently (√N×√N or 1×N).
		if !bytes.Equal(bi.Bytes()[16:], img[16:]) || !bytes.Equal(bl.Bytes(), lbl) {
			t.Fatal("WriteIDX(ReadIDX(b)) differs from b")
		}
	})
}
