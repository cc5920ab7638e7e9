package data_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/hostile"
)

// hostileAllocLimit bounds the bytes a loader may allocate on one hostile
// case (runtime.MemStats.TotalAlloc, which counts every allocation, so it
// bounds the peak too). The largest case promises 4 GiB in its header, and
// the gzip bombs decompress to 65 MiB.
const hostileAllocLimit = 64 << 20

// TestHostile runs every case of internal/hostile through Load (what the
// command line's -data flag uses), Open, ReadIDX and ReadCIFAR: each must
// fail with an error that contains the case's substring and names the
// hostile file, or load valid sets that standardise to finite values, and
// none may panic or allocate more than hostileAllocLimit.
func TestHostile(t *testing.T) {
	cases, err := hostile.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("%d hostile cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var train, test *data.Set
			err := guarded(t, "Load", func() (err error) {
				train, test, err = data.Load(c.Source, c.DataDir)
				return err
			})
			checkErr(t, "Load", c, err, true)
			if err == nil {
				checkValid(t, c, train, test)
			}
			if c.CIFAR() {
				checkReadCIFAR(t, c)
			} else {
				checkOpen(t, c)
			}
		})
	}
}

// guarded runs f, failing the test if it panics or allocates more than
// hostileAllocLimit bytes.
func guarded(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("%s panicked: %v", what, p)
			}
		}()
		err = f()
	}()
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > hostileAllocLimit {
		t.Errorf("%s allocated %d bytes, want ≤ %d", what, got, hostileAllocLimit)
	}
	return err
}

// checkErr checks err against the case: nil for a valid case, else an error
// containing c.Err and, if named, the hostile file's name.
func checkErr(t *testing.T, what string, c hostile.Case, err error, named bool) {
	t.Helper()
	switch {
	case c.Err == "" && err != nil:
		t.Errorf("%s of valid data (%s): %v", what, c.What, err)
	case c.Err == "":
	case err == nil:
		t.Errorf("%s accepted %s; want an error containing %q", what, c.What, c.Err)
	case !strings.Contains(err.Error(), c.Err):
		t.Errorf("%s (%s): %v\nwant an error containing %q", what, c.What, err, c.Err)
	case named && c.File != "" && !strings.Contains(err.Error(), c.File):
		t.Errorf("%s (%s): %v\ndoes not name the file %s", what, c.What, err, c.File)
	}
}

// checkValid checks that the sets of a valid case are valid and that the
// pre-processing of the command line gives finite values.
func checkValid(t *testing.T, c hostile.Case, train, test *data.Set) {
	t.Helper()
	for _, s := range []*data.Set{train, test} {
		if err := s.Validate(); err != nil {
			t.Fatalf("valid case %s: %v", c.Name, err)
		}
	}
	var err error
	if c.CIFAR() {
		train, test, _, err = data.StandardizeChannels(train, test, data.CIFARChannels)
	} else {
		train, test, _, err = data.Standardize(train, test)
	}
	if err == nil {
		train, test, err = data.TwoClass(train, test)
	}
	if err != nil {
		t.Fatalf("valid case %s: %v", c.Name, err)
	}
	for _, s := range []*data.Set{train, test} {
		for i, x := range s.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("valid case %s: standardised %s X[%d] = %v", c.Name, s.Name, i, x)
			}
		}
	}
}

// trainPair returns the paths of the training images and labels as Load
// finds them (name.gz before name).
func trainPair(dir string) (images, labels string) {
	find := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p + ".gz"); err == nil {
			return p + ".gz"
		}
		return p
	}
	return find(data.TrainImages), find(data.TrainLabels)
}

// checkOpen reads the training pair of an IDX case with Open and, when
// both files are small regular files, with ReadIDX from a reader of known
// size and from one of unknown size; only cases whose hostile file is one
// of the pair must fail.
func checkOpen(t *testing.T, c hostile.Case) {
	images, labels := trainPair(c.Source)
	inPair := c.File != "" && strings.HasPrefix(c.File, "train-")
	if st, err := os.Stat(c.Source); err != nil || !st.IsDir() {
		return // the case's source is not a directory
	}
	err := guarded(t, "Open", func() error { _, err := data.Open(images, labels); return err })
	if inPair {
		checkErr(t, "Open", c, err, true)
	}
	img, lbl := smallFile(images), smallFile(labels)
	if !inPair || img == nil || lbl == nil || strings.HasSuffix(images, ".gz") || strings.HasSuffix(labels, ".gz") {
		return
	}
	err = guarded(t, "ReadIDX", func() error {
		_, err := data.ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl))
		return err
	})
	checkErr(t, "ReadIDX", c, err, false)
	err = guarded(t, "ReadIDX (unknown size)", func() error {
		_, err := data.ReadIDX(struct{ io.Reader }{bytes.NewReader(img)}, struct{ io.Reader }{bytes.NewReader(lbl)})
		return err
	})
	// Without the sizes, the label header is checked before the images are
	// found short, so the message may differ; the verdict may not.
	var fe *data.FormatError
	if (c.Err == "") != (err == nil) || (err != nil && !errors.As(err, &fe)) {
		t.Errorf("ReadIDX (unknown size) (%s): %v; want %s", c.What, err, map[bool]string{true: "success", false: "a *FormatError"}[c.Err == ""])
	}
}

// checkReadCIFAR reads the hostile batch of a CIFAR case with ReadCIFAR
// when it is a small plain file, from readers of known and unknown size.
func checkReadCIFAR(t *testing.T, c hostile.Case) {
	b := smallFile(c.Path())
	if b == nil || strings.HasSuffix(c.File, ".gz") || !strings.HasPrefix(c.File, "data_batch") {
		return
	}
	for _, r := range []struct {
		what string
		r    io.Reader
	}{{"ReadCIFAR", bytes.NewReader(b)}, {"ReadCIFAR (unknown size)", struct{ io.Reader }{bytes.NewReader(b)}}} {
		err := guarded(t, r.what, func() error { _, err := data.ReadCIFAR(r.r, c.File); return err })
		checkErr(t, r.what, c, err, false)
	}
}

// smallFile returns the content of a regular file of at most 1 MiB, or nil.
func smallFile(p string) []byte {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 1<<20 {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	return b
}

// TestHostileSecondPass loads every case as TestHostile does, with the
// content of the gzip files kept by the first pass over them and with
// every gzip file decompressed a second time instead: both must give the
// same error, or the same sets.
func TestHostileSecondPass(t *testing.T) {
	cases, err := hostile.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var got [2]string
		for k, ratio := range []int64{1 << 40, 0} {
			restore := data.SetMaxKeepRatio(ratio)
			train, test, err := data.Load(c.Source, c.DataDir)
			restore()
			if err != nil {
				got[k] = "error: " + err.Error()
			} else {
				got[k] = train.Name + " " + train.Fingerprint() + ", " + test.Name + " " + test.Fingerprint()
			}
		}
		if got[0] != got[1] {
			t.Errorf("%s: with the content kept: %s\ndecompressed twice: %s", c.Name, got[0], got[1])
		}
	}
}
