package hostile

import (
	"encoding/binary"
	"path/filepath"

	"github.com/fbpgo/fbp/data"
)

// The base IDX data set: trainM training and testM test images of side×side
// pixels; every case starts from it.
const (
	trainM = 20
	testM  = 10
	side   = 28
)

// idxImages returns an IDX image file: the header count×rows×cols, then px.
func idxImages(count, rows, cols uint32, px []byte) []byte {
	b := make([]byte, 16, 16+len(px))
	binary.BigEndian.PutUint32(b[0:], data.MagicIDXImages)
	binary.BigEndian.PutUint32(b[4:], count)
	binary.BigEndian.PutUint32(b[8:], rows)
	binary.BigEndian.PutUint32(b[12:], cols)
	return append(b, px...)
}

// idxLabels returns an IDX label file: the header count, then labels.
func idxLabels(count uint32, labels []byte) []byte {
	b := make([]byte, 8, 8+len(labels))
	binary.BigEndian.PutUint32(b[0:], data.MagicIDXLabels)
	binary.BigEndian.PutUint32(b[4:], count)
	return append(b, labels...)
}

// pixels returns m images of n pixels with varied, deterministic values.
func pixels(m, n, seed int) []byte {
	px := make([]byte, m*n)
	for i := range px {
		px[i] = byte(i*31 + seed*7 + i/n)
	}
	return px
}

// labels returns the labels 0, 1, …, 9, 0, 1, … of m images.
func labels(m int) []byte {
	y := make([]byte, m)
	for i := range y {
		y[i] = byte(i % 10)
	}
	return y
}

func trainImages() []byte { return idxImages(trainM, side, side, pixels(trainM, side*side, 1)) }
func trainLabels() []byte { return idxLabels(trainM, labels(trainM)) }

// writeIDXBase writes the four standard IDX files of the base set into dir.
func writeIDXBase(dir string) error {
	if err := mkdirAll(dir); err != nil {
		return err
	}
	for name, b := range map[string][]byte{
		data.TrainImages: trainImages(),
		data.TrainLabels: trainLabels(),
		data.TestImages:  idxImages(testM, side, side, pixels(testM, side*side, 2)),
		data.TestLabels:  idxLabels(testM, labels(testM)),
	} {
		if err := put(dir, name, b); err != nil {
			return err
		}
	}
	return nil
}

// header returns the 16-byte header of an IDX image file.
func header(count, rows, cols uint32) []byte { return idxImages(count, rows, cols, nil) }

// replace returns an edit that writes b as dir/name.
func replace(name string, b []byte) func(string) error {
	return func(dir string) error { return put(dir, name, b) }
}

// idxSpecs lists the IDX cases: plain files first, then gzip files.
func idxSpecs() []spec {
	img, lbl := trainImages(), trainLabels()
	ti, tl := data.TrainImages, data.TrainLabels
	magic := func(b []byte, m uint32) []byte {
		c := append([]byte(nil), b...)
		binary.BigEndian.PutUint32(c, m)
		return c
	}
	constant := make([]byte, trainM*side*side)
	for i := range constant {
		constant[i] = 77
	}
	return append([]spec{
		{"idx-empty-file", ti, "is empty", "the training images file has 0 bytes", replace(ti, nil)},
		{"idx-short-header", ti, "16-byte header", "the training images file ends inside its header", replace(ti, img[:10])},
		{"idx-bad-magic", ti, "bad magic number 0xdeadbeef", "the magic number is 0xdeadbeef", replace(ti, magic(img, 0xdeadbeef))},
		{"idx-labels-as-images", ti, "this is an IDX label file", "a label file where the images belong", replace(ti, lbl)},
		{"idx-images-as-labels", tl, "this is an IDX image file", "an image file where the labels belong", replace(tl, img)},
		{"idx-zero-count", ti, "no samples", "the header says 0 images", replace(ti, idxImages(0, side, side, nil))},
		{"idx-zero-rows", ti, "no samples", "the header says 0 rows", replace(ti, idxImages(trainM, 0, side, nil))},
		{"idx-huge-dims", ti, "too large: the header says", "rows = cols = 65,535", replace(ti, header(trainM, 65535, 65535))},
		{"idx-huge-count", ti, "too large: the header says 4,294,967,295 images", "count = 2³²−1", replace(ti, header(1<<32-1, 1, 1))},
		{"idx-lying-count", ti, "the header promises 47,040,016 bytes", "the header says 60,000 images, the file holds 20",
			replace(ti, idxImages(60000, side, side, pixels(trainM, side*side, 1)))},
		{"idx-lying-count-max", ti, "the header promises 67,108,880 bytes", "the largest count allowed, of 1×1 images, in a 36-byte file",
			replace(ti, idxImages(data.MaxIDXCount, 1, 1, make([]byte, 20)))},
		{"idx-lying-pixels-max", ti, "the header promises 4,294,967,312 bytes", "2³² pixels promised, the most allowed",
			replace(ti, header(1<<16, 256, 256))},
		{"idx-trailing-garbage", ti, "trailing data: the header promises 15,696 bytes", "100 bytes after the last image", replace(ti, append(img, make([]byte, 100)...))},
		{"idx-truncated", ti, "truncated: the header promises 15,696 bytes", "the last image lacks 100 bytes", replace(ti, img[:len(img)-100])},
		{"idx-label-range", tl, "label 200", "a label of 200", replace(tl, idxLabels(trainM, append(labels(trainM-1), 200)))},
		{"idx-label-count", tl, "19 labels for 20 images", "one label fewer than images", replace(tl, idxLabels(trainM-1, labels(trainM-1)))},
		{"idx-labels-truncated", tl, "the header promises 28 bytes", "the label file lacks its last 5 labels", replace(tl, lbl[:len(lbl)-5])},
		{"idx-labels-trailing", tl, "trailing data: the header promises 28 bytes", "one byte after the labels", replace(tl, append(lbl, 0))},
		{"idx-test-shape", data.TestImages, "training images have 784 pixels, test images 400", "test images of 20×20, training images of 28×28",
			replace(data.TestImages, idxImages(testM, 20, 20, pixels(testM, 400, 2)))},
		{"idx-directory", ti, "is a directory", "a directory where the training images belong", func(d string) error { return mkdir(d, ti) }},
		{"idx-gz-directory", ti + ".gz", "is a directory", "a directory named like the gzipped training images", func(d string) error { return mkdir(d, ti+".gz") }},
		{"idx-missing", data.TestLabels, "neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte found", "no test labels",
			func(d string) error { return removeFile(d, data.TestLabels) }},
		{"idx-dev-zero", ti, "not a regular file", "the training images are a link to /dev/zero", func(d string) error { return devZero(d, ti) }},
		{"idx-constant-pixels", ti, "", "valid: every pixel is 77, so the pixel variance is 0", replace(ti, idxImages(trainM, side, side, constant))},
		{"idx-source-is-file", "", "nor a directory", "the data source is a file, not a directory", func(string) error { return nil }},
	}, gzipSpecs()...)
}

