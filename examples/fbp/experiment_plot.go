package main

import (
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"github.com/pkg/errors"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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

func save(p *plot.Plot, o *expOptions, file string) error {
	return errors.Wrap(p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(o.out, file)), file)
}

// meanOver averages f over the runs of g at each index i < n, where n is
// the shortest length among the runs.
func meanOver(g *groupAlgo, n func(r *expRecord) int, x func(r *expRecord, i int) float64, f func(r *expRecord, i int) float64) plotter.XYs {
	m := math.MaxInt
	for _, r := range g.recs {
		m = min(m, n(r))
	}
	var pts plotter.XYs
	for i := 0; i < m; i++ {
		var s float64
		for _, r := range g.recs {
			s += f(r, i)
		}
		pts = append(pts, plotter.XY{X: x(g.recs[0], i), Y: s / float64(len(g.recs))})
	}
	return pts
}

// curveFigures draws, per group, the mean test error per epoch of every
// algorithm (point-wise solid, Bayesian dashed), from epoch 1.
func curveFigures(o *expOptions, recs []*expRecord) ([]string, error) {
	groups := byGroupAlgo(recs)
	var files []string
	done := map[string]bool{}
	for _, g0 := range groups {
		if done[g0.group] {
			continue
		}
		done[g0.group] = true
		p := newPlot(o.spec.name+": "+g0.group, "epoch", "test error (%)")
		i := 0
		for _, g := range groups {
			if g.group != g0.group {
				continue
			}
			c := plotutil.Color(i)
			i++
			n := func(r *expRecord) int { return len(r.Epochs) - 1 }
			x := func(r *expRecord, i int) float64 { return float64(r.Epochs[i+1].Epoch) }
			pw := meanOver(g, n, x, func(r *expRecord, i int) float64 { return r.Epochs[i+1].TestError })
			if err := line(p, g.algo, pw, c, nil); err != nil {
				return nil, err
			}
			if hasBayesAlgo(g.kind) {
				pb := meanOver(g, n, x, func(r *expRecord, i int) float64 { return r.Epochs[i+1].TestErrorBayes })
				if err := line(p, g.algo+" (Bayes)", pb, c, dashed); err != nil {
					return nil, err
				}
			}
		}
		file := "curves_" + slug(g0.group) + ".png"
		if err := save(p, o, file); err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	return files, nil
}

// sparsityFigure draws the final test accuracy against the sparsity.
func sparsityFigure(o *expOptions, recs []*expRecord) (string, error) {
	p := newPlot("test accuracy vs sparsity", "sparsity (%)", "test accuracy (%)")
	p.Legend.Top, p.Legend.Left = false, true // the curves fall to the right
	byAlgo := map[string]*[2]plotter.XYs{}
	var order []string
	kinds := map[string]string{}
	for _, g := range byGroupAlgo(recs) {
		te, _ := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TestError })
		tb, _ := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TestErrorBayes })
		sp := 100 * (1 - g.recs[0].Job.Density)
		if _, ok := byAlgo[g.algo]; !ok {
			byAlgo[g.algo] = &[2]plotter.XYs{}
			order = append(order, g.algo)
			kinds[g.algo] = g.kind
		}
		v := byAlgo[g.algo]
		v[0] = append(v[0], plotter.XY{X: sp, Y: 100 - te})
		v[1] = append(v[1], plotter.XY{X: sp, Y: 100 - tb})
	}
	for i, a := range order {
		c := plotutil.Color(i)
		if err := line(p, a, byAlgo[a][0], c, nil); err != nil {
			return "", err
		}
		if hasBayesAlgo(kinds[a]) {
			if err := line(p, a+" (Bayes)", byAlgo[a][1], c, dashed); err != nil {
				return "", err
			}
		}
	}
	return "accuracy_vs_sparsity.png", save(p, o, "accuracy_vs_sparsity.png")
}

