package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// gzMembers returns each part as a separate gzip member, concatenated.
func gzMembers(parts ...[]byte) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		zw := gzip.NewWriter(&b)
		zw.Write(p)
		zw.Close()
	}
	return b.Bytes()
}

// gunzipAll decompresses b with gunzip.
func gunzipAll(b []byte) ([]byte, error) {
	raw := &counter{r: bytes.NewReader(b)}
	br := bufio.NewReaderSize(raw, 1<<16)
	g, err := newGunzip(br, raw, int64(len(b)))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(g)
}

func TestGunzip(t *testing.T) {
	content := []byte("the quick brown fox jumps over the lazy dog")
	two := gzMembers(content[:10], content[10:])
	for _, tc := range []struct {
		name  string
		b     []byte
		want  error  // nil: the content must be read
		cause error  // also wrapped, if not nil
		msg   string // in the message
	}{
		{"one member", gzMembers(content), nil, nil, ""},
		{"two members", two, nil, nil, ""},
		{"empty members around", gzMembers(nil, content, nil), nil, nil, ""},
		{"trailing text", append(append([]byte(nil), two...), "junk"...), ErrCount, nil, "trailing garbage: 4 bytes"},
		{"trailing zero", append(append([]byte(nil), two...), 0), ErrCount, nil, "trailing garbage: 1 byte"},
		{"truncated", two[:len(two)-3], ErrTruncated, io.ErrUnexpectedEOF, "ends inside gzip member 2"},
		{"magic only", []byte{0x1f, 0x8b}, ErrTruncated, io.ErrUnexpectedEOF, "member 1"},
		{"bad crc", func() []byte { b := gzMembers(content); b[len(b)-8] ^= 1; return b }(), ErrCorrupt, gzip.ErrChecksum, "checksum mismatch"},
		{"bad method", append([]byte{0x1f, 0x8b, 7}, make([]byte, 20)...), ErrCorrupt, gzip.ErrHeader, "invalid header of gzip member 1"},
		{"reserved block", append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 7}, make([]byte, 8)...), ErrCorrupt, nil, "invalid deflate data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := gunzipAll(tc.b)
			if tc.want == nil {
				if err != nil || !bytes.Equal(got, content) {
					t.Fatalf("gunzip = %q, %v; want %q", got, err, content)
				}
				return
			}
			if !errors.Is(err, tc.want) || (tc.cause != nil && !errors.Is(err, tc.cause)) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("gunzip = %v; want an error wrapping %v and %v, saying %q", err, tc.want, tc.cause, tc.msg)
			}
		})
	}
}

// TestOpenMultiMember checks that Open reads a two-member gzip file as gzip
// -d does, and rejects trailing garbage as it rejects bytes after a plain
// file's data.
func TestOpenMultiMember(t *testing.T) {
	img, lbl := tinyIDX(t)
	dir := t.TempDir()
	pi, pl := filepath.Join(dir, "img.gz"), filepath.Join(dir, "lbl")
	os.WriteFile(pl, lbl, 0o644)
	os.WriteFile(pi, gzMembers(img[:7], img[7:]), 0o644)
	s, err := Open(pi, pl)
	if err != nil || s.M != 3 {
		t.Fatalf("Open(two members) = %v, %v", s, err)
	}
	os.WriteFile(pi, append(gzMembers(img[:7], img[7:]), "xyz"...), 0o644)
	_, err = Open(pi, pl)
	var fe *FormatError
	if !errors.Is(err, ErrCount) || !errors.As(err, &fe) || fe.Name != pi || !strings.Contains(err.Error(), "trailing garbage") {
		t.Errorf("Open(trailing garbage) = %v, want ErrCount naming %s", err, pi)
	}
	if _, err := Open(dir, pl); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Open(a directory) = %v, want ErrNotRegular", err)
	}
}

// TestGzipBombNoAllocation opens a gzip file of 67 KB that decompresses to
// 65 MiB and checks that it is rejected without keeping the content.
func TestGzipBombNoAllocation(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: decompresses 65 MiB")
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	hdr := make([]byte, idxImageHeader)
	binary.BigEndian.PutUint32(hdr, MagicIDXImages)
	binary.BigEndian.PutUint32(hdr[4:], 60000)
	binary.BigEndian.PutUint32(hdr[8:], 28)
	binary.BigEndian.PutUint32(hdr[12:], 28)
	zw.Write(hdr)
	zero := make([]byte, 1<<20)
	for range MaxStreamBytes>>20 + 1 {
		zw.Write(zero)
	}
	zw.Close()
	dir := t.TempDir()
	pi, pl := filepath.Join(dir, "img.gz"), filepath.Join(dir, "lbl")
	os.WriteFile(pi, b.Bytes(), 0o644)
	_, lbl := tinyIDX(t)
	os.WriteFile(pl, lbl, 0o644)
	got, err := allocated(func() error { _, err := Open(pi, pl); return err })
	if !errors.Is(err, ErrCount) || !strings.Contains(err.Error(), "decompresses to more than 67,108,864 bytes") {
		t.Errorf("Open(gzip bomb of %d bytes) = %v, want the MaxStreamBytes error", b.Len(), err)
	}
	if got > 4<<20 {
		t.Errorf("Open(gzip bomb) allocated %d bytes, want ≤ 4 MiB", got)
	}
}

