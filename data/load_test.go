package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/testdata"
)

// SHA-256 of the uncompressed embedded subset files, as listed in
// testdata/README.md (made by data/cmd/mksubset).
var embeddedSHA256 = map[string]string{
	TrainImages: "54578ba567b9f317d91026f1822eb012bf648754749516e4d4feded6c7213767",
	TrainLabels: "fac1b969f7791a9f9f21432b9a2785c9d0367dae2913132b4b65dac8a84b61a2",
	TestImages:  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
	TestLabels:  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

func TestEmbeddedChecksums(t *testing.T) {
	for name, want := range embeddedSHA256 {
		f, err := testdata.MNISTSubset.Open(path.Join(testdata.MNISTSubsetDir, name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, zr); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("%s: sha256 %s, want %s", name, got, want)
		}
	}
}

func TestLoadEmbedded(t *testing.T) {
	train, test, err := Load("embedded", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    *Set
		m    int
		name string
		// label counts per class, from testdata/README.md (train) and
		// from the file (test, first label of the MNIST test set is 7)
		first int
	}{{train, 30000, "embedded/train", 5}, {test, 10000, "embedded/test", 7}} {
		if tc.s.M != tc.m || tc.s.N != 784 || tc.s.Classes != 10 || tc.s.Name != tc.name {
			t.Errorf("%s: M=%d N=%d Classes=%d, want %d, 784, 10", tc.s.Name, tc.s.M, tc.s.N, tc.s.Classes, tc.m)
		}
		if tc.s.Y[0] != tc.first {
			t.Errorf("%s: first label %d, want %d", tc.name, tc.s.Y[0], tc.first)
		}
		if err := tc.s.Validate(); err != nil {
			t.Error(err)
		}
	}
	var counts [10]int
	for _, y := range train.Y {
		counts[y]++
	}
	if want := [10]int{2961, 3423, 2948, 3073, 2926, 2709, 2975, 3107, 2875, 3003}; counts != want {
		t.Errorf("train label counts %v, want %v", counts, want)
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	img, lbl := tinyIDX(t)
	// train files plain, test files gzipped
	os.WriteFile(filepath.Join(dir, TrainImages), img, 0o644)
	os.WriteFile(filepath.Join(dir, TrainLabels), lbl, 0o644)
	for name, b := range map[string][]byte{TestImages: img, TestLabels: lbl} {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(b)
		zw.Close()
		os.WriteFile(filepath.Join(dir, name+".gz"), gz.Bytes(), 0o644)
	}
	train, test, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if train.M != 3 || test.M != 3 || test.Name != dir+"/test" {
		t.Errorf("Load(dir): train M=%d, test M=%d %q", train.M, test.M, test.Name)
	}

	// Errors name the file.
	os.WriteFile(filepath.Join(dir, TestLabels+".gz"), lbl[:5], 0o644)
	_, _, err = Load(dir, "")
	var fe *FormatError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) || fe.Name != filepath.Join(dir, TestLabels+".gz") {
		t.Errorf("Load(truncated labels) = %v", err)
	}
	os.Remove(filepath.Join(dir, TestLabels+".gz"))
	_, _, err = Load(dir, "")
	if err == nil || !strings.Contains(err.Error(), TestLabels) {
		t.Errorf("Load(missing labels) = %v, want an error naming %s", err, TestLabels)
	}
	// With bad training and test files, the training file is named, though
	// the test files are read at the same time.
	os.WriteFile(filepath.Join(dir, TrainImages), img[:20], 0o644)
	for range 20 {
		_, _, err = Load(dir, "")
		if !errors.Is(err, ErrTruncated) || !errors.As(err, &fe) || fe.Name != filepath.Join(dir, TrainImages) {
			t.Fatalf("Load(truncated training images, missing test labels) = %v, want the training images named", err)
		}
	}
	if _, _, err := Load(filepath.Join(dir, "nope"), ""); err == nil {
		t.Error("Load(nonexistent source) succeeded")
	}
	if _, _, err := Load("mnist", dir); err == nil {
		t.Error("Load(mnist) in a directory without mnist/ succeeded")
	}
}

// TestLoadFull reads the full data sets written by Fetch, if present
// ($FBP_DATA or ~/.cache/fbp). It is skipped when they are absent or under
// -short.
func TestLoadFull(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, src := range []string{"mnist", "fashion"} {
		t.Run(src, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(DefaultDir(), src)); err != nil {
				t.Skipf("no %s in %s", src, DefaultDir())
			}
			train, test, err := Load(src, "")
			if err != nil {
				t.Fatal(err)
			}
			if train.M != 60000 || test.M != 10000 || train.N != 784 {
				t.Errorf("%s: %d, %d samples of %d, want 60000, 10000 of 784", src, train.M, test.M, train.N)
			}
		})
	}
}
