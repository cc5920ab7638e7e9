// Package testdata holds small data files that ship with the module and
// embeds those that programs need at run time.
//
// MNISTSubset holds the MNIST subset read by data.Load("embedded", ""): the
// four standard gzipped IDX files in the directory MNISTSubsetDir. See
// README.md for the command that makes them and their checksums.
package testdata

import "embed"

// MNISTSubsetDir is the directory of the MNIST subset inside MNISTSubset.
const MNISTSubsetDir = "mnist-subset"

// MNISTSubset embeds mnist-subset/*.gz.
//
//go:embed mnist-subset/*.gz
var MNISTSubset embed.FS
