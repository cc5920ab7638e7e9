package data

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/fbpgo/fbp/internal/par"
)

// IDX file layout (all integers big-endian uint32), as used by MNIST and
// Fashion-MNIST:
//
//	images:  offset 0   magic 0x00000803 (unsigned bytes, 3 dimensions)
//	         offset 4   count
//	         offset 8   rows
//	         offset 12  cols
//	         offset 16  count·rows·cols pixels, one byte each, row-major
//	labels:  offset 0   magic 0x00000801 (unsigned bytes, 1 dimension)
//	         offset 4   count
//	         offset 8   count labels, one byte each
const (
	MagicIDXImages = 0x00000803
	MagicIDXLabels = 0x00000801

	idxImageHeader = 16
	idxLabelHeader = 8
)

// Format limits of ReadIDX, checked against the header before anything
// that depends on it is allocated. The header must also agree with the
// stream's size: with a plain file's size, before reading the data, and
// with the size of a gzip file's content, measured in a first pass that
// keeps at most 8 bytes per compressed byte (see openInput); a stream of
// unknown size may hold at most MaxStreamBytes.
const (
	IDXClasses   = 10      // labels must lie in [0, IDXClasses)
	MaxIDXDim    = 1 << 12 // rows and cols ≤ 4096
	MaxIDXCount  = 1 << 26 // images ≤ 67,108,864
	MaxIDXPixels = 1 << 32 // count·rows·cols ≤ 4,294,967,296
)

// byteToUnit[b] = float64(b)/255, the pixel value of byte b: a look-up is
// cheaper than a division per pixel and gives the same bits.
var byteToUnit = func() (t [256]float64) {
	for b := range t {
		t[b] = float64(b) / 255
	}
	return t
}()

// bytesToUnit returns the pixels b/255 of the bytes b of raw, converted in
// chunks on several goroutines.
func bytesToUnit(raw []byte) []float64 {
	x := make([]float64, len(raw))
	par.Chunks(len(raw), chunkElems, func(lo, hi int) {
		for i, b := range raw[lo:hi] {
			x[lo+i] = byteToUnit[b]
		}
	})
	return x
}

// ReadIDX reads an MNIST-family data set from a pair of IDX streams (see the
// layout above). Pixels are mapped to float64 in [0,1] by x = b/255; the
// result has M = count, N = rows·cols, Classes = IDXClasses and Name
// "images". Each stream must end right after its data. ReadIDX does not
// decompress; Open and Load do.
//
// Errors are *FormatError values naming "images" or "labels" and the byte
// offset, whose message says what is wrong in the terms of the format, and
// wrap ErrNil (a nil reader), ErrMagic (wrong magic), ErrTruncated (the
// stream holds less than its header promises), ErrEmpty (count = 0 or a
// zero dimension), ErrCount (the limits above or MaxStreamBytes exceeded,
// image and label counts differ, or bytes after the data), ErrLabelRange
// (a label ≥ IDXClasses) or the error of the underlying reader. ReadIDX
// never panics. A reader that reports its length (see readerInput: a
// bytes.Reader, a regular *os.File) is checked against its header before
// anything is allocated; for any other reader memory grows only as bytes
// arrive, to at most twice the bytes received plus 1 MiB before the data is
// complete, and the header may promise at most MaxStreamBytes.
func ReadIDX(images, labels io.Reader) (*Set, error) {
	img, err := readerInput(images, "images")
	if err != nil {
		return nil, err
	}
	lbl, err := readerInput(labels, "labels")
	if err != nil {
		return nil, err
	}
	return readIDX(img, lbl)
}

// readIDX reads both headers and checks them against each other and against
// the streams' sizes before it reads the data.
func readIDX(img, lbl *input) (*Set, error) {
	count, n, err := readImageHeader(img)
	if err != nil {
		return nil, err
	}
	if err := readLabelHeader(lbl, count); err != nil {
		return nil, err
	}
	raw, err := img.data(count * n)
	if err != nil {
		return nil, err
	}
	if err := img.end(); err != nil {
		return nil, err
	}
	labels, err := lbl.data(count)
	if err != nil {
		return nil, err
	}
	y := make([]int, count)
	for i, b := range labels {
		if int(b) >= IDXClasses {
			return nil, lbl.fail(idxLabelHeader+int64(i), ErrLabelRange,
				"label out of range: label %d of image %s, want 0 to %d", b, grouped(int64(i)), IDXClasses-1)
		}
		y[i] = int(b)
	}
	if err := lbl.end(); err != nil {
		return nil, err
	}
	return &Set{X: bytesToUnit(raw), Y: y, M: int(count), N: int(n), Classes: IDXClasses, Name: img.name}, nil
}

// readImageHeader reads and checks the header of an IDX image stream and
// returns the image count and the pixels per image.
func readImageHeader(in *input) (count, n int64, err error) {
	const format = "an IDX image file"
	var h [idxImageHeader]byte
	if err := in.header(h[:4], format, idxImageHeader); err != nil {
		return 0, 0, err
	}
	if err := checkMagic(in, h[:4], MagicIDXImages); err != nil {
		return 0, 0, err
	}
	if err := in.header(h[4:], format, idxImageHeader); err != nil {
		return 0, 0, err
	}
	count = int64(binary.BigEndian.Uint32(h[4:]))
	rows := int64(binary.BigEndian.Uint32(h[8:]))
	cols := int64(binary.BigEndian.Uint32(h[12:]))
	shape := fmt.Sprintf("%s images of %d×%d pixels", grouped(count), rows, cols)
	switch {
	case count == 0 || rows == 0 || cols == 0:
		return 0, 0, in.fail(4, ErrEmpty, "no samples: the header says %s; want at least one image of at least 1×1", shape)
	case count > MaxIDXCount || rows > MaxIDXDim || cols > MaxIDXDim || count*rows*cols > MaxIDXPixels:
		return 0, 0, in.fail(4, ErrCount, "too large: the header says %s; the limits are %s images, %d rows and columns, %s pixels in all",
			shape, grouped(MaxIDXCount), MaxIDXDim, grouped(MaxIDXPixels))
	}
	n = rows * cols
	return count, n, in.expect(idxImageHeader+count*n, shape+" after the 16-byte header")
}

