package experiments

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
)

// Report is the results directory of an experiment being written: an
// Experiment's Report method adds its tables with Printf and its files
// under Dir.
type Report struct {
	Exp     Experiment
	Params  *Params
	Records []*Record // one per run, in job order
	Dir     string
	b       *strings.Builder
}

// Printf appends to the README; on a Report that Run did not make it does
// nothing.
func (r *Report) Printf(format string, args ...any) {
	if r.ready() == nil {
		fmt.Fprintf(r.b, format, args...)
	}
}

// write writes runs.json, runs.csv, command.txt and README.md with the
// experiment's tables and figures.
func (r *Report) write(o *Options) error {
	dir, info := r.Dir, r.Exp.Info()
	js, err := json.MarshalIndent(r.Records, "", " ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "runs.json"), append(js, '\n'), 0o644)
	}
	if err != nil {
		return errors.Wrap(err, "runs.json")
	}
	if err := r.writeEpochCSV(); err != nil {
		return err
	}
	rev := GitRevision()
	if err := os.WriteFile(filepath.Join(dir, "command.txt"),
		[]byte(o.Command+"\ngit rev-parse --short HEAD: "+rev+"\n"), 0o644); err != nil {
		return errors.Wrap(err, "command.txt")
	}
	r.Printf("# %s\n\n%s. Command (report written at git %s):\n\n    %s\n\n", info.Title, info.Section, rev, o.Command)
	r.revisions(rev)
	r.params(o.Changed)
	r.load()
	figs, err := r.Exp.Report(r)
	if err != nil {
		return err
	}
	if info.Claim != "" {
		r.Printf("\n%s\n", info.Claim)
	}
	for _, f := range figs {
		r.Printf("\n![%s](%s)\n", f, f)
	}
	r.Printf("\nFiles: `runs.csv` (one row per run and epoch; epoch 0 is the untrained network), `runs.json` (every run: settings and all records), `runs/` (one file per finished run: the done-markers a re-run skips), `command.txt`; `checkpoints/` (not in git) holds the last epoch of unfinished message-passing runs, from which the same command continues.\n")
	return errors.Wrap(os.WriteFile(filepath.Join(dir, "README.md"), []byte(r.b.String()), 0o644), "README.md")
}

// revisions names the git revisions the runs were trained at, when they
// are not all the report's.
func (r *Report) revisions(rev string) {
	revs := map[string]int{}
	for _, rec := range r.Records {
		revs[rec.Revision]++
	}
	if len(revs) == 1 && revs[rev] > 0 {
		return
	}
	r.Printf("Runs trained at git revision:")
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
		r.Printf(" %s (%d runs);", v, n)
	}
	r.Printf("\n\n")
}

// load states the machine load during the runs.
func (r *Report) load() {
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, rec := range r.Records {
		for _, v := range rec.Load {
			lo, hi = min(lo, v), max(hi, v)
		}
		if len(rec.Load) > 0 {
			n++
		}
	}
	if n > 0 {
		r.Printf("Machine load (1-minute load average at the start and end of a run, recorded for %d of the %d runs; %d cores): %.1f to %.1f. Epoch times on a loaded machine overstate the cost.\n\n", n, len(r.Records), runtime.NumCPU(), lo, hi)
	}
}

