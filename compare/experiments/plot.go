package experiments

import (
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// save writes p into the results directory as file.
func (r *Report) save(p *plot.Plot, file string) error {
	return plots.Save(p, filepath.Join(r.Dir, file))
}

// figures runs the figure writers in turn and returns their files in
// that order; it stops at the first error.
func figures(writers ...func() ([]string, error)) ([]string, error) {
	var files []string
	for _, w := range writers {
		f, err := w()
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	return files, nil
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
		p := plots.New(r.Exp.Info().Name+": "+name, "epoch", "test error (%)")
		i := 0
		for _, g := range groups {
			if g.name != name {
				continue
			}
			c := i
			i++
			n := func(rec *Record) int { return len(rec.Epochs) - 1 }
			x := func(rec *Record, i int) float64 { return float64(rec.Epochs[i+1].Epoch) }
			pw := meanOver(g, n, x, func(rec *Record, i int) float64 { return rec.Epochs[i+1].TestError })
			if err := plots.Line(p, g.algo, pw, c, nil); err != nil {
				return nil, err
			}
			if compare.HasBayes(g.kind) {
				pb := meanOver(g, n, x, func(rec *Record, i int) float64 { return rec.Epochs[i+1].TestErrorBayes })
				if err := plots.Line(p, g.algo+" (Bayes)", pb, c, plots.Dashed); err != nil {
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
