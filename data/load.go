package data

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/testdata"
)

// DefaultDir returns the directory that Fetch and Load use when given "":
// $FBP_DATA if set, else ~/.cache/fbp (os.UserCacheDir()/fbp), else
// ".fbp-data" in the working directory.
func DefaultDir() string {
	if d := os.Getenv("FBP_DATA"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "fbp")
	}
	return ".fbp-data"
}

// Load returns the training and test sets of a data source:
//
//	"embedded"  the MNIST subset compiled into the binary (testdata/mnist-subset:
//	            the first 30,000 training and all 10,000 test images); dir is ignored.
//	"mnist"     the full MNIST in dir/mnist (60,000 + 10,000 images).
//	"fashion"   Fashion-MNIST in dir/fashion (60,000 + 10,000 images; the split
//	            is not the original one, see Fetch).
//	"cifar10"   CIFAR-10 in dir/cifar10 (50,000 + 10,000 colour images, N = 3072),
//	            read by LoadCIFAR10. Fetch does not download it: the user
//	            unpacks cifar-10-binary.tar.gz there (see LoadCIFAR10).
//	otherwise   source is a directory holding the four standard IDX files.
//
// For "mnist", "fashion" and "cifar10" an empty dir means DefaultDir(); the
// MNIST files are those that Fetch(dir) writes. In a directory each file may be plain or
// gzipped and is looked up as name.gz, then name (see TrainImages etc.).
// Pixels are in [0,1] and labels are class indices (Classes = 10); apply
// Standardize (StandardizeChannels for "cifar10") and, for the 2-class task,
// TwoClass yourself.
//
// Errors name the missing or malformed file; format errors wrap the
// sentinels of ReadIDX.
func Load(source, dir string) (train, test *Set, err error) {
	switch source {
	case "embedded":
		return loadFS(testdata.MNISTSubset, testdata.MNISTSubsetDir, "embedded")
	case "mnist", "fashion":
		if dir == "" {
			dir = DefaultDir()
		}
		d := filepath.Join(dir, source)
		if _, err := os.Stat(d); err != nil {
			return nil, nil, errors.Wrapf(err, "data: Load %s (fetch it first: fbp data fetch -dir %s)", source, dir)
		}
		return loadFS(os.DirFS(d), ".", d)
	case "cifar10":
		if dir == "" {
			dir = DefaultDir()
		}
		d := filepath.Join(dir, source)
		if _, err := os.Stat(d); err != nil {
			return nil, nil, errors.Wrapf(err, "data: Load cifar10 (not downloadable by fbp: unpack cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html into %s)", d)
		}
		return LoadCIFAR10(d)
	}
	st, err := os.Stat(source)
	if err != nil || !st.IsDir() {
		return nil, nil, errors.Errorf("data: Load: source %q is neither embedded, mnist, fashion, cifar10 nor a directory", source)
	}
	return loadFS(os.DirFS(source), ".", source)
}

// loadFS reads the four standard files from dir in fsys; name prefixes the
// file names in errors and becomes the sets' Name. The test files are read
// on a second goroutine while the training files are read; an error of the
// training files is reported before one of the test files, as when they
// are read one after the other.
func loadFS(fsys fs.FS, dir, name string) (train, test *Set, err error) {
	var testErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		test, testErr = openFS(fsys, dir, name, TestImages, TestLabels)
	}()
	train, err = openFS(fsys, dir, name, TrainImages, TrainLabels)
	<-done
	if err != nil {
		return nil, nil, err
	}
	if testErr != nil {
		return nil, nil, testErr
	}
	if train.N != test.N {
		return nil, nil, errors.Errorf("data: Load %s: training images have %d pixels, test images %d (%s, %s)",
			name, train.N, test.N, path.Join(name, TrainImages), path.Join(name, TestImages))
	}
	train.Name = name + "/train"
	test.Name = name + "/test"
	return train, test, nil
}

func openFS(fsys fs.FS, dir, name, images, labels string) (*Set, error) {
	fi, err := openEither(fsys, dir, name, images)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := openEither(fsys, dir, name, labels)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	return readIDX(fi, fl)
}

// openEither opens dir/file.gz or, failing that, dir/file in fsys (see
// openInput); name/file.gz or name/file names it in messages.
func openEither(fsys fs.FS, dir, name, file string) (*input, error) {
	for _, f := range []string{file + ".gz", file} {
		p := path.Join(dir, f)
		_, err := fs.Stat(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, errors.Wrap(err, filepath.Join(name, f))
		}
		return openInput(func() (fs.File, error) { return fsys.Open(p) }, filepath.Join(name, f))
	}
	return nil, &missingError{fmt.Sprintf("data: %s: neither %s.gz nor %s found", name, file, file)}
}

// missingError reports that neither of the names openEither tries exists;
// errors.Is finds fs.ErrNotExist in it.
type missingError struct{ msg string }

func (e *missingError) Error() string { return e.msg }

// Is reports whether target is fs.ErrNotExist.
func (e *missingError) Is(target error) bool { return target == fs.ErrNotExist }
