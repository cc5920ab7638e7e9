package data

import (
	"errors"
	"fmt"
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
)

// FormatError reports malformed input to a reader. Offset is the byte offset
// in the (decompressed) stream named Name at which the problem was found.
type FormatError struct {
	Name   string // file or stream name, "images" or "labels" when unknown
	Offset int64  // byte offset in the decompressed stream
	Err    error  // one of the sentinels above, possibly wrapped
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("data: %s: offset %d: %v", e.Name, e.Offset, e.Err)
}

// Unwrap returns e.Err.
func (e *FormatError) Unwrap() error { return e.Err }

// SetError reports an invalid value in a Set. Field is "X", "Y" or "shape";
// Index is the offending element's index in that field (-1 for shape errors).
type SetError struct {
	Name  string // Set.Name
	Field string // "X", "Y" or "shape"
	Index int    // index into X or Y, or -1
	Err   error  // one of the sentinels above, possibly wrapped
}

func (e *SetError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("data: set %q: %s: %v", e.Name, e.Field, e.Err)
	}
	return fmt.Sprintf("data: set %q: %s[%d]: %v", e.Name, e.Field, e.Index, e.Err)
}

// Unwrap returns e.Err.
func (e *SetError) Unwrap() error { return e.Err }
