package committee

import "errors"

// errNoSolver is what the methods of a Solver that New did not make (nil
// or the zero value) return; the accessors without an error return a zero
// value instead (nil weights, step 0, a zero Thermo, a NaN Sweep).
var errNoSolver = errors.New("committee: the Solver is nil or a zero value: make it with New")

// ready returns errNoSolver for a Solver that New did not make.
func (s *Solver) ready() error {
	if s == nil || s.r == nil || s.msg == nil {
		return errNoSolver
	}
	return nil
}
