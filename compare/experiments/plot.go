package experiments

import (
	"image/color"
	"math"
	"path/filepath"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fbpgo/fbp/compare"
)

var dashed = []vg.Length{vg.Points(4), vg.Points(3)}

// newPlot returns a plot with a title, axis labels and a grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// line adds a named line with points to p; empty lines are skipped.
func line(p *plot.Plot, name string, pts plotter.XYs, c color.Color, dashes []vg.Length) error {
	if len(pts) == 0 {
		return nil
	}
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return errors.Wrap(err, "plot")
	}
	l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5), Dashes: dashes}
	s.Color, s.Radius = c, vg.Points(1.5)
	p.Add(l, s)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// save writes p into the results directory as file.
func (r *Report) save(p *plot.Plot, file string) error {
	return errors.Wrap(p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(r.Dir, file)), file)
}

// meanOver averages f over the runs of g at each index i < n, where n is
// the shortest length among the runs; x gives the abscissa from the first.
func meanOver(g *group, n func(rec *Record) int, x, f func(rec *Record, i int) float64) plotter.XYs {
	m := math.MaxInt
	for _, rec := range g.recs {
		m = min(m, n(rec))
	}
	var pts plotter.XYs
	for i := 0; i < m; i++ {
		var s float64
		for _, rec := range g.recs {
			s += f(rec, i)
		}
		pts = append(pts, plotter.XY{X: x(g.recs[0], i), Y: s / float64(len(g.recs))})
	}
	return pts
}

// Curves draws, per group, the mean test error per epoch of every
// algorithm (point-wise solid, Bayesian dashed), from epoch 1, into
// curves_GROUP.png; it returns the files.
func (r *Report) Curves() ([]string, error) {
	if err := r.ready(); err != nil {
		return nil, err
	}
	groups := r.groups()
	var files []string
	for _, name := range r.groupNames() {
		p := newPlot(r.Exp.Info().Name+": "+name, "epoch", "test error (%)")
		i := 0
		for _, g := range groups {
			if g.name != name {
				continue
			}
			c := plotutil.Color(i)
			i++
			n := func(rec *Record) int { return len(rec.Epochs) - 1 }
			x := func(rec *Record, i int) float64 { return float64(rec.Epochs[i+1].Epoch) }
			pw := meanOver(g, n, x, func(rec *Record, i int) float64 { return rec.Epochs[i+1].TestError })
			if err := line(p, g.algo, pw, c, nil); err != nil {
				return nil, err
			}
			if compare.HasBayes(g.kind) {
				pb := meanOver(g, n, x, func(rec *Record, i int) float64 { return rec.Epochs[i+1].TestErrorBayes })
				if err := line(p, g.algo+" (Bayes)", pb, c, dashed); err != nil {
					return nil, err
				}
			}
		}
		file := "curves_" + slug(name) + ".png"
		if err := r.save(p, file); err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	return files, nil
}
