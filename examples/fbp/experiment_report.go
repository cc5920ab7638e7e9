package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// paperTable1 holds Table 1 of the paper (EXPERIMENTS §I.3): mean ± std
// test error (%) over 5 runs, "?" a digit lost in the extraction.
var paperTable1 = map[string]map[string]string{
	"mnist 2class":   {"binarynet": "1.3 ± 0.1", "bpi": "1.4 ± 0.2", "amp": "1.4 ± 0.1", "mf": "1.3 ± 0.?"},
	"fashion 2class": {"binarynet": "2.4 ± 0.1", "bpi": "2.3 ± 0.1", "amp": "2.4 ± 0.1", "mf": "2.3 ± 0.?"},
	"mnist 10class":  {"binarynet": "2.2 ± 0.1", "bpi": "2.6 ± 0.1", "amp": "2.6 ± 0.1", "mf": "2.3 ± 0.?"},
	"fashion 10class": {"binarynet": "12.0 ± 0.6", "bpi": "11.8 ± 0.3", "amp": "11.9 ± 0.2",
		"mf": "12.1 ± 0.?"},
}

// paperTiming holds the GPU seconds per epoch of EXPERIMENTS §I.10.
var paperTiming = map[int]map[string]string{
	1:    {"binarynet": "48", "bp": "118", "bpi": "91", "amp": "104", "mf": "96"},
	16:   {"binarynet": "3", "bp": "7.5", "bpi": "6.3", "amp": "6.5", "mf": "6.1"},
	128:  {"binarynet": "0.45", "bp": "2.5", "bpi": "1.2", "amp": "0.8", "mf": "0.7"},
	1024: {"binarynet": "0.2", "bp": "2.5", "bpi": "0.8", "amp": "0.3", "mf": "0.2"},
}

// paperClaims states what the paper shows where it gives no numbers.
var paperClaims = map[string]string{
	"fig1-arch":      "The paper plots the curves (0–100 epochs) without numbers in the text: BP, AMP and MF reach BinaryNet's test error (about 12 %, Table 1's Fashion-MNIST 10-class row for 2 hidden layers) in fewer epochs.",
	"fig1-sparse":    "Claim: up to 90 % sparsity BP and MF beat BinaryNet; AMP falls behind BinaryNet (no numbers in the text).",
	"fig2-bayes":     "Claim: the Bayesian predictions of the message-passing marginals generalise better than the point-wise ones (no numbers in the text).",
	"fig3-continual": "Claim: BP keeps good accuracy on all six tasks; BinaryNet forgets the early tasks for every learning rate 0.1, 1, 10 (no numbers in the text).",
	"local-energy":   "Claim: message-passing solutions lie in flatter regions: their training error grows more slowly with the flip probability p than BinaryNet's (Appendix B.5, text missing).",
	"overlaps":       "Claim: the weights polarise (q0 → 1) while the overlaps between different units of a layer stay small (Appendix B.8, text missing).",
	"timing":         "The paper's column is GPU seconds per epoch (EXPERIMENTS §I.10); ours are measured on the device named above.",
}

// hasBayesAlgo reports whether a job kind makes Bayesian predictions.
func hasBayesAlgo(kind string) bool { return kind != "binarynet" && kind != "sgd" }