// continualFigures draws the accuracy on every task after the last task
// and the task-1 accuracy per epoch.
func continualFigures(o *expOptions, recs []*expRecord) error {
	p := newPlot("accuracy on each task after all tasks", "task", "test accuracy (%)")
	q := newPlot("task 1 accuracy while training the tasks in turn", "epoch", "test accuracy on task 1 (%)")
	for i, g := range byGroupAlgo(recs) {
		c := plotutil.Color(i)
		after := meanOver(g, func(r *expRecord) int {
			if len(r.TaskErrors) == 0 {
				return 0
			}
			return len(r.TaskErrors[len(r.TaskErrors)-1])
		}, func(_ *expRecord, i int) float64 { return float64(i + 1) },
			func(r *expRecord, i int) float64 { return 100 - r.TaskErrors[len(r.TaskErrors)-1][i] })
		if err := line(p, g.algo, after, c, nil); err != nil {
			return err
		}
		t1 := meanOver(g, func(r *expRecord) int { return len(r.Task1) },
			func(r *expRecord, i int) float64 { return float64(r.Task1[i].Epoch) },
			func(r *expRecord, i int) float64 { return 100 - r.Task1[i].TestError })
		if err := line(q, g.algo, t1, c, nil); err != nil {
			return err
		}
	}
	if err := save(p, o, "tasks.png"); err != nil {
		return err
	}
	return save(q, o, "task1.png")
}

// energyFigure draws the perturbed training error against p.
func energyFigure(o *expOptions, recs []*expRecord) error {
	p := newPlot("local energy", "flip probability p", "training error (%)")
	for i, g := range byGroupAlgo(recs) {
		pts := meanOver(g, func(r *expRecord) int { return len(r.Energy) },
			func(r *expRecord, i int) float64 { return r.Energy[i].P },
			func(r *expRecord, i int) float64 { return r.Energy[i].Mean })
		if err := line(p, g.group+" "+g.algo, pts, plotutil.Color(i), nil); err != nil {
			return err
		}
	}
	return save(p, o, "energy.png")
}

// overlapFigure draws q0 (solid) and the mean |qab| over k ≠ p (dashed)
// of every layer against the epoch: from the marginals for message passing,
// from the point-wise weights otherwise. Runs recorded without |qab| are
// drawn with q0 only.
func overlapFigure(o *expOptions, recs []*expRecord) error {
	p := newPlot("polarization q0 (solid) and mean |qab|, k ≠ p (dashed)", "epoch", "")
	i := 0
	for _, g := range byGroupAlgo(recs) {
		L := len(g.recs[0].Job.Widths) - 1
		q0 := func(pt layerPoint) []float64 { return pt.Q0Point }
		abs := func(pt layerPoint) []float64 { return pt.QabAbsPoint }
		src := "sign W"
		if g.recs[0].Job.messagePassing() {
			q0 = func(pt layerPoint) []float64 { return pt.Q0 }
			abs = func(pt layerPoint) []float64 { return pt.QabAbs }
			src = "m"
		}
		has := func(f func(layerPoint) []float64) bool {
			for _, r := range g.recs {
				for _, pt := range r.Layers {
					if len(f(pt)) < L {
						return false
					}
				}
			}
			return true
		}
		for l := 0; l < L; l++ {
			c := plotutil.Color(i)
			i++
			n := func(r *expRecord) int { return len(r.Layers) }
			x := func(r *expRecord, i int) float64 { return float64(r.Layers[i].Epoch) }
			name := g.algo + " layer " + strconv.Itoa(l+1) + " (" + src + ")"
			if has(q0) {
				a := meanOver(g, n, x, func(r *expRecord, i int) float64 { return q0(r.Layers[i])[l] })
				if err := line(p, name, a, c, nil); err != nil {
					return err
				}
			}
			if has(abs) {
				b := meanOver(g, n, x, func(r *expRecord, i int) float64 { return abs(r.Layers[i])[l] })
				if err := line(p, "", b, c, dashed); err != nil {
					return err
				}
			}
		}
	}
	return save(p, o, "overlaps.png")
}

// timingFigure draws seconds per epoch against the batch size (log-log).
func timingFigure(o *expOptions, recs []*expRecord) error {
	p := newPlot("training time per epoch", "batch size", "seconds per epoch")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	for i, a := range o.algos {
		var pts plotter.XYs
		for _, g := range byGroupAlgo(recs) {
			if g.algo != a {
				continue
			}
			var v []float64
			for _, r := range g.recs {
				for _, e := range r.Epochs[1:] {
					v = append(v, e.EpochSeconds)
				}
			}
			if m, _ := meanStd(v); m > 0 {
				pts = append(pts, plotter.XY{X: float64(g.recs[0].Job.Batch), Y: m})
			}
		}
		if err := line(p, a, pts, plotutil.Color(i), nil); err != nil {
			return err
		}
	}
	return save(p, o, "timing.png")
}
