package compare

import "github.com/pkg/errors"

// The methods of a BinaryNet or EBP that its constructor did not make (nil
// or the zero value) return these errors, or, for accessors without an
// error, a zero value; the accessors of a layer return nil for a layer
// index out of range.
var (
	errNoBinaryNet = errors.New("compare: the BinaryNet is nil or a zero value: make it with NewBinaryNet")
	errNoEBP       = errors.New("compare: the EBP is nil or a zero value: make it with NewEBP")
)

// ready returns errNoBinaryNet for a BinaryNet that NewBinaryNet did not make.
func (bn *BinaryNet) ready() error {
	if bn == nil || bn.rv == nil || len(bn.w) == 0 {
		return errNoBinaryNet
	}
	return nil
}

// ready returns errNoEBP for an EBP that NewEBP did not make.
func (e *EBP) ready() error {
	if e == nil || len(e.layers) == 0 {
		return errNoEBP
	}
	return nil
}

// checkLabel reports whether y is a label of a network with C outputs: ±1
// for one output, a class index in [0, C) otherwise.
func checkLabel(y, C int) error {
	if C == 1 && y != 1 && y != -1 {
		return errors.Errorf("label %d: a one-output network needs labels ±1", y)
	}
	if C > 1 && (y < 0 || y >= C) {
		return errors.Errorf("label %d outside [0, %d)", y, C)
	}
	return nil
}

// runs returns the runs of r that are not nil (none for a nil r).
func (r *Results) runs() []*Run {
	if r == nil {
		return nil
	}
	out := make([]*Run, 0, len(r.Runs))
	for _, run := range r.Runs {
		if run != nil {
			out = append(out, run)
		}
	}
	return out
}