// writeReport writes the results directory of an experiment: runs.json,
// runs.csv, the experiment's own CSV files, README.md with the tables and
// figures, and command.txt.
func writeReport(o *expOptions, recs []*expRecord) error {
	dir := o.out
	if err := writeJSON(filepath.Join(dir, "runs.json"), recs); err != nil {
		return errors.Wrap(err, "runs.json")
	}
	if err := writeEpochCSV(filepath.Join(dir, "runs.csv"), recs); err != nil {
		return err
	}
	rev := gitRevision()
	cmd := "fbp experiment " + strings.Join(o.args, " ")
	if err := os.WriteFile(filepath.Join(dir, "command.txt"),
		[]byte(cmd+"\ngit rev-parse --short HEAD: "+rev+"\n"), 0o644); err != nil {
		return errors.Wrap(err, "command.txt")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s. Command (report written at git %s):\n\n    %s\n\n", o.spec.title, o.spec.section, rev, cmd)
	revs := map[string]int{}
	for _, r := range recs {
		revs[r.Revision]++
	}
	if len(revs) > 1 || revs[rev] == 0 {
		b.WriteString("Runs trained at git revision:")
		var keys []string
		for v := range revs {
			keys = append(keys, v)
		}
		sort.Strings(keys)
		for _, v := range keys {
			n := revs[v]
			if v == "" {
				v = "not recorded (runs of an earlier build)"
			}
			fmt.Fprintf(&b, " %s (%d runs);", v, n)
		}
		b.WriteString("\n\n")
	}
	writeParams(&b, o, recs)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, r := range recs {
		for _, v := range r.Load {
			lo, hi = min(lo, v), max(hi, v)
		}
		if len(r.Load) > 0 {
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(&b, "Machine load (1-minute load average at the start and end of a run, recorded for %d of the %d runs; %d cores): %.1f to %.1f. Epoch times on a loaded machine overstate the cost.\n\n", n, len(recs), runtime.NumCPU(), lo, hi)
	}
	figs, err := writeExperimentTables(&b, o, recs)
	if err != nil {
		return err
	}
	if c, ok := paperClaims[o.spec.name]; ok {
		fmt.Fprintf(&b, "\n%s\n", c)
	}
	for _, f := range figs {
		fmt.Fprintf(&b, "\n![%s](%s)\n", f, f)
	}
	fmt.Fprintf(&b, "\nFiles: `runs.csv` (one row per run and epoch; epoch 0 is the untrained network), `runs.json` (every run: settings and all records), `runs/` (one file per finished run: the done-markers a re-run skips), `command.txt`; `checkpoints/` (not in git) holds the last epoch of unfinished message-passing runs, from which the same command continues.\n")
	return errors.Wrap(os.WriteFile(filepath.Join(dir, "README.md"), []byte(b.String()), 0o644), "README.md")
}

// writeParams writes the parameters actually used and how they differ
// from the paper's protocol.
func writeParams(b *strings.Builder, o *expOptions, recs []*expRecord) {
	s := o.spec
	j := recs[0].Job
	fmt.Fprintf(b, "| parameter | used | paper |\n|---|---|---|\n")
	row := func(name, used, paper string) {
		mark := ""
		if used != paper {
			mark = " **(reduced/changed)**"
		}
		fmt.Fprintf(b, "| %s | %s%s | %s |\n", name, used, mark, paper)
	}
	row("data", strings.Join(o.sources, ", "), strings.Join(s.data, ", "))
	row("tasks", strings.Join(o.tasks, ", "), strings.Join(s.tasks, ", "))
	row("algorithms", strings.Join(o.algos, ", "), strings.Join(s.algos, ", "))
	row("widths", fmt.Sprint(j.Widths), fmt.Sprint(append(append([]int{784}, s.hidden...), j.Widths[len(j.Widths)-1])))
	row("seeds", fmt.Sprint(o.seeds), fmt.Sprint(s.seeds))
	ep := "epochs"
	if s.name == "fig3-continual" {
		ep = "epochs per task"
		row("tasks (permutations)", strconv.Itoa(o.ntasks), "6")
		row("BinaryNet learning rates (SGD)", fmt.Sprint(o.lrs), "[0.1 1 10]")
	}
	row(ep, strconv.Itoa(o.epochs), strconv.Itoa(s.epochs))
	if s.name == "timing" {
		row("batch sizes", fmt.Sprint(o.batches), "[1 16 128 1024]")
	} else {
		row("batch", strconv.Itoa(o.batch), strconv.Itoa(s.batch))
	}
	sub := "all"
	if o.trainSubset > 0 {
		sub = "first " + strconv.Itoa(o.trainSubset)
	}
	row("training samples", sub, "all")
	ev := "all training samples"
	if j.TrainEval > 0 {
		ev = "first " + strconv.Itoa(j.TrainEval)
	}
	row("training error on", ev, "all training samples")
	if s.name != "fig3-continual" {
		row("BinaryNet optimizer, learning rate", fmt.Sprintf("%s, %g", o.opt, o.lr), fmt.Sprintf("%s, %g", s.opt, s.lr))
	}
	switch s.name {
	case "fig1-sparse":
		row("sparsity %", fmt.Sprint(o.sparsity), "[0 10 20 30 40 50 60 70 80 90]")
	case "local-energy":
		row("flip probabilities p", fmt.Sprint(o.flips), "[0.05 0.1 0.15 0.2 0.25 0.3 0.35]")
		row("repeats per p", strconv.Itoa(o.repeats), "10")
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if !r.Job.messagePassing() || seen[r.Job.Kind] {
			continue
		}
		if len(seen) == 0 {
			b.WriteString("\nHyper-parameters of the message-passing runs (EXPERIMENTS §I.2; τmax = 1, ϵinit = 1, r = 0):")
		}
		seen[r.Job.Kind] = true
		fmt.Fprintf(b, " %s ρ = %v, ψ = %v;", r.Job.Kind, r.Job.Rho, r.Job.Psi)
	}
	if len(o.reduced) > 0 {
		fmt.Fprintf(b, "\n\nFlags given (everything else is the paper's protocol): `%s`.\n", strings.Join(o.reduced, " "))
	} else {
		b.WriteString("\n\nNo flag changed the paper's protocol.\n")
	}
	for _, n := range o.notes {
		fmt.Fprintf(b, "\nNote: %s\n", n)
	}
	b.WriteString("\n")
}

// writeEpochCSV writes one row per run and epoch.
func writeEpochCSV(path string, recs []*expRecord) error {
	rows := [][]string{{"group", "algo", "seed", "epoch", "train_error", "test_error", "train_error_bayes", "test_error_bayes", "epoch_seconds", "q0", "qab"}}
	for _, r := range recs {
		for _, e := range r.Epochs {
			rows = append(rows, []string{r.Job.Group, r.Job.Algo, strconv.FormatUint(r.Job.Seed, 10), strconv.Itoa(e.Epoch),
				ff(e.TrainError), ff(e.TestError), ff(e.TrainErrorBayes), ff(e.TestErrorBayes), ff(e.EpochSeconds),
				joinFloats(e.Q0), joinFloats(e.Qab)})
		}
	}
	return writeCSV(path, rows)
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = ff(x)
	}
	return strings.Join(s, ";")
}

// writeCSV writes rows to path.
func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return errors.Wrap(err, path)
	}
	return errors.Wrap(f.Close(), path)
}

