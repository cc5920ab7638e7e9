// Package check holds what the Validate methods of this module share: one
// error type naming the field of a settings struct that is out of its
// domain, the names of enumerations, and the finiteness test.
//
// A package declares its public error type as an alias of Error
// instantiated with its settings type,
//
//	type AnnealSettingsError = check.Error[AnnealSettings]
//
// so that each settings type keeps an error type of its own for errors.As,
// and returns
//
//	&AnnealSettingsError{"K", check.Want(s.K, "an odd count in [1, 1023]")}
//
// which reads "compare: AnnealSettings.K: 4: want an odd count in [1, 1023]".
package check

import (
	"fmt"
	"reflect"
	"strings"
)

// Error reports that the field Field of a value of type S is invalid; Err
// says what it holds and what would be accepted.
type Error[S any] struct {
	Field string
	Err   error
}

// Error returns "pkg: Type.Field: " followed by the text of Err, where pkg
// and Type name S ("compare: AnnealSettings.K: …").
func (e *Error[S]) Error() string {
	t := reflect.TypeFor[S]()
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndexByte(pkg, '/')+1:]
	msg := "invalid"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return pkg + ": " + t.Name() + "." + e.Field + ": " + msg
}

// Unwrap returns Err.
func (e *Error[S]) Unwrap() error { return e.Err }

// Want returns the error "v: want <what>" for a value v outside its domain;
// what is formatted with args as by fmt.Sprintf.
func Want(v any, what string, args ...any) error {
	if len(args) > 0 {
		what = fmt.Sprintf(what, args...)
	}
	return fmt.Errorf("%v: want %s", v, what)
}

// Name returns names[v], or "typ(v)" when v is not an index of names: the
// String method of an enumeration.
func Name(typ string, v int, names ...string) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

// Finite reports whether v is neither NaN nor infinite.
func Finite(v float64) bool { return v-v == 0 }

// Bad returns an *Error[S] for field holding v, with the error "v: want
// <what>" (see Want).
func Bad[S any](field string, v any, what string, args ...any) error {
	return &Error[S]{Field: field, Err: Want(v, what, args...)}
}

// Wrap returns an *Error[S] for field with err as its reason.
func Wrap[S any](field string, err error) error {
	return &Error[S]{Field: field, Err: err}
}
