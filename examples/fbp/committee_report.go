package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// writeCommitteeDir writes the results of "fbp committee" into dir:
//
//	runs.csv     one row per method and instance
//	summary.csv  one row per method and load
//	solved.png   fraction of instances solved against α
//	time.png     mean seconds per instance against α
//	README.md    the summary table, the command and the git revision
func writeCommitteeDir(dir, title, command, rev string, runs []committeeRun, sum []committeeSummary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "committee results")
	}
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	rows := [][]string{{"method", "alpha", "M", "instance", "solved", "errors", "steps_or_epochs", "sweeps", "seconds"}}
	for _, r := range runs {
		rows = append(rows, []string{r.Method, ff(r.Alpha), strconv.Itoa(r.M), strconv.Itoa(r.Instance),
			strconv.FormatBool(r.Solved), strconv.Itoa(r.Errors), strconv.Itoa(r.Steps), strconv.Itoa(r.Sweeps), ff(r.Seconds)})
	}
	if err := writeCommitteeCSV(filepath.Join(dir, "runs.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"method", "alpha", "M", "instances", "solved", "fraction_solved", "mean_seconds", "mean_steps_solved", "mean_final_errors_per_pattern"}}
	for _, s := range sum {
		rows = append(rows, []string{s.Method, ff(s.Alpha), strconv.Itoa(s.M), strconv.Itoa(s.Instances), strconv.Itoa(s.Solved),
			ff(s.Fraction), ff(s.MeanSec), ff(s.MeanSteps), ff(s.MeanErr)})
	}
	if err := writeCommitteeCSV(filepath.Join(dir, "summary.csv"), rows); err != nil {
		return err
	}
	if err := writeThermoCSV(filepath.Join(dir, "thermo.csv"), runs); err != nil {
		return err
	}
	if err := plotCommittee(filepath.Join(dir, "solved.png"), title, "fraction solved", sum,
		func(s committeeSummary) float64 { return s.Fraction }); err != nil {
		return err
	}
	if err := plotCommittee(filepath.Join(dir, "time.png"), title, "seconds per instance", sum,
		func(s committeeSummary) float64 { return s.MeanSec }); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title)
	b.WriteString("| method | α | M | solved | fraction | s / instance | mean steps (fBP) or epochs (RSGD) of the solved | mean final errors / M |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, s := range sum {
		fmt.Fprintf(&b, "| %s | %v | %d | %d/%d | %.2f | %.2f | %.1f | %.4f |\n", s.Method, s.Alpha, s.M, s.Solved, s.Instances,
			s.Fraction, s.MeanSec, s.MeanSteps, s.MeanErr)
	}
	fmt.Fprintf(&b, "\n![fraction solved](solved.png)\n![time per instance](time.png)\n\nCommand (git %s):\n\n    %s\n", rev, command)
	return errors.Wrap(os.WriteFile(filepath.Join(dir, "README.md"), []byte(b.String()), 0o644), "committee results")
}

func writeCommitteeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return errors.Wrap(err, "committee results")
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return errors.Wrap(err, "committee results")
	}
	return errors.Wrap(f.Close(), "committee results")
}

// plotCommittee draws y(s) against α, one line per method.
func plotCommittee(path, title, ylabel string, sum []committeeSummary, y func(committeeSummary) float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "α = M / (N·K)"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	var methods []string
	pts := map[string]plotter.XYs{}
	for _, s := range sum {
		if _, ok := pts[s.Method]; !ok {
			methods = append(methods, s.Method)
		}
		pts[s.Method] = append(pts[s.Method], plotter.XY{X: s.Alpha, Y: y(s)})
	}
	for i, m := range methods {
		l, sc, err := plotter.NewLinePoints(pts[m])
		if err != nil {
			return errors.Wrap(err, "committee plot")
		}
		l.Color, sc.Color = plotutil.Color(i), plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		l.Width = vg.Points(1.5)
		p.Add(l, sc)
		p.Legend.Add(m, l, sc)
	}
	return errors.Wrap(p.Save(6*vg.Inch, 4*vg.Inch, path), "committee plot")
}

// writeThermoCSV writes the per-step thermodynamics of the runs that have
// them; nothing if none has.
func writeThermoCSV(path string, runs []committeeRun) error {
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	rows := [][]string{{"alpha", "M", "instance", "step", "gamma", "y", "q", "qtilde", "S", "phi", "local_entropy", "errors", "converged"}}
	for _, r := range runs {
		for _, t := range r.thermo {
			rows = append(rows, []string{ff(r.Alpha), strconv.Itoa(r.M), strconv.Itoa(r.Instance), strconv.Itoa(t.Index),
				ff(t.Th.Step.Gamma), ff(t.Th.Step.Y), ff(t.Th.Q), ff(t.Th.QTilde), ff(t.Th.S), ff(t.Th.Phi),
				ff(t.Th.LocalEntropy), strconv.Itoa(t.Errors), strconv.FormatBool(t.Converged)})
		}
	}
	if len(rows) == 1 {
		return nil
	}
	return writeCommitteeCSV(path, rows)
}
