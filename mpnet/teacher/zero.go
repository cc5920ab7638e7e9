package teacher

import "errors"

// errNoTeacher is what the methods of a Teacher that New did not make (nil
// or the zero value) return; those without an error return NaN.
var errNoTeacher = errors.New("teacher: the Teacher is nil or a zero value: make it with New")

// maxSamples bounds m·NIn in Generate (2^31 int8 inputs, 2 GB).
const maxSamples = 1 << 31

// ready returns errNoTeacher for a Teacher that New did not make.
func (t *Teacher) ready() error {
	if t == nil || t.In == nil || t.Out == nil || t.Act == nil {
		return errNoTeacher
	}
	return nil
}

// fits reports whether st has both supports, and wIn, wOut one weight per
// slot of them.
func (st *Student) fits(wIn, wOut []int8) bool {
	return st != nil && st.In != nil && st.Out != nil && st.Act != nil &&
		len(wIn) == st.In.Rows*st.In.K && len(wOut) == st.Out.Rows*st.Out.K &&
		len(st.In.Idx) == len(wIn) && len(st.Out.Idx) == len(wOut)
}

// comparable reports whether the student st with weights wIn, wOut can be
// compared with t: both complete, with supports of the same shapes.
func (t *Teacher) comparable(st *Student, wIn, wOut []int8) bool {
	return t.ready() == nil && st.fits(wIn, wOut) && st.In.Rows == t.In.Rows && st.In.Cols == t.In.Cols &&
		st.Out.Rows == t.Out.Rows && st.Out.Cols == t.Out.Cols
}

// fitsData reports whether d holds complete samples for the student st.
func (st *Student) fitsData(d *Data) bool {
	return d != nil && d.M >= 1 && d.NIn == st.In.Cols && d.NOut == st.Out.Rows &&
		len(d.X) >= d.M*d.NIn && len(d.Y) >= d.M*d.NOut
}
