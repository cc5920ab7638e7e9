package data

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pkg/errors"
)

// CIFAR-10 binary layout (the "binary version" of the data set, unpacked
// into the directory cifar-10-batches-bin):
//
//	data_batch_1.bin … data_batch_5.bin   10,000 records each (training set)
//	test_batch.bin                        10,000 records (test set)
//
// A file is a plain sequence of records with no header. Record i starts at
// offset i·3073:
//
//	offset 0     label, one byte, the class index 0..9
//	offset 1     1024 red pixels, row-major 32×32, one byte each
//	offset 1025  1024 green pixels
//	offset 2049  1024 blue pixels
//
// so a sample is channel-major: X[c·1024 + row·32 + col] for channel c
// (0 red, 1 green, 2 blue). StandardizeChannels with CIFARChannels works on
// this order.
const (
	CIFARClasses    = 10                                    // labels must lie in [0, CIFARClasses)
	CIFARChannels   = 3                                     // colour channels R, G, B
	CIFARSide       = 32                                    // rows = cols = 32
	CIFARPixels     = CIFARChannels * CIFARSide * CIFARSide // N = 3072 features per sample
	CIFARRecordSize = 1 + CIFARPixels                       // bytes per record
	CIFARTestFile   = "test_batch.bin"                      // the test set
	// MaxCIFARRecords bounds the records of one stream (and of the five
	// training batches of LoadCIFAR10 together), so that an endless stream
	// fails with ErrCount instead of filling memory. CIFAR-10 has 50,000
	// training records; the limit is 262,144.
	MaxCIFARRecords = 1 << 18
)

// CIFARTrainFiles returns the names of the five training batches of
// CIFAR-10, in the order LoadCIFAR10 concatenates them.
func CIFARTrainFiles() []string {
	return []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
}

// CIFARSubdir is the directory that the CIFAR-10 binary archive
// (cifar-10-binary.tar.gz) unpacks into.
const CIFARSubdir = "cifar-10-batches-bin"

// ReadCIFAR reads one CIFAR-10 binary batch (see the layout above) from r.
// Pixels are mapped to float64 in [0,1] by x = b/255, in the order of the
// file; the result has M = number of records, N = CIFARPixels,
// Classes = CIFARClasses and Name name. The stream must end on a record
// boundary.
//
// Errors are *FormatError values naming name and the byte offset, and wrap
// ErrEmpty (no record at all), ErrTruncated (the stream ends inside a
// record; the offset is where it ends), ErrLabelRange (a label ≥ 10; the
// offset is that of the label byte), ErrCount (more than MaxCIFARRecords
// records) or the error of the underlying reader. ReadCIFAR never panics, and
// it allocates only as records actually arrive.
func ReadCIFAR(r io.Reader, name string) (*Set, error) {
	var acc cifarAcc
	if err := acc.read(r, name); err != nil {
		return nil, err
	}
	return acc.set(name), nil
}

// cifarAcc accumulates the raw pixel bytes and labels of one or more CIFAR
// streams, so that several batches become one set with a single float64
// conversion at the end.
type cifarAcc struct {
	raw []byte // CIFARPixels bytes per record
	y   []int
	max int // limit on len(y); 0 means MaxCIFARRecords (tests lower it)
}

