package data

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenGzipKept checks that a gzip file read from the content its first
// pass kept gives what decompressing it a second time gives: the same set,
// or the same error, for files shorter than their header, truncated ones,
// ones with trailing data, a valid one and one that compresses well.
func TestOpenGzipKept(t *testing.T) {
	img, lbl := tinyIDX(t)
	zeros := make([]byte, idxImageHeader+3*1000*1000)
	copy(zeros, img[:8])
	copy(zeros[8:], []byte{0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8}) // 3 images of 1000×1000
	contents := map[string][]byte{
		"empty": {}, "short header": img[:3], "header only": img[:idxImageHeader], "truncated": img[:len(img)-2],
		"trailing": append(append([]byte(nil), img...), 7, 7), "valid": img, "zeros": zeros,
	}
	dir := t.TempDir()
	pl := filepath.Join(dir, "labels")
	if err := os.WriteFile(pl, lbl, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, content := range contents {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(content)
		w.Close()
		pi := filepath.Join(dir, "images.gz")
		if err := os.WriteFile(pi, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var got [2]string
		for k, ratio := range []int64{1 << 40, 0} {
			old := maxKeepRatio
			maxKeepRatio = ratio
			s, err := Open(pi, pl)
			maxKeepRatio = old
			if err != nil {
				got[k] = "error: " + err.Error()
			} else {
				got[k] = s.Fingerprint()
			}
		}
		if got[0] != got[1] {
			t.Errorf("%s: with the content kept: %s\ndecompressed twice: %s", name, got[0], got[1])
		}
	}
}