// gzipSpecs lists the cases of gzipped IDX files.
func gzipSpecs() []spec {
	img, lbl := trainImages(), trainLabels()
	ti, tl := data.TrainImages, data.TrainLabels
	z := func(extra []byte, members ...[]byte) func(string) error {
		return func(d string) error { return gzipped(d, ti, extra, members...) }
	}
	raw := func(name string, b []byte) func(string) error {
		return func(d string) error { return gzipped(d, name, b) }
	}
	whole := gz(img)
	many := make([][]byte, 0, 2001)
	for range 2000 {
		many = append(many, nil)
	}
	small := header(trainM, side, side)
	limit := data.MaxStreamBytes
	return []spec{
		{"gz-multi-member", ti + ".gz", "", "valid: three gzip members, as gzip -d concatenates them", z(nil, img[:100], img[100:5000], img[5000:])},
		{"gz-empty-members", ti + ".gz", "", "valid: empty gzip members before, between and after the data", z(nil, nil, img[:300], nil, img[300:], nil)},
		{"gz-many-members", ti + ".gz", "", "valid: 2,000 empty gzip members, then the data", z(nil, append(many, img)...)},
		{"gz-trailing-garbage", ti + ".gz", "trailing garbage", "text after the last gzip member", z([]byte("this is not gzip data\n"), img)},
		{"gz-trailing-zeros", ti + ".gz", "trailing garbage", "512 zero bytes after the last gzip member", z(make([]byte, 512), img)},
		{"gz-truncated", ti + ".gz", "truncated gzip data", "the gzip file is cut in the middle", raw(ti, whole[:len(whole)/2])},
		{"gz-truncated-member-2", ti + ".gz", "truncated gzip data: the compressed file ends inside gzip member 2", "the second member is cut",
			raw(ti, append(gz(img[:100]), gz(img[100:])[:30]...))},
		{"gz-bad-crc", ti + ".gz", "corrupt gzip data: checksum mismatch", "the CRC-32 in the trailer is wrong", raw(ti, badCRC(img))},
		{"gz-reserved-block", ti + ".gz", "corrupt gzip data: invalid deflate data", "a deflate block of the reserved type 3", raw(ti, reservedBlock())},
		{"gz-bad-method", ti + ".gz", "corrupt gzip data: invalid header of gzip member 1", "compression method 9", raw(ti, badMethod())},
		{"gz-magic-only", ti + ".gz", "truncated gzip data", "only the two gzip magic bytes", raw(ti, []byte{0x1f, 0x8b})},
		{"gz-empty-content", ti + ".gz", "is empty", "a valid gzip file of no bytes", z(nil, nil)},
		{"gz-bomb", ti + ".gz", "decompresses to more than 67,108,864 bytes", "a gzip bomb: 65 MiB of zeros after a valid header",
			raw(ti, bomb(small, limit+1<<20))},
		{"gz-bomb-small-header", ti + ".gz", "trailing data: the header promises 15,696 bytes", "60 MB of zeros after a header of 20 images",
			raw(ti, bomb(small, 60_000_000))},
		{"gz-bomb-huge-header", ti + ".gz", "the header promises 4,294,967,312 bytes", "50 MB of zeros after a header of 2³² pixels",
			raw(ti, bomb(header(1<<16, 256, 256), 50_000_000))},
		{"gz-labels-bomb", tl + ".gz", "decompresses to more than 67,108,864 bytes", "a gzip bomb in the labels file",
			raw(tl, bomb(lbl[:8], limit+1<<20))},
	}
}

// fileSource makes the source of the case idx-source-is-file a file.
func fileSource(c *Case) {
	if c.Name == "idx-source-is-file" {
		c.Source = filepath.Join(c.Source, data.TrainImages)
	}
}