// allocated runs f and returns its error and the bytes it allocated.
func allocated(f func() error) (uint64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// unsized hides the Len method of a reader, so that ReadIDX and ReadCIFAR
// treat it as a stream of unknown size.
type unsized struct{ io.Reader }

// TestReadIDXUnknownSize checks a stream of unknown size: a header that
// promises more than MaxStreamBytes fails at once, and one that promises
// less but lies costs about what actually arrives.
func TestReadIDXUnknownSize(t *testing.T) {
	img, lbl := tinyIDX(t)
	s, err := ReadIDX(unsized{bytes.NewReader(img)}, unsized{bytes.NewReader(lbl)})
	if err != nil || s.M != 3 {
		t.Fatalf("ReadIDX(unsized) = %v, %v", s, err)
	}
	hdr := func(count, rows, cols uint32) []byte {
		h := make([]byte, idxImageHeader, idxImageHeader+100)
		binary.BigEndian.PutUint32(h, MagicIDXImages)
		binary.BigEndian.PutUint32(h[4:], count)
		binary.BigEndian.PutUint32(h[8:], rows)
		binary.BigEndian.PutUint32(h[12:], cols)
		return append(h, make([]byte, 100)...)
	}
	lblFor := func(count uint32) []byte {
		l := make([]byte, idxLabelHeader)
		binary.BigEndian.PutUint32(l, MagicIDXLabels)
		binary.BigEndian.PutUint32(l[4:], count)
		return l
	}
	for _, tc := range []struct {
		name  string
		img   []byte
		lbl   []byte
		want  error
		msg   string
		limit uint64
	}{
		{"over the limit", hdr(1<<16, 32, 32), lblFor(1 << 16), ErrCount, "the limit for a stream of unknown size", 1 << 16},
		{"lying", hdr(60000, 28, 28), lblFor(60000), ErrTruncated, "the stream holds only 116", 3 << 20},
	} {
		got, err := allocated(func() error {
			_, err := ReadIDX(unsized{bytes.NewReader(tc.img)}, unsized{bytes.NewReader(tc.lbl)})
			return err
		})
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: ReadIDX = %v, want %v saying %q", tc.name, err, tc.want, tc.msg)
		}
		if got > tc.limit {
			t.Errorf("%s: allocated %d bytes, want ≤ %d", tc.name, got, tc.limit)
		}
	}
}

// TestReadCIFARStreamLimit feeds an endless stream of valid records with
// the record limit raised above what MaxStreamBytes allows, so that the
// byte limit of a stream of unknown size must stop it.
func TestReadCIFARStreamLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: reads 64 MiB")
	}
	acc := cifarAcc{max: 1 << 30}
	err := acc.read(&input{r: &endless{}, name: "endless", kind: "stream", size: -1})
	if !errors.Is(err, ErrCount) || !strings.Contains(err.Error(), "MaxStreamBytes") {
		t.Errorf("read(endless) = %v, want the MaxStreamBytes error", err)
	}
	if n := len(acc.y); n != MaxStreamBytes/CIFARRecordSize {
		t.Errorf("read %d records before failing, want %d", n, MaxStreamBytes/CIFARRecordSize)
	}
}

func TestNilArguments(t *testing.T) {
	img, lbl := tinyIDX(t)
	var nilReader *bytes.Reader
	var nilBuf *bytes.Buffer
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"ReadIDX(nil, nil)", func() error { _, err := ReadIDX(nil, nil); return err }()},
		{"ReadIDX(img, nil)", func() error { _, err := ReadIDX(bytes.NewReader(img), nil); return err }()},
		{"ReadIDX(typed nil)", func() error { _, err := ReadIDX(nilReader, bytes.NewReader(lbl)); return err }()},
		{"ReadCIFAR(nil)", func() error { _, err := ReadCIFAR(nil, "x"); return err }()},
		{"WriteIDX(nil)", WriteIDX(nil, &bytes.Buffer{}, tinySet())},
		{"WriteIDX(typed nil)", WriteIDX(&bytes.Buffer{}, nilBuf, tinySet())},
		{"RandomPatterns", func() error { _, err := RandomPatterns(nil, 3, 2); return err }()},
		{"RandomTeacher", func() error { _, err := RandomTeacher(nil, 3); return err }()},
		{"TeacherPatterns", func() error { _, err := TeacherPatterns(nil, []float64{1}, 2); return err }()},
	} {
		if !errors.Is(tc.err, ErrNil) {
			t.Errorf("%s = %v, want an error wrapping ErrNil", tc.name, tc.err)
		}
	}
	if _, err := TeacherPatterns(rand.New(rand.NewPCG(1, 1)), []float64{1, math.NaN()}, 2); !errors.Is(err, ErrNonFinite) {
		t.Errorf("TeacherPatterns(NaN weight) = %v, want ErrNonFinite", err)
	}
	var fe *FormatError
	var se *SetError
	if fe.Error() == "" || se.Error() == "" || fe.Unwrap() != nil || se.Unwrap() != nil {
		t.Error("nil *FormatError or *SetError misbehaves")
	}
}

