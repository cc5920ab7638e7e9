package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
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

// Limits enforced by ReadIDX before it allocates anything that depends on a
// header field. Memory for pixels grows only as pixel bytes actually arrive,
// so a header that announces more data than the stream holds costs at most
// twice the real data plus one read chunk.
const (
	IDXClasses   = 10      // labels must lie in [0, IDXClasses)
	MaxIDXDim    = 1 << 12 // rows and cols ≤ 4096
	MaxIDXCount  = 1 << 26 // images ≤ 67,108,864
	MaxIDXPixels = 1 << 32 // count·rows·cols ≤ 4,294,967,296

	idxChunk = 1 << 20 // bytes read per step
)

// ReadIDX reads an MNIST-family data set from a pair of IDX streams (see the
// layout above). Pixels are mapped to float64 in [0,1] by x = b/255; the
// result has M = count, N = rows·cols, Classes = IDXClasses and Name
// "images". Each stream must end right after its data.
//
// Errors are *FormatError values naming "images" or "labels" and the byte
// offset, and wrap ErrMagic (wrong magic), ErrTruncated (the stream ends
// early), ErrEmpty (count = 0 or a zero dimension), ErrCount (limits above
// exceeded, image and label counts differ, or bytes after the data),
// ErrLabelRange (a label ≥ IDXClasses) or the error of the underlying reader.
// ReadIDX never panics. Before the pixel data has been read in full it holds
// at most twice the bytes actually read plus 1 MiB, so a header that lies
// about the size costs little.
func ReadIDX(images, labels io.Reader) (*Set, error) {
	return readIDX(images, "images", labels, "labels")
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func readIDX(images io.Reader, imgName string, labels io.Reader, lblName string) (*Set, error) {
	img := &counter{r: images}
	ferr := func(name string, off int64, err error) error {
		return &FormatError{Name: name, Offset: off, Err: err}
	}
	// The magic number is checked before the rest of the header is read, so
	// that a short file of the wrong kind reports ErrMagic.
	var h [idxImageHeader]byte
	if err := readFull(img, h[:4]); err != nil {
		return nil, ferr(imgName, img.n, err)
	}
	if m := binary.BigEndian.Uint32(h[0:]); m != MagicIDXImages {
		return nil, ferr(imgName, 0, fmt.Errorf("%w: %#08x, want %#08x", ErrMagic, m, MagicIDXImages))
	}
	if err := readFull(img, h[4:]); err != nil {
		return nil, ferr(imgName, img.n, err)
	}
	count := int64(binary.BigEndian.Uint32(h[4:]))
	rows := int64(binary.BigEndian.Uint32(h[8:]))
	cols := int64(binary.BigEndian.Uint32(h[12:]))
	switch {
	case count == 0 || rows == 0 || cols == 0:
		return nil, ferr(imgName, 4, fmt.Errorf("%w: header %d×%d×%d", ErrEmpty, count, rows, cols))
	case count > MaxIDXCount || rows > MaxIDXDim || cols > MaxIDXDim || count*rows*cols > MaxIDXPixels:
		return nil, ferr(imgName, 4, fmt.Errorf("%w: header %d×%d×%d exceeds limits", ErrCount, count, rows, cols))
	}
	n := int(rows * cols)
	x, err := readPixels(img, int(count)*n)
	if err != nil {
		return nil, ferr(imgName, img.n, err)
	}
	if err := expectEOF(img); err != nil {
		return nil, ferr(imgName, img.n, err)
	}

	lbl := &counter{r: labels}
	if err := readFull(lbl, h[:4]); err != nil {
		return nil, ferr(lblName, lbl.n, err)
	}
	if m := binary.BigEndian.Uint32(h[0:]); m != MagicIDXLabels {
		return nil, ferr(lblName, 0, fmt.Errorf("%w: %#08x, want %#08x", ErrMagic, m, MagicIDXLabels))
	}
	if err := readFull(lbl, h[4:idxLabelHeader]); err != nil {
		return nil, ferr(lblName, lbl.n, err)
	}
	if lc := int64(binary.BigEndian.Uint32(h[4:])); lc != count {
		return nil, ferr(lblName, 4, fmt.Errorf("%w: %d labels for %d images", ErrCount, lc, count))
	}
	// count is now backed by count·n image bytes actually read, so this
	// allocation is bounded by the input size.
	raw := make([]byte, count)
	if err := readFull(lbl, raw); err != nil {
		return nil, ferr(lblName, lbl.n, err)
	}
	y := make([]int, count)
	for i, b := range raw {
		if int(b) >= IDXClasses {
			return nil, ferr(lblName, idxLabelHeader+int64(i),
				fmt.Errorf("%w: label %d of sample %d, want < %d", ErrLabelRange, b, i, IDXClasses))
		}
		y[i] = int(b)
	}
	if err := expectEOF(lbl); err != nil {
		return nil, ferr(lblName, lbl.n, err)
	}
	return &Set{X: x, Y: y, M: int(count), N: n, Classes: IDXClasses, Name: imgName}, nil
}

// readPixels reads total pixel bytes from r and returns them as float64
// values b/255. The byte buffer at most doubles per step, so its size stays
// within twice the bytes actually read (plus one chunk); the float64 slice is
// allocated only after all bytes have arrived.
func readPixels(r io.Reader, total int) ([]float64, error) {
	raw := make([]byte, 0, min(total, idxChunk))
	for len(raw) < total {
		n := min(total-len(raw), max(len(raw), idxChunk))
		raw = slices.Grow(raw, n)
		if err := readFull(r, raw[len(raw):len(raw)+n]); err != nil {
			return nil, err
		}
		raw = raw[:len(raw)+n]
	}
	x := make([]float64, total)
	for i, b := range raw {
		x[i] = float64(b) / 255
	}
	return x, nil
}

// readFull is io.ReadFull with io.EOF and io.ErrUnexpectedEOF mapped to
// ErrTruncated.
func readFull(r io.Reader, b []byte) error {
	_, err := io.ReadFull(r, b)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: need %d more bytes", ErrTruncated, len(b))
	}
	return err
}

