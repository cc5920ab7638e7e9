package hostile

import (
	"os"
	"path/filepath"

	"github.com/fbpgo/fbp/data"
)

// cifarRecords returns m CIFAR-10 records with the labels 0, 1, …, 9, 0, …
// and varied, deterministic pixels.
func cifarRecords(m, seed int) []byte {
	b := make([]byte, 0, m*data.CIFARRecordSize)
	for i := range m {
		b = append(b, byte(i%10))
		b = append(b, pixels(1, data.CIFARPixels, seed*10+i)...)
	}
	return b
}

// writeCIFARBase writes five training batches and a test batch of two
// records each into dir.
func writeCIFARBase(dir string) error {
	if err := mkdirAll(dir); err != nil {
		return err
	}
	for i, f := range append(data.CIFARTrainFiles(), data.CIFARTestFile) {
		if err := put(dir, f, cifarRecords(2, i)); err != nil {
			return err
		}
	}
	return nil
}

// cifarSpecs lists the CIFAR-10 cases. The hostile file is the second
// training batch, so that the first has been read when it fails.
func cifarSpecs() []spec {
	b2 := data.CIFARTrainFiles()[1]
	two := cifarRecords(2, 1)
	bad := append([]byte(nil), two...)
	bad[data.CIFARRecordSize] = 10
	z := func(extra []byte, members ...[]byte) func(string) error {
		return func(d string) error { return gzipped(d, b2, extra, members...) }
	}
	return []spec{
		{"cifar-empty-batch", b2, "is empty", "a training batch of 0 bytes", replace(b2, nil)},
		{"cifar-partial-record", b2, "100 bytes of record 2", "two records and 100 bytes",
			replace(b2, append(two, make([]byte, 100)...))},
		{"cifar-label-range", b2, "label 10 of record 1", "a label of 10", replace(b2, bad)},
		{"cifar-directory", b2, "is a directory", "a directory where a batch belongs", func(d string) error { return mkdir(d, b2) }},
		{"cifar-dev-zero", b2, "not a regular file", "a batch that links to /dev/zero", func(d string) error { return devZero(d, b2) }},
		{"cifar-missing-test", data.CIFARTestFile, "neither test_batch.bin.gz nor test_batch.bin found", "no test batch",
			func(d string) error { return removeFile(d, data.CIFARTestFile) }},
		{"cifar-no-directory", "", "cifar-10-binary.tar.gz", "no cifar10 directory at all",
			func(d string) error { return os.RemoveAll(filepath.Dir(d)) }},
		{"cifar-gz-multi-member", b2 + ".gz", "", "valid: a batch in two gzip members, one per record",
			z(nil, two[:data.CIFARRecordSize], two[data.CIFARRecordSize:])},
		{"cifar-gz-partial-record", b2 + ".gz", "100 bytes of record 2", "a gzipped batch of two records and 100 bytes",
			z(nil, append(two, make([]byte, 100)...))},
		{"cifar-gz-truncated", b2 + ".gz", "truncated gzip data", "a gzipped batch cut in the middle",
			func(d string) error { g := gz(two); return gzipped(d, b2, g[:len(g)/2]) }},
		{"cifar-gz-trailing-garbage", b2 + ".gz", "trailing garbage", "text after the gzip member", z([]byte("garbage"), two)},
		{"cifar-gz-bomb", b2 + ".gz", "decompresses to more than 67,108,864 bytes", "a gzip bomb: 65 MiB of black records of label 0",
			func(d string) error { return gzipped(d, b2, bomb(nil, data.MaxStreamBytes+1<<20)) }},
	}
}
