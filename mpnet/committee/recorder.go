package committee

import (
	"fmt"
	"io"
	"time"
)

// Progress is the state after one focusing step.
type Progress struct {
	// Index is the number of focusing steps run since the start of the
	// protocol; Step is the (γ, y) of the last one.
	Index int
	Step  Step
	// Sweeps is the number of sweeps of the last step, TotalSweeps of all.
	Sweeps, TotalSweeps int
	// Delta is the largest message change of the last sweep; Converged
	// reports Delta < Settings.Epsilon.
	Delta     float64
	Converged bool
	// Errors is the number of training errors of sign(mw).
	Errors int
	// Elapsed is the wall time since Run started.
	Elapsed time.Duration
}

// Recorder receives the progress of Run. Init is called once when Run
// starts and Record after every focusing step with the solver, which it
// may query (Thermo, Magnetizations) but must not run. An error from
// either ends the run.
type Recorder interface {
	Init() error
	Record(*Solver, Progress) error
}

// Printer is a Recorder that writes one line every Every focusing steps
// (0 means 1) and after the step that solves the problem. A nil Printer,
// or one with a nil W, writes nothing.
type Printer struct {
	W     io.Writer
	Every int
}

var _ Recorder = (*Printer)(nil)

// Init writes the heading.
func (p *Printer) Init() error {
	if p == nil || p.W == nil {
		return nil
	}
	_, err := fmt.Fprintf(p.W, "%6s %10s %10s %7s %10s %7s %9s\n", "step", "gamma", "y", "sweeps", "delta", "errors", "time")
	return err
}

// Record writes the line of pr if it is due.
func (p *Printer) Record(_ *Solver, pr Progress) error {
	if p == nil || p.W == nil {
		return nil
	}
	every := max(p.Every, 1)
	if pr.Index%every != 0 && pr.Errors != 0 {
		return nil
	}
	_, err := fmt.Fprintf(p.W, "%6d %10.4g %10.4g %7d %10.3g %7d %9s\n", pr.Index, pr.Step.Gamma, pr.Step.Y,
		pr.Sweeps, pr.Delta, pr.Errors, pr.Elapsed.Round(time.Millisecond))
	return err
}