// expectEOF checks that r holds no more bytes. Reading to the end also makes
// a gzip reader verify its checksum.
func expectEOF(r io.Reader) error {
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n > 0 {
			return fmt.Errorf("%w: unexpected bytes after the data", ErrCount)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Open reads a data set from an IDX image file and an IDX label file. Either
// file may be gzip-compressed; this is detected from its first two bytes, not
// from its name. Errors are those of ReadIDX, with Name set to the file's
// path, or the *os.PathError from opening a file. The set's Name is
// imagesPath.
func Open(imagesPath, labelsPath string) (*Set, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	ri, err := maybeGunzip(fi, imagesPath)
	if err != nil {
		return nil, err
	}
	rl, err := maybeGunzip(fl, labelsPath)
	if err != nil {
		return nil, err
	}
	return readIDX(ri, imagesPath, rl, labelsPath)
}

// maybeGunzip returns a reader of r's decompressed content if r starts with
// the gzip magic bytes 1f 8b, and of r itself otherwise.
func maybeGunzip(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil // a short file fails later with ErrTruncated
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, &FormatError{Name: name, Offset: 0, Err: fmt.Errorf("gzip: %w", err)}
	}
	zr.Multistream(false)
	return zr, nil
}

// WriteIDX writes s as a pair of IDX streams (see ReadIDX). Images are
// written as rows×cols = √N×√N when N is a perfect square and as 1×N
// otherwise. Each pixel is written as the byte round(255·x), so WriteIDX is
// the exact inverse of ReadIDX for data read by it; pixels outside [0,1]
// are an error wrapping ErrPixelRange, and labels outside [0,255] (such as
// the -1 of the 2-class encoding) an error wrapping ErrLabelRange. s must
// pass Validate; nothing is written if it does not. A short write returns
// the writer's error.
func WriteIDX(imgW, lblW io.Writer, s *Set) error {
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