// pm formats mean ± std, "—" for NaN.
func pm(m, s float64) string {
	if math.IsNaN(m) {
		return "—"
	}
	return fmt.Sprintf("%.2f ± %.2f", m, s)
}

// groupAlgo collects the records of one table row.
type groupAlgo struct {
	group, algo, kind string
	recs              []*expRecord
}

// byGroupAlgo groups records by (group, algo) in order of first appearance.
func byGroupAlgo(recs []*expRecord) []*groupAlgo {
	var out []*groupAlgo
	idx := map[string]*groupAlgo{}
	for _, r := range recs {
		k := r.Job.Group + "\x00" + r.Job.Algo
		g, ok := idx[k]
		if !ok {
			g = &groupAlgo{group: r.Job.Group, algo: r.Job.Algo, kind: r.Job.Kind}
			idx[k] = g
			out = append(out, g)
		}
		g.recs = append(g.recs, r)
	}
	return out
}

// final returns mean ± std over the runs of g of f(last epoch).
func (g *groupAlgo) final(f func(e *expRecord) float64) (mean, std float64) {
	var v []float64
	for _, r := range g.recs {
		if len(r.Epochs) > 0 {
			v = append(v, f(r))
		}
	}
	return meanStd(v)
}

func last(r *expRecord) int { return len(r.Epochs) - 1 }

// writeSummary writes the generic table: final errors per group and
// algorithm, mean ± std over seeds, with the paper's value where known.
func writeSummary(b *strings.Builder, o *expOptions, recs []*expRecord) {
	b.WriteString("| group | algorithm | seeds | epochs | test error % | Bayesian test error % | train error % | Bayesian train error % | s / epoch | paper test error % |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, g := range byGroupAlgo(recs) {
		te, tes := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TestError })
		tb, tbs := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TestErrorBayes })
		tr, trs := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TrainError })
		trb, trbs := g.final(func(r *expRecord) float64 { return r.Epochs[last(r)].TrainErrorBayes })
		sec, secs := g.final(func(r *expRecord) float64 {
			var v []float64
			for _, e := range r.Epochs[1:] {
				v = append(v, e.EpochSeconds)
			}
			m, _ := meanStd(v)
			return m
		})
		if !hasBayesAlgo(g.kind) {
			tb, trb = math.NaN(), math.NaN()
		}
		paper := "—"
		if o.spec.name == "table1" {
			if p, ok := paperTable1[g.group][g.kind]; ok {
				paper = p
			}
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s |\n", g.group, g.algo, len(g.recs),
			g.recs[0].Epochs[last(g.recs[0])].Epoch, pm(te, tes), pm(tb, tbs), pm(tr, trs), pm(trb, trbs), pm(sec, secs), paper)
	}
	b.WriteString("\nErrors after the last epoch, mean ± sample standard deviation over the seeds; s / epoch is training time only (evaluation excluded). ")
	b.WriteString("\"BP\" in the paper is the `bpi` layer (EXPERIMENTS §I, names).\n")
}
