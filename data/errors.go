package data

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by *FormatError and *SetError. Test for them with
// errors.Is.
var (
	// ErrMagic reports a file whose magic number is not the one its format
	// requires (0x00000803 for IDX images, 0x00000801 for IDX labels).
	ErrMagic = errors.New("bad magic number")
	// ErrTruncated reports a file that ends before the size its header
	// announces.
	ErrTruncated = errors.New("truncated file")
	// ErrLabelRange reports a label outside the set's label range.
	ErrLabelRange = errors.New("label out of range")
	// ErrNonFinite reports a NaN or ±Inf pixel.
	ErrNonFinite = errors.New("non-finite pixel")
	// ErrCount reports counts or dimensions that disagree (images versus
	// labels, a header versus the file size) or exceed the reader's limits.
	ErrCount = errors.New("count mismatch or out of limits")
	// ErrEmpty reports a file or set that holds no samples.
	ErrEmpty = errors.New("no samples")
	// ErrPixelRange reports a pixel outside [0,1] where a format requires it.
	ErrPixelRange = errors.New("pixel out of range")
	// ErrShape reports a Set whose slices do not match its M, N and Classes.
	ErrShape = errors.New("inconsistent shape")
	// ErrChecksum reports a downloaded or stored file whose digest differs
	// from the expected one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrCorrupt reports compressed data that cannot be decompressed: a bad
	// gzip member header, invalid deflate data or a gzip CRC mismatch. The
	// error also wraps the compress/gzip or compress/flate error.
	ErrCorrupt = errors.New("corrupt gzip data")
	// ErrNotRegular reports a path that names a directory, device, pipe or
	// socket where a data file is expected.
	ErrNotRegular = errors.New("not a regular file")
	// ErrNil reports a nil argument where a value is required: a nil
	// reader, writer or random generator.
	ErrNil = errors.New("nil argument")
)

// FormatError reports malformed input to a reader. Offset is the byte offset
// in the (decompressed) stream named Name at which the problem was found,
// except for a problem of the gzip layer itself (corrupt or truncated gzip
// data, garbage after the last member), where it is the offset in the
// compressed file.
type FormatError struct {
	Name   string // file or stream name, "images" or "labels" when unknown
	Offset int64  // byte offset, see above
	Err    error  // one of the sentinels above, possibly wrapped

	compressed bool // Offset is in the compressed file
}

// Error returns "data: NAME: PROBLEM (byte OFFSET)". The problem is stated
// in the terms of the file format: what the file holds, what was expected.
func (e *FormatError) Error() string {
	if e == nil {
		return "data: <nil FormatError>"
	}
	if e.compressed {
		return fmt.Sprintf("data: %s: %v (byte %d of the compressed file)", e.Name, e.Err, e.Offset)
	}
	return fmt.Sprintf("data: %s: %v (byte %d)", e.Name, e.Err, e.Offset)
}

// Unwrap returns e.Err.
func (e *FormatError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// SetError reports an invalid value in a Set. Field is "X", "Y" or "shape";
// Index is the offending element's index in that field (-1 for shape errors).
type SetError struct {
	Name  string // Set.Name
	Field string // "X", "Y" or "shape"
	Index int    // index into X or Y, or -1
	Err   error  // one of the sentinels above, possibly wrapped
}

func (e *SetError) Error() string {
	if e == nil {
		return "data: <nil SetError>"
	}
	if e.Index < 0 {
		return fmt.Sprintf("data: set %q: %s: %v", e.Name, e.Field, e.Err)
	}
	return fmt.Sprintf("data: set %q: %s[%d]: %v", e.Name, e.Field, e.Index, e.Err)
}

// Unwrap returns e.Err.
func (e *SetError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// problem is the Err of a *FormatError: a message in the user's terms that
// wraps one of the sentinels and, where there is one, the error that caused
// it (a reader's or decompressor's). Error returns the message alone, so the
// sentinel's generic text does not lead the message.
type problem struct {
	sentinel error
	cause    error // may be nil
	msg      string
	gzipPos  int64 // for a problem of the gzip layer: its offset in the compressed file, else -1
}

func (p *problem) Error() string { return p.msg }

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (p *problem) Unwrap() []error {
	if p.cause == nil {
		return []error{p.sentinel}
	}
	return []error{p.sentinel, p.cause}
}

// newProblem returns a *problem wrapping sentinel with a formatted message.
func newProblem(sentinel error, format string, args ...any) error {
	return &problem{sentinel: sentinel, msg: fmt.Sprintf(format, args...), gzipPos: -1}
}

// nbytes formats a byte count in words: "1 byte", "47,040,016 bytes".
func nbytes(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return grouped(n) + " bytes"
}

// wrap returns err, an error met reading the stream name at offset off, as
// a *FormatError; a problem of the gzip layer keeps its compressed offset.
func wrap(name string, off int64, err error) error {
	var p *problem
	if errors.As(err, &p) && p.gzipPos >= 0 {
		return &FormatError{Name: name, Offset: p.gzipPos, Err: err, compressed: true}
	}
	return &FormatError{Name: name, Offset: off, Err: err}
}

// grouped formats n with thousands separators: 47040016 → "47,040,016".
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
