package compare

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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
	f, err := os.Create(path)
	if err != nil {
		return errors.Wrap(err, "compare: runs.csv")
	}
	w := csv.NewWriter(f)
	w.Write([]string{"method", "K", "N", "M", "alpha", "instance", "status", "moves"})
	for _, s := range series {
		for _, st := range s.Stats {
			for i, m := range st.Moves {
				w.Write([]string{s.Method, strconv.Itoa(st.K), strconv.Itoa(st.N), strconv.Itoa(st.M),
					strconv.FormatFloat(st.Alpha, 'g', 6, 64), strconv.Itoa(i), st.Status[i].String(), strconv.FormatInt(m, 10)})
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return errors.Wrap(err, "compare: runs.csv")
	}
	return errors.Wrap(f.Close(), "compare: runs.csv")
}

func plotAnnealMoves(path, title string, series []AnnealSeries) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "N (synapses)"
	p.Y.Label.Text = "attempted moves to solution"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
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
		c := plotutil.Color(i)
		if len(med) > 0 {
			l, err := plotter.NewLine(med)
			if err != nil {
				return errors.Wrap(err, "compare: moves.png")
			}
			l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5)}
			p.Add(l)
			p.Legend.Add(s.Method+" (median)", l)
		}
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return errors.Wrap(err, "compare: moves.png")
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
	}
	return errors.Wrap(p.Save(7*vg.Inch, 4.5*vg.Inch, path), "compare: moves.png")
}
