package data

import (
	"cmp"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

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
	// training batches of LoadCIFAR10 together), so that neither an endless
	// stream nor gzipped batches of 64 MiB each (MaxStreamBytes) can hold
	// more than 1.3 times the records of CIFAR-10's training set (50,000).
	// The limit is 65,536.
	MaxCIFARRecords = 1 << 16
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
// boundary. ReadCIFAR does not decompress; LoadCIFAR10 does.
//
// Errors are *FormatError values naming name and the byte offset, whose
// message says what is wrong in the terms of the format, and wrap ErrNil (a
// nil reader), ErrEmpty (no record at all), ErrTruncated (the stream ends
// inside a record; the offset is where it ends), ErrLabelRange (a label ≥
// 10; the offset is that of the label byte), ErrCount (more than
// MaxCIFARRecords records, or more than MaxStreamBytes bytes from a stream
// of unknown size) or the error of the underlying reader. ReadCIFAR never
// panics. A reader that reports its length (a bytes.Reader, a regular
// *os.File; see ReadIDX) is checked against the record size before anything
// is allocated; for any other reader memory grows only as records arrive.
func ReadCIFAR(r io.Reader, name string) (*Set, error) {
	in, err := readerInput(r, name)
	if err != nil {
		return nil, err
	}
	var acc cifarAcc
	if err := acc.read(in); err != nil {
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

// read appends every record of in to acc. On error acc may hold part of in.
// The limit MaxCIFARRecords applies to acc as a whole.
func (acc *cifarAcc) read(in *input) error {
	limit := cmp.Or(acc.max, MaxCIFARRecords)
	if err := acc.presize(in, limit); err != nil {
		return err
	}
	var rec [CIFARRecordSize]byte
	first := len(acc.y)
	for {
		off := in.off
		n, err := io.ReadFull(in, rec[:])
		switch {
		case err == io.EOF: // n == 0: a clean end at a record boundary
			if len(acc.y) == first {
				return in.fail(0, ErrEmpty, "no samples: the %s is empty; want CIFAR-10 records of %s bytes (a label byte, then %s pixels)",
					in.kind, grouped(CIFARRecordSize), grouped(CIFARPixels))
			}
			return nil
		case err == io.ErrUnexpectedEOF:
			return in.fail(in.off, ErrTruncated, "truncated: the %s ends after %s of record %s (which starts at byte %s); a CIFAR-10 batch is a whole number of %s-byte records",
				in.kind, nbytes(int64(n)), grouped(off/CIFARRecordSize), grouped(off), grouped(CIFARRecordSize))
		case err != nil:
			return wrap(in.name, in.off, err)
		case len(acc.y) >= limit:
			return in.fail(off, ErrCount, "too large: more than %s records (MaxCIFARRecords); CIFAR-10 has 50,000 training records", grouped(int64(limit)))
		case in.size < 0 && in.off > MaxStreamBytes:
			return in.fail(off, ErrCount, "too large: more than %s bytes (MaxStreamBytes), the limit for a %s of unknown size; decompress it and read the plain file",
				grouped(MaxStreamBytes), in.kind)
		case rec[0] >= CIFARClasses:
			return in.fail(off, ErrLabelRange, "label out of range: label %d of record %s, want 0 to %d",
				rec[0], grouped(off/CIFARRecordSize), CIFARClasses-1)
		}
		acc.y = append(acc.y, int(rec[0]))
		acc.raw = append(acc.raw, rec[1:]...)
	}
}

// presize checks a stream of known size against the record size and the
// record limit and grows acc to hold it, before any record is read.
func (acc *cifarAcc) presize(in *input, limit int) error {
	if in.size <= 0 {
		return nil // unknown, or empty: read reports it
	}
	records, rest := in.size/CIFARRecordSize, in.size%CIFARRecordSize
	if rest != 0 {
		return in.fail(in.size, ErrTruncated, "truncated: %s %s bytes, %s whole records and %s of record %s; a CIFAR-10 batch is a whole number of %s-byte records (30,730,000 bytes for 10,000)",
			in.holds(), grouped(in.size), grouped(records), nbytes(rest), grouped(records), grouped(CIFARRecordSize))
	}
	if total := int64(len(acc.y)) + records; total > int64(limit) {
		return in.fail(0, ErrCount, "too large: %s records, %s in all, more than %s (MaxCIFARRecords); CIFAR-10 has 50,000 training records",
			grouped(records), grouped(total), grouped(int64(limit)))
	}
	acc.raw = slices.Grow(acc.raw, int(records)*CIFARPixels)
	acc.y = slices.Grow(acc.y, int(records))
	return nil
}

// set converts the accumulated records into a Set named name; the set takes
// over acc.y, so acc must not be used afterwards.
func (acc *cifarAcc) set(name string) *Set {
	return &Set{X: bytesToUnit(acc.raw), Y: acc.y, M: len(acc.y), N: CIFARPixels, Classes: CIFARClasses, Name: name}
}

// LoadCIFAR10 reads the CIFAR-10 binary batches from dir, or from
// dir/cifar-10-batches-bin if that directory exists: the training set is
// data_batch_1.bin … data_batch_5.bin concatenated in that order (50,000
// samples), the test set test_batch.bin (10,000). Each file may also be
// gzipped, as name.gz (one or more members, as gzip -d reads them; at most
// MaxStreamBytes decompressed). Pixels are in [0,1] in the channel-major
// order of the files (N = 3072), labels are class indices (Classes = 10);
// apply StandardizeChannels(train, test, CIFARChannels) and, for the 2-class
// task, TwoClass yourself (EXPERIMENTS §I.1). The sets are named dir/train
// and dir/test.
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
// ReadCIFAR, ErrCorrupt for a gzip file that cannot be decompressed and
// ErrNotRegular for a directory where a file should be.
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
	in, err := openEither(fsys, ".", dir, file)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.Wrap(err, "data: LoadCIFAR10 (the files are not downloaded automatically, see LoadCIFAR10)")
	}
	if err != nil {
		return err
	}
	defer in.Close()
	return acc.read(in)
}