// read appends every record of r to acc. On error acc may hold part of r.
// The limit MaxCIFARRecords applies to acc as a whole.
func (acc *cifarAcc) read(r io.Reader, name string) error {
	var rec [CIFARRecordSize]byte
	var off int64
	first := len(acc.y)
	for {
		n, err := io.ReadFull(r, rec[:])
		switch {
		case err == io.EOF: // n == 0: a clean end at a record boundary
			if len(acc.y) == first {
				return &FormatError{Name: name, Offset: 0, Err: fmt.Errorf("%w: no CIFAR records", ErrEmpty)}
			}
			return nil
		case err == io.ErrUnexpectedEOF:
			return &FormatError{Name: name, Offset: off + int64(n),
				Err: fmt.Errorf("%w: record %d (offset %d) has %d of %d bytes",
					ErrTruncated, (off / CIFARRecordSize), off, n, CIFARRecordSize)}
		case err != nil:
			return &FormatError{Name: name, Offset: off + int64(n), Err: err}
		}
		if limit := cmp.Or(acc.max, MaxCIFARRecords); len(acc.y) >= limit {
			return &FormatError{Name: name, Offset: off,
				Err: fmt.Errorf("%w: more than %d records", ErrCount, limit)}
		}
		if rec[0] >= CIFARClasses {
			return &FormatError{Name: name, Offset: off,
				Err: fmt.Errorf("%w: label %d of record %d, want < %d", ErrLabelRange, rec[0], off/CIFARRecordSize, CIFARClasses)}
		}
		acc.y = append(acc.y, int(rec[0]))
		acc.raw = append(acc.raw, rec[1:]...)
		off += CIFARRecordSize
	}
}

// set converts the accumulated records into a Set named name; the set takes
// over acc.y, so acc must not be used afterwards.
func (acc *cifarAcc) set(name string) *Set {
	x := make([]float64, len(acc.raw))
	for i, b := range acc.raw {
		x[i] = float64(b) / 255
	}
	return &Set{X: x, Y: acc.y, M: len(acc.y), N: CIFARPixels, Classes: CIFARClasses, Name: name}
}

// LoadCIFAR10 reads the CIFAR-10 binary batches from dir, or from
// dir/cifar-10-batches-bin if that directory exists: the training set is
// data_batch_1.bin … data_batch_5.bin concatenated in that order (50,000
// samples), the test set test_batch.bin (10,000). Each file may also be
// gzipped, as name.gz. Pixels are in [0,1] in the channel-major order of the
// files (N = 3072), labels are class indices (Classes = 10); apply
// StandardizeChannels(train, test, CIFARChannels) and, for the 2-class task,
// TwoClass yourself (EXPERIMENTS §I.1). The sets are named dir/train and
// dir/test.
//
// Fetch does not download CIFAR-10, and the machines this library is
// developed and tested on cannot reach the network: the user supplies the
// data. Download cifar-10-binary.tar.gz from
// https://www.cs.toronto.edu/~kriz/cifar.html and unpack it, for example with
//
//	mkdir -p ~/.cache/fbp/cifar10 && tar -xzf cifar-10-binary.tar.gz -C ~/.cache/fbp/cifar10
//
// which makes the directory that Load("cifar10", "") reads.
//
// Errors name the missing or malformed file; format errors are those of
// ReadCIFAR.
func LoadCIFAR10(dir string) (train, test *Set, err error) {
	if st, err := os.Stat(filepath.Join(dir, CIFARSubdir)); err == nil && st.IsDir() {
		dir = filepath.Join(dir, CIFARSubdir)
	}
	fsys := os.DirFS(dir)
	var acc cifarAcc
	for _, f := range CIFARTrainFiles() {
		if err := readCIFARFile(fsys, dir, f, &acc); err != nil {
			return nil, nil, err
		}
	}
	train = acc.set(filepath.Join(dir, "train"))
	acc = cifarAcc{}
	if err := readCIFARFile(fsys, dir, CIFARTestFile, &acc); err != nil {
		return nil, nil, err
	}
	return train, acc.set(filepath.Join(dir, "test")), nil
}

// readCIFARFile appends the records of file (file.gz or file) in fsys to acc;
// dir prefixes the file name in errors.
func readCIFARFile(fsys fs.FS, dir, file string, acc *cifarAcc) error {
	fh, p, err := openEither(fsys, ".", dir, file)
	if err != nil {
		return errors.Wrap(err, "data: LoadCIFAR10 (the files are not downloaded automatically, see LoadCIFAR10)")
	}
	defer fh.Close()
	r, err := maybeGunzip(fh, p)
	if err != nil {
		return err
	}
	return acc.read(r, p)
}
