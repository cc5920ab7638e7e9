package compare

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/fbpgo/fbp/internal/plots"
)

// AnnealSeries is one method's AnnealSolve statistics over sizes N.
type AnnealSeries struct {
	Method   string
	Settings AnnealSettings
	Stats    []*AnnealSolveStats
}

// WriteAnnealDir writes annealing results into dir (created if needed):
//
//	runs.csv      one row per method, N and instance: status and moves
//	summary.json  the series (settings and statistics per N)
//	moves.png     moves to solution vs N: the median per method (lines,
//	              where more than half the instances were solved) and
//	              every solved instance (points), log scale
//
// title heads the plot.
func WriteAnnealDir(dir, title string, series []AnnealSeries) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "compare: anneal results")
	}
	if err := writeAnnealCSV(filepath.Join(dir, "runs.csv"), series); err != nil {
		return err
	}
	js, err := json.MarshalIndent(series, "", " ")
	if err != nil {
		return errors.Wrap(err, "compare: summary.json")
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), js, 0o644); err != nil {
		return errors.Wrap(err, "compare: summary.json")
	}
	return plotAnnealMoves(filepath.Join(dir, "moves.png"), title, series)
}

func writeAnnealCSV(path string, series []AnnealSeries) error {
	rows := [][]string{{"method", "K", "N", "M", "alpha", "instance", "status", "moves"}}
	for _, s := range series {
		for _, st := range s.Stats {
			for i, m := range st.Moves {
				rows = append(rows, []string{s.Method, strconv.Itoa(st.K), strconv.Itoa(st.N), strconv.Itoa(st.M),
					strconv.FormatFloat(st.Alpha, 'g', 6, 64), strconv.Itoa(i), st.Status[i].String(), strconv.FormatInt(m, 10)})
			}
		}
	}
	return errors.Wrap(WriteCSV(path, rows), "compare")
}

func plotAnnealMoves(path, title string, series []AnnealSeries) error {
	p := plots.New(title, "N (synapses)", "attempted moves to solution")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	for i, s := range series {
		var med, pts plotter.XYs
		for _, st := range s.Stats {
			x := float64(st.K * st.N)
			if st.MedianMoves > 0 {
				med = append(med, plotter.XY{X: x, Y: st.MedianMoves})
			}
			for j, m := range st.Moves {
				if st.Status[j] == AnnealSolved {
					pts = append(pts, plotter.XY{X: x, Y: float64(max(m, 1))})
				}
			}
		}
		if err := plots.Line(p, s.Method+" (median)", med, i, nil); err != nil {
			return errors.Wrap(err, "compare: moves.png")
		}
		if err := plots.Points(p, pts, i); err != nil {
			return errors.Wrap(err, "compare: moves.png")
		}
	}
	return errors.Wrap(plots.Save(p, path), "compare")
}
