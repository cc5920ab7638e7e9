// Package hostile writes data directories that a loader of package data must
// reject with a clear error (or, for a few valid oddities, accept) without
// panicking and without allocating more than the input justifies: lying
// IDX headers, truncated and over-long files, gzip bombs of a few hundred KB,
// multi-member gzip files, trailing garbage, empty files, directories and
// devices where files belong, CIFAR-10 batches that end inside a record.
//
// Write generates every case under one directory, so that the data package's
// tests and the command-line tests can run the same cases through their
// loaders (data.Load, the fbp -data flag) and check the errors. CLICases
// adds command lines of fbp train: every data case, hostile flags (sizes
// beyond the memory limit, empty list entries, out-of-range values, output
// paths that cannot be written) and hostile checkpoints (empty, truncated,
// lying lengths, masks other than 0 or 1 under recomputed checksums,
// /dev/zero). The files are generated, not committed: the largest is about
// 70 KB.
package hostile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fbpgo/fbp/data"
)

// Case is one generated data directory.
type Case struct {
	Name string // short name; also the case's subdirectory
	// Source and DataDir are the arguments of data.Load(Source, DataDir),
	// and of fbp's -data and -datadir flags: the case's directory of IDX
	// files and "", or "cifar10" and the directory that holds cifar10/.
	Source, DataDir string
	// File is the file or directory the case makes hostile, relative to
	// the directory that Load reads (the IDX directory, or
	// cifar10/cifar-10-batches-bin); "" when the case has none.
	File string
	// Err is a substring that the loader's error message must contain; ""
	// means the data are valid and must load.
	Err string
	// What says in words what is wrong with the data.
	What string
}

// CIFAR reports whether the case is a CIFAR-10 directory.
func (c Case) CIFAR() bool { return c.Source == "cifar10" }

// Path returns the absolute path of c.File ("" when the case has none).
func (c Case) Path() string {
	switch {
	case c.File == "":
		return ""
	case c.CIFAR():
		return filepath.Join(c.DataDir, "cifar10", data.CIFARSubdir, c.File)
	}
	return filepath.Join(c.Source, c.File)
}

// spec is how one case is made: the base data set is written into dir, then
// edit changes it.
type spec struct {
	name, file, err, what string
	edit                  func(dir string) error
}

// Write writes every case into its own subdirectory of dir (which is
// created if needed) and returns the cases in a fixed order. Everything it
// writes is deterministic.
func Write(dir string) ([]Case, error) {
	var cases []Case
	for _, sp := range idxSpecs() {
		d := filepath.Join(dir, sp.name)
		if err := writeIDXBase(d); err != nil {
			return nil, err
		}
		if err := sp.edit(d); err != nil {
			return nil, fmt.Errorf("hostile: case %s: %w", sp.name, err)
		}
		c := Case{Name: sp.name, Source: d, File: sp.file, Err: sp.err, What: sp.what}
		fileSource(&c)
		cases = append(cases, c)
	}
	for _, sp := range cifarSpecs() {
		root := filepath.Join(dir, sp.name)
		d := filepath.Join(root, "cifar10", data.CIFARSubdir)
		if err := writeCIFARBase(d); err != nil {
			return nil, err
		}
		if err := sp.edit(d); err != nil {
			return nil, fmt.Errorf("hostile: case %s: %w", sp.name, err)
		}
		cases = append(cases, Case{Name: sp.name, Source: "cifar10", DataDir: root, File: sp.file, Err: sp.err, What: sp.what})
	}
	return cases, nil
}

// put writes b to dir/name, replacing what is there.
func put(dir, name string, b []byte) error {
	p := filepath.Join(dir, name)
	if err := os.RemoveAll(p); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// gzipped replaces dir/name by dir/name.gz holding members, each of which
// is gzip-compressed separately, then extra appended as they are.
func gzipped(dir, name string, extra []byte, members ...[]byte) error {
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
		return err
	}
	var b []byte
	for _, m := range members {
		b = append(b, gz(m)...)
	}
	return put(dir, name+".gz", append(b, extra...))
}

// mkdirAll creates dir and its parents.
func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

// removeFile removes dir/name.
func removeFile(dir, name string) error { return os.Remove(filepath.Join(dir, name)) }

// mkdir replaces dir/name by an empty directory.
func mkdir(dir, name string) error {
	p := filepath.Join(dir, name)
	if err := os.RemoveAll(p); err != nil {
		return err
	}
	return os.Mkdir(p, 0o755)
}

// devZero replaces dir/name by a symbolic link to /dev/zero, an endless
// stream of zero bytes that is not a regular file.
func devZero(dir, name string) error {
	p := filepath.Join(dir, name)
	if err := os.RemoveAll(p); err != nil {
		return err
	}
	return os.Symlink("/dev/zero", p)
}
