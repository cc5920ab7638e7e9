// Command mksubset writes the MNIST subset embedded in testdata/mnist-subset:
// the first -train training samples and the first -test test samples of the
// full data set, as the four standard gzipped IDX files.
//
// Usage:
//
//	go run ./data/cmd/mksubset -src DIR -dst testdata/mnist-subset
//
// DIR holds the four standard IDX files, plain or gzipped (for example the
// mnist directory written by data.Fetch). The pixel and label bytes of the
// outputs are exactly those of the first samples of the inputs (only the
// count in each header changes); the gzip bytes depend on the Go version's
// compress/flate. The sha256 of every output, compressed and
// uncompressed, is printed.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fbpgo/fbp/data"
)

func main() {
	src := flag.String("src", filepath.Join(data.DefaultDir(), "mnist"), "directory with the full IDX files")
	dst := flag.String("dst", "testdata/mnist-subset", "output directory")
	nTrain := flag.Int("train", 30000, "number of training samples (a prefix)")
	nTest := flag.Int("test", 10000, "number of test samples (a prefix)")
	flag.Parse()
	if err := run(*src, *dst, *nTrain, *nTest); err != nil {
		fmt.Fprintln(os.Stderr, "mksubset:", err)
		os.Exit(1)
	}
}

func run(src, dst string, nTrain, nTest int) error {
	train, test, err := data.Load(src, "")
	if err != nil {
		return err
	}
	if nTrain < 1 || nTrain > train.M || nTest < 1 || nTest > test.M {
		return fmt.Errorf("-train %d, -test %d: want 1..%d and 1..%d", nTrain, nTest, train.M, test.M)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	trainSub, err := train.Subset(prefix(nTrain))
	if err != nil {
		return err
	}
	testSub, err := test.Subset(prefix(nTest))
	if err != nil {
		return err
	}
	if err := write(dst, data.TrainImages, data.TrainLabels, trainSub); err != nil {
		return err
	}
	return write(dst, data.TestImages, data.TestLabels, testSub)
}

func prefix(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func write(dst, images, labels string, s *data.Set) error {
	var img, lbl bytes.Buffer
	if err := data.WriteIDX(&img, &lbl, s); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		raw  []byte
	}{{images, img.Bytes()}, {labels, lbl.Bytes()}} {
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		if err != nil {
			return err
		}
		zw.Write(f.raw)
		if err := zw.Close(); err != nil {
			return err
		}
		path := filepath.Join(dst, f.name+".gz")
		if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s  %d bytes  sha256 %x  (uncompressed %d bytes, sha256 %x)\n",
			path, gz.Len(), sha256.Sum256(gz.Bytes()), len(f.raw), sha256.Sum256(f.raw))
	}
	return nil
}
