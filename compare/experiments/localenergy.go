package experiments

import (
	"flag"
	"strconv"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// localEnergy is EXPERIMENTS §I.8: the training error of the point-wise
// solution after flipping every weight with probability p, a measure of
// the flatness of the minimum found.
type localEnergyExp struct{ base }

func init() {
	p := protocol([]string{"fashion"}, []string{"2class"}, []string{"bpi", "amp", "mf", "binarynet"}, 501, 501)
	p.Seeds, p.LR, p.Optimizer = []uint64{2}, 10, "sgd"
	p.Flips, p.Repeats = []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35}, 10
	Register(localEnergyExp{newBase(Info{Name: "local-energy", Title: "Local energy: training error of randomly flipped solutions, Fashion-MNIST 2 classes", Section: "EXPERIMENTS §I.8",
		Claim: "Claim: message-passing solutions lie in flatter regions: their training error grows more slowly with the flip probability p than BinaryNet's (Appendix B.5, text missing)."},
		p)})
}

func (localEnergyExp) Flags(fs *flag.FlagSet, p *Params) func() error {
	parse := listFlag(fs, "flips", p.Flips, "flip probabilities p, comma-separated (p = 0 is always added)", &p.Flips, ParseFloats)
	fs.IntVar(&p.Repeats, "repeats", p.Repeats, "perturbations per p")
	return parse
}

func (localEnergyExp) Check(p *Params) error {
	if len(p.Flips) > 0 { // none: p = 0 alone
		ok := func(f float64) bool { return f > 0 && f <= 1 }
		if err := checkList("-flips", p.Flips, "probabilities in (0, 1] (p = 0 is always measured)", ok); err != nil {
			return err
		}
	}
	if p.Repeats < 1 {
		return errors.Errorf("-repeats %d: want at least 1", p.Repeats)
	}
	return nil
}

// energyRho: ρ = 1+10⁻⁴ on the hidden layers and 0.9 on the last (0 for
// MF), ψ = 0.8.
func energyRho(kind string, L int) (rho, psi []float64) {
	if kind == "mf" {
		return layers(L, 1+1e-4, 0), []float64{0.8}
	}
	return layers(L, 1+1e-4, 0.9), []float64{0.8}
}

func (localEnergyExp) Jobs(p *Params) []Job {
	return (&grid{p: p, hyper: energyRho}).perTask(func(j *Job) {
		j.Flips, j.Repeats, j.Overlaps = p.Flips, p.Repeats, true
	})
}

func (localEnergyExp) Report(r *Report) ([]string, error) {
	r.Summary(nil)
	return figures(r.energy, r.Overlaps, r.Curves)
}

// energy writes the local-energy table, energy.csv and energy.png.
func (r *Report) energy() ([]string, error) {
	ps := append([]float64{0}, r.Params.Flips...)
	r.Printf("\nLocal energy: training error (%%) of the point-wise solution after flipping every weight with probability p (mean ± std over the repeats; over seeds too when there are several):\n\n| group | algorithm |")
	for _, p := range ps {
		r.Printf(" p = %g |", p)
	}
	r.b.WriteString("\n|---|---|" + strings.Repeat("---|", len(ps)) + "\n")
	rows := [][]string{{"group", "algo", "seed", "p", "repeat", "train_error"}}
	for _, g := range r.groups() {
		r.Printf("| %s | %s |", g.name, g.algo)
		for i := range ps {
			var v []float64
			for _, rec := range g.recs {
				if i < len(rec.Energy) {
					v = append(v, rec.Energy[i].Errors...)
				}
			}
			r.Printf(" %s |", pm(compare.MeanStd(v)))
		}
		r.Printf("\n")
		for _, rec := range g.recs {
			for _, pt := range rec.Energy {
				for k, e := range pt.Errors {
					rows = append(rows, []string{g.name, g.algo, strconv.FormatUint(rec.Job.Seed, 10), ff(pt.P), strconv.Itoa(k), ff(e)})
				}
			}
		}
	}
	if err := r.CSV("energy.csv", rows); err != nil {
		return nil, err
	}
	p := plots.New("local energy", "flip probability p", "training error (%)")
	for i, g := range r.groups() {
		pts := meanOver(g, func(rec *Record) int { return len(rec.Energy) },
			func(rec *Record, i int) float64 { return rec.Energy[i].P },
			func(rec *Record, i int) float64 { return rec.Energy[i].Mean })
		if err := plots.Line(p, g.name+" "+g.algo, pts, i, nil); err != nil {
			return nil, err
		}
	}
	return []string{"energy.png"}, r.save(p, "energy.png")
}
