package data

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/fstest"
)

// MNIST's size: the training and test sets of the full data set.
const (
	mnistTrain  = 60000
	mnistTest   = 10000
	mnistPixels = 784
)

// mnistLike returns m synthetic images of MNIST's shape as IDX streams:
// about 80 % of the pixels 0, as in MNIST, the others uniform bytes, and
// labels uniform in [0, 10), all drawn from a PCG seeded with seed.
func mnistLike(m int, seed uint64) (img, lbl []byte) {
	rng := rand.New(rand.NewPCG(seed, 0))
	s := &Set{X: make([]float64, m*mnistPixels), Y: make([]int, m), M: m, N: mnistPixels, Classes: IDXClasses, Name: "synthetic"}
	for i := range s.X {
		if rng.IntN(5) == 0 {
			s.X[i] = float64(rng.IntN(256)) / 255
		}
	}
	for i := range s.Y {
		s.Y[i] = rng.IntN(IDXClasses)
	}
	var bi, bl bytes.Buffer
	if err := WriteIDX(&bi, &bl, s); err != nil {
		panic(err)
	}
	return bi.Bytes(), bl.Bytes()
}

// benchMNIST holds the synthetic MNIST-size data the benchmarks share:
// the four IDX streams, plain and gzipped, and the sets they hold.
var benchMNIST struct {
	once, gzOnce sync.Once
	plain, gz    fstest.MapFS
	train, test  *Set
}

// mnistBench builds benchMNIST once.
func mnistBench(b *testing.B) {
	b.Helper()
	benchMNIST.once.Do(func() {
		trImg, trLbl := mnistLike(mnistTrain, 1)
		teImg, teLbl := mnistLike(mnistTest, 2)
		files := map[string][]byte{TrainImages: trImg, TrainLabels: trLbl, TestImages: teImg, TestLabels: teLbl}
		benchMNIST.plain = fstest.MapFS{}
		for name, content := range files {
			benchMNIST.plain[name] = &fstest.MapFile{Data: content}
		}
		var err error
		if benchMNIST.train, benchMNIST.test, err = loadFS(benchMNIST.plain, ".", "synthetic"); err != nil {
			panic(err)
		}
	})
	b.ResetTimer()
}

// BenchmarkReadIDXMNIST reads the synthetic training set of MNIST's size
// from memory (47 MB of pixels to 376 MB of float64).
func BenchmarkReadIDXMNIST(b *testing.B) {
	mnistBench(b)
	img := benchMNIST.plain[TrainImages].Data
	lbl := benchMNIST.plain[TrainLabels].Data
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lbl)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadMNISTGzip reads the four gzipped files of the synthetic
// MNIST, as Load("mnist", dir) does.
func BenchmarkLoadMNISTGzip(b *testing.B) {
	mnistBench(b)
	benchMNIST.gzOnce.Do(func() {
		benchMNIST.gz = fstest.MapFS{}
		for name, f := range benchMNIST.plain {
			var z bytes.Buffer
			w := gzip.NewWriter(&z)
			w.Write(f.Data)
			w.Close()
			benchMNIST.gz[name+".gz"] = &fstest.MapFile{Data: z.Bytes()}
		}
	})
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := loadFS(benchMNIST.gz, ".", "synthetic"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateMNIST validates the synthetic training set.
func BenchmarkValidateMNIST(b *testing.B) {
	mnistBench(b)
	for b.Loop() {
		if err := benchMNIST.train.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyMNIST standardises the synthetic training set with fixed
// statistics.
func BenchmarkApplyMNIST(b *testing.B) {
	mnistBench(b)
	st := Stats{Mean: 0.13, Std: 0.31}
	for b.Loop() {
		if _, err := st.Apply(benchMNIST.train); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStandardizeMNIST computes the statistics of the synthetic
// training set and standardises it and the test set.
func BenchmarkStandardizeMNIST(b *testing.B) {
	mnistBench(b)
	for b.Loop() {
		if _, _, _, err := Standardize(benchMNIST.train, benchMNIST.test); err != nil {
			b.Fatal(err)
		}
	}
}