// fingerprintRef computes the fingerprint as its documentation states,
// independently of Fingerprint's buffering.
func fingerprintRef(s *Set) string {
	var b bytes.Buffer
	b.WriteString("fbp data.Set fingerprint v1\n")
	w := func(v uint64) { binary.Write(&b, binary.LittleEndian, v) }
	w(uint64(s.M))
	w(uint64(s.N))
	w(uint64(s.Classes))
	w(uint64(len(s.X)))
	for _, x := range s.X {
		w(math.Float64bits(x))
	}
	w(uint64(len(s.Y)))
	for _, y := range s.Y {
		w(uint64(int64(y)))
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

func TestFingerprint(t *testing.T) {
	big, err := RandomPatterns(rand.New(rand.NewPCG(1, 2)), 1001, 7) // crosses the 8 KiB buffer
	if err != nil {
		t.Fatal(err)
	}
	base := tinySet()
	fp := base.Fingerprint()
	for _, s := range []*Set{base, big, {Classes: 2}, EvenOddMust(t, base)} {
		if got, want := s.Fingerprint(), fingerprintRef(s); got != want {
			t.Errorf("Fingerprint of %q = %s, want %s", s.Name, got, want)
		}
	}
	renamed := base.Clone()
	renamed.Name = "elsewhere"
	if renamed.Fingerprint() != fp || len(fp) != 64 {
		t.Errorf("Fingerprint depends on Name, or is not 64 hex digits: %s", fp)
	}
	for name, change := range map[string]func(s *Set){
		"one pixel bit": func(s *Set) { s.X[5] = math.Nextafter(s.X[5], 2) },
		"-0 pixel":      func(s *Set) { s.X[0] = math.Copysign(0, -1) },
		"one label":     func(s *Set) { s.Y[1] = 1 },
		"Classes":       func(s *Set) { s.Classes = 11 },
		"shape":         func(s *Set) { s.M, s.N = 4, 3 },
	} {
		c := base.Clone()
		change(c)
		if c.Fingerprint() == fp {
			t.Errorf("Fingerprint unchanged by a change of %s", name)
		}
	}
	if (*Set)(nil).Fingerprint() != "" {
		t.Error("Fingerprint of nil is not empty")
	}
}

// EvenOddMust is EvenOdd for a set known to be valid.
func EvenOddMust(t *testing.T, s *Set) *Set { return must(EvenOdd(s))(t) }

func TestGrouped(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 47040016: "47,040,016", -1234567: "-1,234,567"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzGunzip compares gunzip with compress/gzip's multistream reader, the
// reference for gzip -d: both must accept the same inputs and give the same
// bytes, and every error of gunzip must wrap ErrCorrupt, ErrTruncated or
// ErrCount (trailing garbage).
func FuzzGunzip(f *testing.F) {
	img, _ := tinyIDX(f)
	f.Add(gzMembers(img))
	f.Add(gzMembers(img[:5], nil, img[5:]))
	f.Add(append(gzMembers(img), "junk"...))
	f.Add(gzMembers(img)[:20])
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 1 << 24
		got, err := func() ([]byte, error) {
			raw := &counter{r: bytes.NewReader(b)}
			br := bufio.NewReaderSize(raw, 1<<16)
			g, err := newGunzip(br, raw, int64(len(b)))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(io.LimitReader(g, limit))
		}()
		want, errRef := func() ([]byte, error) {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(io.LimitReader(zr, limit))
		}()
		if len(got) == limit || len(want) == limit {
			return // too large to compare
		}
		if (err == nil) != (errRef == nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Fatalf("gunzip: %d bytes, %v; compress/gzip: %d bytes, %v", len(got), err, len(want), errRef)
		}
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCount) {
			t.Fatalf("gunzip error %v wraps no sentinel", err)
		}
	})
}