// params writes the parameters actually used next to the paper's; changed
// lists the flags given.
func (r *Report) params(changed []string) {
	p, d, j := r.Params, r.Exp.Defaults(), r.Records[0].Job
	r.Printf("| parameter | used | paper |\n|---|---|---|\n")
	row := func(name, used, paper string) {
		mark := ""
		if used != paper {
			mark = " **(reduced/changed)**"
		}
		r.Printf("| %s | %s%s | %s |\n", name, used, mark, paper)
	}
	row("data", strings.Join(p.Data, ", "), strings.Join(d.Data, ", "))
	row("tasks", strings.Join(p.Tasks, ", "), strings.Join(d.Tasks, ", "))
	row("algorithms", strings.Join(p.Algos, ", "), strings.Join(d.Algos, ", "))
	row("widths", fmt.Sprint(j.Widths), fmt.Sprint(append(append([]int{784}, d.Hidden...), j.Widths[len(j.Widths)-1])))
	row("seeds", fmt.Sprint(p.Seeds), fmt.Sprint(d.Seeds))
	ep := "epochs"
	if d.NTasks > 0 {
		ep = "epochs per task"
		row("tasks (permutations)", strconv.Itoa(p.NTasks), strconv.Itoa(d.NTasks))
		row("BinaryNet learning rates (SGD)", fmt.Sprint(p.LRs), fmt.Sprint(d.LRs))
	}
	row(ep, strconv.Itoa(p.Epochs), strconv.Itoa(d.Epochs))
	if d.Batch == 0 {
		row("batch sizes", fmt.Sprint(p.Batches), fmt.Sprint(d.Batches))
	} else {
		row("batch", strconv.Itoa(p.Batch), strconv.Itoa(d.Batch))
	}
	r.samples(row, j)
	if d.LR > 0 {
		row("BinaryNet optimizer, learning rate", fmt.Sprintf("%s, %g", p.Optimizer, p.LR), fmt.Sprintf("%s, %g", d.Optimizer, d.LR))
	}
	if d.Sparsity != nil {
		row("sparsity %", fmt.Sprint(p.Sparsity), fmt.Sprint(d.Sparsity))
	}
	if d.Flips != nil {
		row("flip probabilities p", fmt.Sprint(p.Flips), fmt.Sprint(d.Flips))
		row("repeats per p", strconv.Itoa(p.Repeats), strconv.Itoa(d.Repeats))
	}
	r.hyper()
	if len(changed) > 0 {
		r.Printf("\n\nFlags given (everything else is the paper's protocol): `%s`.\n", strings.Join(changed, " "))
	} else {
		r.Printf("\n\nNo flag changed the paper's protocol.\n")
	}
	notes := p.Notes
	if n, ok := r.Exp.(interface{ notes(*Params) []string }); ok {
		notes = append(append([]string(nil), notes...), n.notes(p)...)
	}
	for _, n := range notes {
		r.Printf("\nNote: %s\n", n)
	}
	r.Printf("\n")
}

// samples writes the rows of the training samples used and evaluated.
func (r *Report) samples(row func(name, used, paper string), j Job) {
	sub := "all"
	if r.Params.TrainSubset > 0 {
		sub = "first " + strconv.Itoa(r.Params.TrainSubset)
	}
	row("training samples", sub, "all")
	ev := "all training samples"
	if j.TrainEval > 0 {
		ev = "first " + strconv.Itoa(j.TrainEval)
	}
	row("training error on", ev, "all training samples")
}

// hyper writes ρ and ψ of every message-passing kind.
func (r *Report) hyper() {
	seen := map[string]bool{}
	for _, rec := range r.Records {
		if !rec.Job.MessagePassing() || seen[rec.Job.Kind] {
			continue
		}
		if len(seen) == 0 {
			r.Printf("\nHyper-parameters of the message-passing runs (EXPERIMENTS §I.2; τmax = 1, ϵinit = 1, r = 0):")
		}
		seen[rec.Job.Kind] = true
		r.Printf(" %s ρ = %v, ψ = %v;", rec.Job.Kind, rec.Job.Rho, rec.Job.Psi)
	}
}

// writeEpochCSV writes runs.csv: one row per run and epoch.
func (r *Report) writeEpochCSV() error {
	rows := [][]string{{"group", "algo", "seed", "epoch", "train_error", "test_error", "train_error_bayes", "test_error_bayes", "epoch_seconds", "q0", "qab"}}
	for _, rec := range r.Records {
		for _, e := range rec.Epochs {
			rows = append(rows, []string{rec.Job.Group, rec.Job.Algo, strconv.FormatUint(rec.Job.Seed, 10), strconv.Itoa(e.Epoch),
				ff(e.TrainError), ff(e.TestError), ff(e.TrainErrorBayes), ff(e.TestErrorBayes), ff(e.EpochSeconds),
				joinFloats(e.Q0), joinFloats(e.Qab)})
		}
	}
	return r.CSV("runs.csv", rows)
}

// CSV writes rows to the file name in the results directory; name must be
// a plain file name.
func (r *Report) CSV(name string, rows [][]string) error {
	if err := r.ready(); err != nil {
		return err
	}
	if err := checkFileName(name); err != nil {
		return err
	}
	return compare.WriteCSV(filepath.Join(r.Dir, name), rows)
}

// ff formats a number for the CSV files: 6 significant digits.
func ff(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = ff(x)
	}
	return strings.Join(s, ";")
}

// pm formats mean ± std, "—" for NaN.
var pm = compare.FormatMeanStd
