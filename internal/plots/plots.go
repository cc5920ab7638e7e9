// Package plots draws the line plots of the comparison and experiment
// reports in one style: every point carries a glyph, so that a curve of a
// single epoch still shows, and the legend stands to the right of the axes,
// where it cannot cover a curve.
package plots

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Width and Height are the size of the axes area of a saved plot; the
// legend widens the image.
const (
	Width  = 7 * vg.Inch
	Height = 4.5 * vg.Inch
)

// pad separates the legend from the axes and the image's edges.
var pad = vg.Points(8)

// Dashed is the dash pattern of a second curve of the same series (a
// Bayesian error beside the point-wise one, for example).
var Dashed = []vg.Length{vg.Points(4), vg.Points(3)}

// New returns a plot with a title, axis labels and a grid.
func New(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

// filled and hollow are the glyphs of solid and dashed curves, in turn.
var (
	filled = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}}
	hollow = []draw.GlyphDrawer{draw.RingGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}}
)

// Line adds the curve pts to p in the i-th colour of plotutil, dashed with
// dashes (nil: solid), with a legend entry name (none when empty). Every
// point carries a glyph: filled on solid curves, hollow on dashed ones.
// Empty curves are skipped.
func Line(p *plot.Plot, name string, pts plotter.XYs, i int, dashes []vg.Length) error {
	if len(pts) == 0 {
		return nil
	}
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return fmt.Errorf("plot %s: %w", name, err)
	}
	c := plotutil.Color(i)
	l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.5), Dashes: dashes}
	shape := filled[i%len(filled)]
	if dashes != nil {
		shape = hollow[i%len(hollow)]
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: shape}
	p.Add(l, s)
	if name != "" {
		p.Legend.Add(name, l, s)
	}
	return nil
}

// Points adds pts to p as hollow glyphs only, in the i-th colour of
// plotutil, without a legend entry. Empty sets are skipped.
func Points(p *plot.Plot, pts plotter.XYs, i int) error {
	if len(pts) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(i), Radius: vg.Points(2), Shape: hollow[i%len(hollow)]}
	p.Add(s)
	return nil
}

// Save writes p to path, in the format its extension names (png, svg, pdf,
// …): the axes Width × Height and, to their right, the legend, top-aligned
// with the axes. Errors name the file.
func Save(p *plot.Plot, path string) (err error) {
	name := filepath.Base(path)
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	leg := p.Legend
	lw := leg.Rectangle(draw.Canvas{}).Size().X
	if lw > 0 {
		lw += 2 * pad
	}
	c, err := draw.NewFormattedCanvas(Width+lw, Height, format)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	dc := draw.New(c)
	p.Legend = plot.NewLegend()
	p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
	p.Legend = leg
	if lw > 0 {
		top := pad
		if p.Title.Text != "" {
			top += p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		}
		leg.Top, leg.Left = true, true
		leg.Draw(draw.Crop(dc, Width+pad, -pad, pad, -top))
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = c.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
