package experiments

import (
	"fmt"
	"strconv"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// overlaps is EXPERIMENTS §I.9: the polarization q0 of the weights and
// the overlaps between the units of a layer, every epoch.
type overlaps struct{ base }

func init() {
	Register(overlaps{newBase(Info{Name: "overlaps", Title: "Unit polarization and overlaps, MNIST 10 classes",
		Section: "EXPERIMENTS §I.9",
		Claim:   "Claim: the weights polarise (q0 → 1) while the overlaps between different units of a layer stay small (Appendix B.8, text missing)."},
		protocol([]string{"mnist"}, []string{"10class"}, []string{"bpi", "binarynet"}, 501, 501))})
}

func (overlaps) Jobs(p *Params) []Job {
	return (&grid{p: p}).perTask(func(j *Job) { j.Overlaps = true })
}

func (overlaps) Report(r *Report) ([]string, error) {
	r.Summary(nil)
	return figures(r.Overlaps, r.Curves)
}

// Overlaps writes the final overlaps per layer, overlaps.csv and
// overlaps.png; it returns the figure.
func (r *Report) Overlaps() ([]string, error) {
	if err := r.ready(); err != nil {
		return nil, err
	}
	r.Printf("\nPolarization and overlaps per layer after the last epoch (ALGORITHMS §13; mean ± std over seeds). q0 = mean_k (1/N) Σ_i m[k,i]², qab[k,p] = (1/N) Σ_i m[k,i] m[p,i], averaged over k ≠ p with its sign and in absolute value; \"marginals\" uses the means m of the message-passing posterior, \"point-wise\" the weights sign(m) or sign(W) (pruned weights 0):\n\n")
	r.Printf("| group | algorithm | layer | q0 (marginals) | qab, k ≠ p (marginals) | abs qab, k ≠ p (marginals) | q0 (point-wise) | qab, k ≠ p (point-wise) | abs qab, k ≠ p (point-wise) |\n|---|---|---|---|---|---|---|---|---|\n")
	rows := [][]string{{"group", "algo", "seed", "epoch", "layer", "q0", "qab_offdiag", "qab_abs_offdiag", "q0_pointwise", "qab_offdiag_pointwise", "qab_abs_offdiag_pointwise"}}
	for _, g := range r.groups() {
		for l := 0; l < len(g.recs[0].Job.Widths)-1; l++ {
			r.Printf("| %s | %s | %d |", g.name, g.algo, l+1)
			for _, f := range layerFields {
				r.Printf(" %s |", g.finalLayer(l, f))
			}
			r.Printf("\n")
		}
		for _, rec := range g.recs {
			rows = append(rows, layerRows(g, rec)...)
		}
	}
	if err := r.CSV("overlaps.csv", rows); err != nil {
		return nil, err
	}
	return []string{"overlaps.png"}, r.overlapFigure()
}

// layerFields are the columns of the overlap table, in order.
var layerFields = []func(p LayerPoint) []float64{
	func(p LayerPoint) []float64 { return p.Q0 }, func(p LayerPoint) []float64 { return p.QabOff },
	func(p LayerPoint) []float64 { return p.QabAbs }, func(p LayerPoint) []float64 { return p.Q0Point },
	func(p LayerPoint) []float64 { return p.QabOffPoint }, func(p LayerPoint) []float64 { return p.QabAbsPoint },
}

// finalLayer returns mean ± std over the runs of g of f at layer l after
// the last epoch, "—" where no run has it.
func (g *group) finalLayer(l int, f func(p LayerPoint) []float64) string {
	var v []float64
	for _, rec := range g.recs {
		if n := len(rec.Layers); n > 0 && l < len(f(rec.Layers[n-1])) {
			v = append(v, f(rec.Layers[n-1])[l])
		}
	}
	if len(v) == 0 {
		return "—"
	}
	m, s := compare.MeanStd(v)
	return fmt.Sprintf("%.4f ± %.4f", m, s)
}

// layerRows returns the overlaps.csv rows of one run.
func layerRows(g *group, rec *Record) [][]string {
	var rows [][]string
	for _, p := range rec.Layers {
		for l := range p.Q0Point {
			row := []string{g.name, g.algo, strconv.FormatUint(rec.Job.Seed, 10), strconv.Itoa(p.Epoch), strconv.Itoa(l + 1)}
			for _, f := range layerFields {
				cell := ""
				if v := f(p); l < len(v) {
					cell = ff(v[l])
				}
				row = append(row, cell)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// overlapFigure draws q0 (solid) and the mean |qab| over k ≠ p (dashed)
// of every layer against the epoch: from the marginals for message passing,
// from the point-wise weights otherwise. Runs recorded without |qab| are
// drawn with q0 only.
func (r *Report) overlapFigure() error {
	p := plots.New("polarization q0 (solid) and mean |qab|, k ≠ p (dashed)", "epoch", "")
	i := 0
	for _, g := range r.groups() {
		L := len(g.recs[0].Job.Widths) - 1
		q0, abs, src := layerFields[3], layerFields[5], "sign W"
		if g.recs[0].Job.MessagePassing() {
			q0, abs, src = layerFields[0], layerFields[2], "m"
		}
		n := func(rec *Record) int { return len(rec.Layers) }
		x := func(rec *Record, i int) float64 { return float64(rec.Layers[i].Epoch) }
		for l := 0; l < L; l++ {
			c := i
			i++
			name := g.algo + " layer " + strconv.Itoa(l+1) + " (" + src + ")"
			if g.hasLayers(q0, L) {
				a := meanOver(g, n, x, func(rec *Record, i int) float64 { return q0(rec.Layers[i])[l] })
				if err := plots.Line(p, name, a, c, nil); err != nil {
					return err
				}
			}
			if g.hasLayers(abs, L) {
				b := meanOver(g, n, x, func(rec *Record, i int) float64 { return abs(rec.Layers[i])[l] })
				if err := plots.Line(p, "", b, c, plots.Dashed); err != nil {
					return err
				}
			}
		}
	}
	return r.save(p, "overlaps.png")
}

// hasLayers reports whether every point of every run of g has f for all
// L layers.
func (g *group) hasLayers(f func(LayerPoint) []float64, L int) bool {
	for _, rec := range g.recs {
		for _, pt := range rec.Layers {
			if len(f(pt)) < L {
				return false
			}
		}
	}
	return true
}
