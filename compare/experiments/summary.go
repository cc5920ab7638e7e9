package experiments

import (
	"math"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/pasp"
)

// group holds the records of one table row: a group (data set and task,
// sparsity, batch size) and an algorithm.
type group struct {
	name, algo, kind string
	recs             []*Record
}

// groups returns the records by group and algorithm, in order of first
// appearance.
func (r *Report) groups() []*group {
	var out []*group
	idx := map[string]*group{}
	for _, rec := range r.Records {
		k := rec.Job.Group + "\x00" + rec.Job.Algo
		g, ok := idx[k]
		if !ok {
			g = &group{name: rec.Job.Group, algo: rec.Job.Algo, kind: rec.Job.Kind}
			idx[k] = g
			out = append(out, g)
		}
		g.recs = append(g.recs, rec)
	}
	return out
}

// groupNames returns the distinct group names, in order of first appearance.
func (r *Report) groupNames() []string {
	var order []string
	seen := map[string]bool{}
	for _, g := range r.groups() {
		if !seen[g.name] {
			seen[g.name] = true
			order = append(order, g.name)
		}
	}
	return order
}

// final returns mean ± std over the runs of g of f(record).
func (g *group) final(f func(rec *Record) float64) (mean, std float64) {
	var v []float64
	for _, rec := range g.recs {
		if len(rec.Epochs) > 0 {
			v = append(v, f(rec))
		}
	}
	return compare.MeanStd(v)
}

// lastEval returns the evaluation after the last epoch.
func lastEval(rec *Record) pasp.Eval { return rec.Epochs[len(rec.Epochs)-1] }

// Summary writes the common table: final errors per group and algorithm,
// mean ± std over seeds; paper, if not nil, gives the paper's test error
// of a group and algorithm kind ("" where it has none). On a Report that
// Run did not make it does nothing.
func (r *Report) Summary(paper func(group, kind string) string) {
	if r.ready() != nil {
		return
	}
	r.b.WriteString("| group | algorithm | seeds | epochs | test error % | Bayesian test error % | train error % | Bayesian train error % | s / epoch | paper test error % |\n")
	r.b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, g := range r.groups() {
		te, tes := g.final(func(rec *Record) float64 { return lastEval(rec).TestError })
		tb, tbs := g.final(func(rec *Record) float64 { return lastEval(rec).TestErrorBayes })
		tr, trs := g.final(func(rec *Record) float64 { return lastEval(rec).TrainError })
		trb, trbs := g.final(func(rec *Record) float64 { return lastEval(rec).TrainErrorBayes })
		sec, secs := g.final(func(rec *Record) float64 { return compare.MeanEpochSeconds(rec.Epochs) })
		if !compare.HasBayes(g.kind) {
			tb, trb = math.NaN(), math.NaN()
		}
		pp := "—"
		if paper != nil {
			if v := paper(g.name, g.kind); v != "" {
				pp = v
			}
		}
		r.Printf("| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s |\n", g.name, g.algo, len(g.recs),
			lastEval(g.recs[0]).Epoch, pm(te, tes), pm(tb, tbs), pm(tr, trs), pm(trb, trbs), pm(sec, secs), pp)
	}
	r.Printf("\nErrors after the last epoch, mean ± sample standard deviation over the seeds; s / epoch is training time only (evaluation excluded). ")
	r.Printf("\"BP\" in the paper is the `bpi` layer (EXPERIMENTS §I, names).\n")
}
