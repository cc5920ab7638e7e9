// Package apitest holds the hostile-input test of the module's public API:
// every exported function and method of every importable package is
// called with zero values, nil pointers, slices, writers and contexts,
// negative and out-of-range arguments, and must answer with an error or a
// documented non-panicking result, never a panic. A new exported entry
// point without a case in the table fails the test with its name.
//
// The package has no code of its own; see its tests.
package apitest