// readLabelHeader reads and checks the header of an IDX label stream, which
// must hold count labels.
func readLabelHeader(in *input, count int64) error {
	var h [idxLabelHeader]byte
	if err := in.header(h[:4], "an IDX label file", idxLabelHeader); err != nil {
		return err
	}
	if err := checkMagic(in, h[:4], MagicIDXLabels); err != nil {
		return err
	}
	if err := in.header(h[4:], "an IDX label file", idxLabelHeader); err != nil {
		return err
	}
	if lc := int64(binary.BigEndian.Uint32(h[4:])); lc != count {
		return in.fail(4, ErrCount, "%s labels for %s images: the label file must hold one label per image",
			grouped(lc), grouped(count))
	}
	return in.expect(idxLabelHeader+count, grouped(count)+" labels after the 8-byte header")
}

// checkMagic compares the magic number in b with want and names what the
// stream looks like when they differ.
func checkMagic(in *input, b []byte, want uint32) error {
	got := binary.BigEndian.Uint32(b)
	if got == want {
		return nil
	}
	kind := map[uint32]string{MagicIDXImages: "an IDX image file", MagicIDXLabels: "an IDX label file"}
	looks := ""
	switch {
	case kind[got] != "":
		looks = "; this is " + kind[got]
	case b[0] == 0x1f && b[1] == 0x8b:
		looks = "; this is gzip data: decompress it or read it with Open or Load"
	}
	return in.fail(0, ErrMagic, "bad magic number %#08x: want %#08x, %s%s", got, want, kind[want], looks)
}

// Open reads a data set from an IDX image file and an IDX label file. Either
// file may be gzip-compressed, with one or more members as gzip -d reads
// them; this is detected from its first two bytes, not from its name. The
// headers are checked against the size of each file, or of its
// decompressed content, before the data is read. Errors are those of
// ReadIDX, with Name set to the file's path, ErrCorrupt for a gzip file
// that cannot be decompressed, ErrNotRegular for a directory, or the
// *os.PathError from opening a file. The set's Name is imagesPath.
func Open(imagesPath, labelsPath string) (*Set, error) {
	fi, err := openInput(func() (fs.File, error) { return os.Open(imagesPath) }, imagesPath)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := openInput(func() (fs.File, error) { return os.Open(labelsPath) }, labelsPath)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	return readIDX(fi, fl)
}

// WriteIDX writes s as a pair of IDX streams (see ReadIDX). Images are
// written as rows×cols = √N×√N when N is a perfect square and as 1×N
// otherwise. Each pixel is written as the byte round(255·x), so WriteIDX is
// the exact inverse of ReadIDX for data read by it; pixels outside [0,1]
// are an error wrapping ErrPixelRange, and labels outside [0,255] (such as
// the -1 of the 2-class encoding) an error wrapping ErrLabelRange. s must
// pass Validate; nothing is written if it does not, nor if a writer is nil
// (an error wrapping ErrNil). A short write returns the writer's error.
func WriteIDX(imgW, lblW io.Writer, s *Set) error {
	if isNil(imgW) || isNil(lblW) {
		return fmt.Errorf("data: WriteIDX: %w: want two writers", ErrNil)
	}
	if err := s.Validate(); err != nil {
		return err
	}
	for i, x := range s.X {
		if x < 0 || x > 1 {
			return &SetError{Name: s.Name, Field: "X", Index: i, Err: fmt.Errorf("%w: %v", ErrPixelRange, x)}
		}
	}
	for i, y := range s.Y {
		if y < 0 || y > 255 {
			return &SetError{Name: s.Name, Field: "Y", Index: i, Err: fmt.Errorf("%w: %d not a byte", ErrLabelRange, y)}
		}
	}
	if s.M > math.MaxUint32 || s.N > math.MaxUint32 {
		return &SetError{Name: s.Name, Field: "shape", Index: -1, Err: fmt.Errorf("%w: too large for IDX", ErrCount)}
	}
	rows, cols := 1, s.N
	if r := int(math.Sqrt(float64(s.N))); r*r == s.N {
		rows, cols = r, r
	}
	var h [idxImageHeader]byte
	binary.BigEndian.PutUint32(h[0:], MagicIDXImages)
	binary.BigEndian.PutUint32(h[4:], uint32(s.M))
	binary.BigEndian.PutUint32(h[8:], uint32(rows))
	binary.BigEndian.PutUint32(h[12:], uint32(cols))
	bw := bufio.NewWriterSize(imgW, 1<<16)
	bw.Write(h[:])
	for _, x := range s.X {
		bw.WriteByte(byte(math.Round(255 * x)))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	binary.BigEndian.PutUint32(h[0:], MagicIDXLabels)
	bw = bufio.NewWriterSize(lblW, 1<<16)
	bw.Write(h[:idxLabelHeader])
	for _, y := range s.Y {
		bw.WriteByte(byte(y))
	}
	return bw.Flush()
}
