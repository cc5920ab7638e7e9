package data

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"slices"
)

// MaxStreamBytes bounds the content of a stream whose size is not known
// before it is read: the decompressed content of a gzip file, or a reader
// passed to ReadIDX or ReadCIFAR that does not report its length. A header
// that promises more than this, or a gzip file that decompresses to more, is
// an error wrapping ErrCount; plain files, whose size is known, are limited
// only by the format limits (MaxIDXPixels, MaxCIFARRecords). The largest
// standard file, MNIST's training images, holds 47,040,016 bytes; a CIFAR-10
// batch 30,730,000.
//
// With this limit a small gzip file (a "gzip bomb") cannot make a reader
// hold more than a stream of MNIST's size would: the pixels of one stream
// take at most 8·MaxStreamBytes = 512 MiB as float64.
const MaxStreamBytes = 64 << 20

// readChunk is the step by which buffers for streams of unknown size grow.
const readChunk = 1 << 20

// input is one stream being read by a format reader: its bytes, its name
// for messages and, when known before reading, how many bytes it holds.
type input struct {
	r      io.Reader
	c      io.Closer // the open file, or nil
	name   string    // file or stream name for messages
	kind   string    // "file", "gzip file" or "stream", for messages
	size   int64     // bytes the (decompressed) stream holds in all, or -1
	off    int64     // bytes read so far
	budget string    // what the header promises, set by expect, for messages
	total  int64     // the total size the header promises, set by expect
}

// Read reads from the stream and counts the bytes.
func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.off += int64(n)
	return n, err
}

// Close closes the file the input reads, if any.
func (in *input) Close() error {
	if in == nil || in.c == nil {
		return nil
	}
	return in.c.Close()
}

// holds says what the stream holds, for messages: "the file holds" and so on.
func (in *input) holds() string {
	switch in.kind {
	case "gzip file":
		return "the decompressed gzip file holds"
	case "file":
		return "the file holds"
	}
	return "the stream holds"
}

// fail returns a *FormatError for this stream at offset off.
func (in *input) fail(off int64, sentinel error, format string, args ...any) error {
	return &FormatError{Name: in.name, Offset: off, Err: newProblem(sentinel, format, args...)}
}

// expect checks, before anything is allocated for the data, that the stream
// holds exactly total bytes in all, as its header promises; what says in
// words what the header promises. For a stream of unknown size it checks
// total against MaxStreamBytes instead; such a stream is checked as it is
// read.
func (in *input) expect(total int64, what string) error {
	in.total, in.budget = total, what
	promise := fmt.Sprintf("the header promises %s bytes (%s)", grouped(total), what)
	switch {
	case in.size < 0 && total > MaxStreamBytes:
		return in.fail(in.off, ErrCount,
			"too large: %s, more than %s bytes (MaxStreamBytes), the limit for a %s of unknown size; decompress it and read the plain file",
			promise, grouped(MaxStreamBytes), in.kind)
	case in.size >= 0 && in.size < total:
		return in.fail(in.size, ErrTruncated, "truncated: %s, %s only %s; the %s is incomplete or its header is wrong",
			promise, in.holds(), grouped(in.size), in.kind)
	case in.size > total:
		return in.fail(total, ErrCount, "trailing data: %s, %s %s, %s too many; the data must end where the header says",
			promise, in.holds(), grouped(in.size), nbytes(in.size-total))
	}
	return nil
}

// header reads the len(b) bytes of a header that starts at in.off; format
// describes the file format for messages ("an IDX image file") and size is
// the length of its whole header.
func (in *input) header(b []byte, format string, size int) error {
	if _, err := io.ReadFull(in, b); err != nil {
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return wrap(in.name, in.off, err)
		}
		if in.off == 0 {
			return in.fail(0, ErrTruncated, "truncated: the %s is empty; want %s (a %d-byte header, then the data)", in.kind, format, size)
		}
		return in.fail(in.off, ErrTruncated, "truncated: %s only %s; %s starts with a %d-byte header",
			in.holds(), nbytes(in.off), format, size)
	}
	return nil
}

// data reads the next n bytes, which expect has promised. A stream of known
// size gets one exact allocation; for a stream of unknown size the buffer
// grows as bytes actually arrive, so a header that lies costs at most twice
// the bytes received plus readChunk.
func (in *input) data(n int64) ([]byte, error) {
	if in.size >= 0 {
		b := make([]byte, n)
		if _, err := io.ReadFull(in, b); err != nil {
			return nil, in.short(err)
		}
		return b, nil
	}
	b := make([]byte, 0, min(n, readChunk))
	for int64(len(b)) < n {
		k := int(min(n-int64(len(b)), max(int64(len(b)), readChunk)))
		b = slices.Grow(b, k)
		m, err := io.ReadFull(in, b[len(b):len(b)+k])
		b = b[:len(b)+m]
		if err != nil {
			return nil, in.short(err)
		}
	}
	return b, nil
}

// short turns the error of a read that ended early into a *FormatError.
func (in *input) short(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return in.fail(in.off, ErrTruncated, "truncated: the header promises %s bytes (%s), %s only %s; the %s is incomplete or its header is wrong",
			grouped(in.total), in.budget, in.holds(), grouped(in.off), in.kind)
	}
	return wrap(in.name, in.off, err)
}

// end checks that the stream holds nothing after the data. Reading to the
// end also makes gzip verify the checksum of its last member.
func (in *input) end() error {
	var b [1]byte
	for {
		n, err := in.Read(b[:])
		if n > 0 {
			return in.fail(in.off-1, ErrCount, "trailing data: the header promises %s bytes (%s), %s more; the data must end where the header says",
				grouped(in.total), in.budget, in.holds())
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return wrap(in.name, in.off, err)
		}
	}
}

