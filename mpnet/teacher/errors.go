package teacher

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every *FieldError: a configuration, a setting or
// a data set that cannot be used.
var ErrInvalid = errors.New("invalid input")

// ErrGraph is returned when no simple biregular graph with the requested
// degrees could be drawn within the repair budget (see Biregular).
var ErrGraph = errors.New("teacher: could not draw a simple biregular graph")

// FieldError reports a bad field of a configuration, of Settings or of a
// data set. It wraps ErrInvalid.
type FieldError struct {
	Field  string // the field or argument, e.g. "Settings.Damping"
	Value  any    // the offending value
	Reason string // what was expected
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("teacher: %s = %v: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(field string, value any, format string, args ...any) error {
	return &FieldError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}
