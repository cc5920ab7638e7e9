package apitest

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet/committee"
)

// cm is the table's prefix of package mpnet/committee.
const cm = "mpnet/committee."

// smallProblem is a K = 3, N = 11 committee problem of 20 patterns.
func smallProblem() *committee.Problem {
	p, err := committee.RandomProblem(3, 11, 20.0/33, 1, 0)
	if err != nil {
		panic(err)
	}
	return p
}

// problemErrors is why Problem.Errors panics.
const problemErrors = "documented: Errors takes a valid Problem (Validate) and K·N weights, for the inner loops of the solvers"

// solverCalls are the hostile calls of the Solver methods that return an
// error, by method name.
func solverCalls(s *committee.Solver, dir string) map[string]func() error {
	return map[string]func() error{
		"Run":      func() error { _, err := s.Run(nilCtx); return err },
		"WriteTo":  func() error { _, err := s.WriteTo(nilW); return err },
		"ReadFrom": func() error { _, err := s.ReadFrom(strings.NewReader("junk")); return err },
		"SaveFile": func() error { return s.SaveFile(filepath.Join(dir, "no", "such", "dir", "x")) },
		"LoadFile": func() error { return s.LoadFile(filepath.Join(dir, "missing")) },
	}
}

var committeeCases = []apiCase{
	{names: []string{cm + "(*ParamError).Error"}, run: func(c *checker) {
		c.ok(cm+"(*ParamError).Error", "zero value", func() string { return ifNot((&committee.ParamError{}).Error() != "", "empty") })
		c.mayPanic(cm+"(*ParamError).Error", "nil pointer", nilErrorPanics, func() { _ = (*committee.ParamError)(nil).Error() })
	}},
	{names: []string{cm + "RandomProblem", cm + "(*Problem).Validate", cm + "(*Problem).Errors"}, run: func(c *checker) {
		for _, a := range [][3]float64{{-1, -1, 0}, {2, 11, 1}, {3, 11, nan}, {3, 1 << 40, 1}, {math.MaxInt, math.MaxInt, inf}} {
			c.err(cm+"RandomProblem", "bad K, N or α", func() error {
				_, err := committee.RandomProblem(int(a[0]), int(a[1]), a[2], 0, 0)
				return err
			})
		}
		for what, p := range map[string]*committee.Problem{"nil": nil, "zero": {}, "even K": {K: 2, Set: tinySet()},
			"bad set": {K: 3, Set: &data.Set{M: -1}}, "short reference": {K: 1, Set: tinySet(), Reference: []float64{1}}} {
			c.err(cm+"(*Problem).Validate", what, p.Validate)
			c.mayPanic(cm+"(*Problem).Errors", what+", nil w", problemErrors, func() { _ = p.Errors(nil) })
		}
		p := smallProblem()
		c.panics(cm+"(*Problem).Errors", "short w", problemErrors, func() { _ = p.Errors([]float64{1, nan}) })
	}},
	{names: []string{cm + "ProtocolKind.String", cm + "ParseProtocolKind", cm + "(*Protocol).Schedule",
		cm + "NodeKind.String", cm + "Status.String"}, run: func(c *checker) {
		for _, v := range []int{-1, 99} {
			c.ok(cm+"ProtocolKind.String", "out of range", func() string { return ifNot(committee.ProtocolKind(v).String() != "", "empty") })
			c.ok(cm+"NodeKind.String", "out of range", func() string { return ifNot(committee.NodeKind(v).String() != "", "empty") })
			c.ok(cm+"Status.String", "out of range", func() string { return ifNot(committee.Status(v).String() != "", "empty") })
		}
		c.err(cm+"ParseProtocolKind", `""`, func() error { _, err := committee.ParseProtocolKind(""); return err })
		for what, p := range map[string]*committee.Protocol{"nil": nil, "kind 99": {Kind: 99},
			"step 1e-300": {Step: 1e-300}, "pseudo step 1e-300": {Kind: committee.PseudoReinforcement, Step: 1e-300},
			"step NaN": {Step: nan}, "pseudo X 2": {Kind: committee.PseudoReinforcement, X: 2},
			"scoping y 0": {Kind: committee.Scoping}, "free scoping without steps": {Kind: committee.FreeScoping},
			"scoping γ NaN": {Kind: committee.Scoping, Y: 1, GammaStart: nan, GammaStop: -1}} {
			c.err(cm+"(*Protocol).Schedule", what, func() error { _, err := p.Schedule(); return err })
		}
	}},
	{names: []string{cm + "(*Printer).Init", cm + "(*Printer).Record"}, run: func(c *checker) {
		for what, p := range map[string]*committee.Printer{"nil": nil, "W nil": {Every: -1}} {
			c.ok(cm+"(*Printer).Init", what, func() string { _ = p.Init(); return "" })
			c.ok(cm+"(*Printer).Record", what+", nil solver", func() string { _ = p.Record(nil, committee.Progress{}); return "" })
		}
	}},
	{names: []string{cm + "(*Settings).Validate", cm + "New"}, run: func(c *checker) {
		c.err(cm+"(*Settings).Validate", "nil", (*committee.Settings)(nil).Validate)
		c.err(cm+"(*Settings).Validate", "negative", (&committee.Settings{Damping: -1, MaxIters: -1}).Validate)
		c.err(cm+"New", "nil problem", func() error { _, err := committee.New(nil, nil); return err })
		c.err(cm+"New", "bad settings", func() error {
			_, err := committee.New(smallProblem(), &committee.Settings{Damping: nan})
			return err
		})
	}},
	{names: []string{cm + "(*Solver).Run", cm + "(*Solver).WriteTo", cm + "(*Solver).ReadFrom", cm + "(*Solver).SaveFile",
		cm + "(*Solver).LoadFile", cm + "(*Solver).SetStep", cm + "(*Solver).Sweep", cm + "(*Solver).Weights",
		cm + "(*Solver).Magnetizations", cm + "(*Solver).StepIndex", cm + "(*Solver).Thermo"}, run: func(c *checker) {
		dir := c.t.TempDir()
		for what, s := range map[string]*committee.Solver{"nil": nil, "zero": {}} {
			for m, f := range solverCalls(s, dir) {
				c.err(cm+"(*Solver)."+m, what, f)
			}
			c.ok(cm+"(*Solver).SetStep", what, func() string { s.SetStep(committee.Step{Gamma: nan, Y: -1}); return "" })
			c.ok(cm+"(*Solver).Sweep", what, func() string { _ = s.Sweep(); return "" })
			c.ok(cm+"(*Solver).Weights", what, func() string { return ifNot(s.Weights() == nil, "weights") })
			c.ok(cm+"(*Solver).Magnetizations", what, func() string { return ifNot(s.Magnetizations() == nil, "magnetizations") })
			c.ok(cm+"(*Solver).StepIndex", what, func() string { _ = s.StepIndex(); return "" })
			c.ok(cm+"(*Solver).Thermo", what, func() string { _ = s.Thermo(); return "" })
		}
		s, err := committee.New(smallProblem(), &committee.Settings{})
		if err != nil {
			c.t.Fatal(err)
		}
		for m, f := range solverCalls(s, dir) {
			if m != "Run" {
				c.err(cm+"(*Solver)."+m, "hostile arguments", f)
			}
		}
		c.err(cm+"(*Solver).ReadFrom", "nil reader", func() error { _, err := s.ReadFrom(nilR); return err })
		c.ok(cm+"(*Solver).SetStep", "NaN γ, y < 1", func() string { s.SetStep(committee.Step{Gamma: nan, Y: -1}); return "" })
	}},
	{names: []string{cm + "(*crcReader).Read", cm + "(*crcWriter).Write"}, run: func(c *checker) {
		c.unreachable(cm+"(*crcReader).Read", "ReadFrom's internal reader; it never leaves the package")
		c.unreachable(cm+"(*crcWriter).Write", "WriteTo's internal writer; it never leaves the package")
		_ = bytes.MinRead
		_ = errors.New
	}},
}