// readerInput wraps a reader passed to ReadIDX or ReadCIFAR. A nil reader,
// or a nil pointer of any reader type, is an error wrapping ErrNil. A
// reader with a Len() int method (bytes.Reader, bytes.Buffer,
// strings.Reader) is taken to hold exactly Len() more bytes, and a regular
// *os.File the bytes from its offset to its end; other readers have an
// unknown size, limited by MaxStreamBytes.
func readerInput(r io.Reader, name string) (*input, error) {
	if isNil(r) {
		return nil, &FormatError{Name: name, Err: newProblem(ErrNil, "nil reader: want an io.Reader of the %s", name)}
	}
	in := &input{r: r, name: name, kind: "stream", size: -1}
	switch r := r.(type) {
	case interface{ Len() int }:
		in.size = int64(r.Len())
	case *os.File:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			break
		}
		if pos, err := r.Seek(0, io.SeekCurrent); err == nil && pos <= st.Size() {
			in.size, in.kind = st.Size()-pos, "file"
		}
	}
	return in, nil
}

// isNil reports whether x is nil or a nil pointer, map, slice, func or
// channel (a typed nil in an interface).
func isNil(x any) bool {
	if x == nil {
		return true
	}
	switch v := reflect.ValueOf(x); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// maxKeepRatio bounds the content that the first pass over a gzip file
// keeps, as a multiple of the compressed size: MNIST's files decompress to
// about 5 times their size, a gzip bomb to a thousand times.
var maxKeepRatio int64 = 8

// openInput opens a file (open opens it; display is its name in messages).
// A plain file is read as it is, its size known from Stat. A file that
// starts with the gzip magic bytes 1f 8b is decompressed like gzip -d
// (see gunzip), after a first pass that checks the whole gzip file and
// measures its content against MaxStreamBytes, so that the header can be
// checked against the real size before the data is read. The first pass
// keeps the content when it is at most maxKeepRatio times the compressed
// size, and the data is then read from memory; otherwise the file is
// decompressed a second time, so that a small file never makes it hold
// much. Directories and other non-regular files are errors. The caller
// closes the input.
func openInput(open func() (fs.File, error), display string) (*input, error) {
	in, err := openOnce(open, display)
	if err != nil || in.kind != "gzip file" {
		return in, err
	}
	keep := &keeper{limit: min(MaxStreamBytes, maxKeepRatio*in.r.(*gunzip).size)}
	n, err := io.Copy(keep, io.LimitReader(in, MaxStreamBytes+1))
	in.Close()
	switch {
	case err != nil:
		return nil, wrap(display, n, err)
	case n > MaxStreamBytes:
		return nil, in.fail(MaxStreamBytes, ErrCount,
			"too large: the gzip file decompresses to more than %s bytes (MaxStreamBytes), the limit for compressed input; gunzip it and read the plain file",
			grouped(MaxStreamBytes))
	case !keep.dropped:
		in.r, in.c, in.off = keep, nil, 0
	default:
		if in, err = openOnce(open, display); err != nil {
			return nil, err
		}
	}
	in.size = n
	return in, nil
}

// keepBlock is the size of the blocks in which a keeper holds its content.
const keepBlock = 1 << 20

// keeper is an io.Writer that keeps what is written to it, in blocks of
// keepBlock bytes or limit if less, as long as it fits in limit bytes, and
// then drops it (dropped) and discards the rest. It then reads back what
// it kept as an io.Reader. Blocks, not one growing slice, store each byte
// once: no copies and no cleared memory as the content grows.
type keeper struct {
	blocks  [][]byte
	limit   int64
	dropped bool
	n, rd   int64 // bytes kept, bytes read back
}

func (k *keeper) Write(p []byte) (int, error) {
	if k.dropped || k.n+int64(len(p)) > k.limit {
		k.blocks, k.dropped = nil, true
		return len(p), nil
	}
	k.n += int64(len(p))
	for q := p; len(q) > 0; {
		if len(k.blocks) == 0 || len(k.blocks[len(k.blocks)-1]) == cap(k.blocks[len(k.blocks)-1]) {
			k.blocks = append(k.blocks, make([]byte, 0, min(keepBlock, k.limit)))
		}
		last := &k.blocks[len(k.blocks)-1]
		m := min(len(q), cap(*last)-len(*last))
		*last = append(*last, q[:m]...)
		q = q[m:]
	}
	return len(p), nil
}

func (k *keeper) Read(p []byte) (int, error) {
	if k.rd == k.n {
		return 0, io.EOF
	}
	size := int64(min(keepBlock, k.limit))
	b := k.blocks[k.rd/size][k.rd%size:]
	m := copy(p, b)
	k.rd += int64(m)
	return m, nil
}

// openOnce opens the file and, if it is gzipped, starts decompressing it;
// the size of a gzip file's content is left unknown (-1).
func openOnce(open func() (fs.File, error), display string) (*input, error) {
	f, err := open()
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%w: %s; want a plain or gzipped data file", ErrNotRegular, fileType(st.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data: %s: %w", display, err)
	}
	raw := &counter{r: f}
	br := bufio.NewReaderSize(raw, 1<<16)
	in := &input{r: br, c: f, name: display, kind: "file", size: st.Size()}
	if b, _ := br.Peek(2); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return in, nil
	}
	g, err := newGunzip(br, raw, st.Size())
	if err != nil {
		f.Close()
		return nil, wrap(display, 0, err)
	}
	in.r, in.kind, in.size = g, "gzip file", -1
	return in, nil
}

// fileType names the type of a file that is not a regular one.
func fileType(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory"
	case m&fs.ModeDevice != 0:
		return "is a device"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe"
	case m&fs.ModeSocket != 0:
		return "is a socket"
	}
	return "is not a regular file"
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
