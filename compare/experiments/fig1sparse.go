package experiments

import (
	"flag"
	"fmt"

	"gonum.org/v1/plot/plotter"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// fig1Sparse is Figure 1 (right), EXPERIMENTS §I.5: the test accuracy of
// networks with a fixed fraction of zeroed weights.
type fig1Sparse struct{ base }

func init() {
	p := protocol([]string{"mnist"}, []string{"10class"}, []string{"bpi", "amp", "amp-unmasked", "mf", "binarynet"}, 101, 101)
	p.Sparsity = []float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}
	Register(fig1Sparse{newBase(Info{Name: "fig1-sparse", Title: "Figure 1 (right): test accuracy vs sparsity, MNIST 10 classes",
		Section: "EXPERIMENTS §I.5",
		Claim:   "Claim: up to 90 % sparsity BP and MF beat BinaryNet; AMP falls behind BinaryNet (no numbers in the text)."},
		p)})
}

func (fig1Sparse) Flags(fs *flag.FlagSet, p *Params) func() error {
	return listFlag(fs, "sparsity", p.Sparsity, "sparsities in percent (fraction of zeroed weights), comma-separated", &p.Sparsity, ParseFloats)
}

func (fig1Sparse) Check(p *Params) error {
	return checkList("-sparsity", p.Sparsity, "percentages in [0, 100)", func(s float64) bool { return s >= 0 && s < 100 })
}

// sparseRho: AMP with ρ = 1 on the hidden layers and 0 on the last, ψ 0.8
// and 0.99; MF with the default ρ; the others ρ = 1, 0.9.
func sparseRho(kind string, L int) (rho, psi []float64) {
	switch kind {
	case "amp", "amp-unmasked":
		return layers(L, 1, 0), layers(L, 0.8, 0.99)
	case "mf":
		return layers(L, 1+1e-4, 0.9), []float64{0.8}
	}
	return plainRho(kind, L)
}

// Jobs: per sparsity and data set (first task), every algorithm and seed.
func (fig1Sparse) Jobs(p *Params) []Job {
	g := &grid{p: p, hyper: sparseRho}
	for _, sp := range p.Sparsity {
		d := 1 - sp/100
		for _, src := range p.Data {
			g.each(fmt.Sprintf("%s sparsity %g%%", srcLabel(src), sp), src, p.Tasks[0], func(j *Job) { j.Density = d })
		}
	}
	return g.jobs
}

func (fig1Sparse) Report(r *Report) ([]string, error) {
	r.Summary(nil)
	f, err := r.sparsityFigure()
	return []string{f}, err
}

// sparsityFigure draws the final test accuracy against the sparsity.
func (r *Report) sparsityFigure() (string, error) {
	p := plots.New("test accuracy vs sparsity", "sparsity (%)", "test accuracy (%)")
	byAlgo := map[string]*[2]plotter.XYs{}
	var order []string
	kinds := map[string]string{}
	for _, g := range r.groups() {
		te, _ := g.final(func(rec *Record) float64 { return lastEval(rec).TestError })
		tb, _ := g.final(func(rec *Record) float64 { return lastEval(rec).TestErrorBayes })
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
		c := i
		if err := plots.Line(p, a, byAlgo[a][0], c, nil); err != nil {
			return "", err
		}
		if compare.HasBayes(kinds[a]) {
			if err := plots.Line(p, a+" (Bayes)", byAlgo[a][1], c, plots.Dashed); err != nil {
				return "", err
			}
		}
	}
	return "accuracy_vs_sparsity.png", r.save(p, "accuracy_vs_sparsity.png")
}
