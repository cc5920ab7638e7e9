package compare

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pkg/errors"
	"gonum.org/v1/plot/plotter"

	"github.com/fbpgo/fbp/internal/plots"
	"github.com/fbpgo/fbp/pasp"
)

// Summary is the mean and standard deviation over seeds of an algorithm's
// final numbers.
type Summary struct {
	Algo                     string
	Seeds                    int
	Epochs                   int
	TestError, TestErrorStd  float64 // point-wise, %
	TestBayes, TestBayesStd  float64 // Bayesian, %; NaN when the algorithm has none
	TrainError, TrainErrStd  float64
	EpochSeconds, EpochSecSD float64 // mean over the epochs of every run
}

// Summaries returns one Summary per algorithm, in order of first appearance.
func (r *Results) Summaries(hasBayes func(algo string) bool) []Summary {
	byAlgo := map[string][]*Run{}
	for _, run := range r.runs() {
		byAlgo[run.Algo] = append(byAlgo[run.Algo], run)
	}
	var out []Summary
	for _, a := range r.algos() {
		var te, tb, tr, es []float64
		epochs := 0
		for _, run := range byAlgo[a] {
			if len(run.Epochs) == 0 {
				continue
			}
			last := run.Epochs[len(run.Epochs)-1]
			epochs = last.Epoch
			te = append(te, last.TestError)
			tb = append(tb, last.TestErrorBayes)
			tr = append(tr, last.TrainError)
			es = append(es, MeanEpochSeconds(run.Epochs))
		}
		s := Summary{Algo: a, Seeds: len(te), Epochs: epochs}
		s.TestError, s.TestErrorStd = MeanStd(te)
		s.TrainError, s.TrainErrStd = MeanStd(tr)
		s.EpochSeconds, s.EpochSecSD = MeanStd(es)
		if hasBayes == nil || hasBayes(a) {
			s.TestBayes, s.TestBayesStd = MeanStd(tb)
		} else {
			s.TestBayes, s.TestBayesStd = math.NaN(), math.NaN()
		}
		out = append(out, s)
	}
	return out
}

// MeanEpochSeconds returns the mean training time of the epochs after
// epoch 0 (the untrained network's evaluation); NaN when there are none.
func MeanEpochSeconds(epochs []pasp.Eval) float64 {
	var sec []float64
	for _, e := range epochs[min(1, len(epochs)):] {
		sec = append(sec, e.EpochSeconds)
	}
	m, _ := MeanStd(sec)
	return m
}

// CheckDir makes sure, before any work starts, that dir can take results:
// it creates dir if needed and writes and removes a file there. Its error
// names flag and dir and says what is wrong.
func CheckDir(flag, dir string) error {
	if dir == "" {
		return errors.Errorf("%s: no directory given", flag)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Errorf("%s %s: cannot create the results directory: %v", flag, dir, pathCause(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return errors.Errorf("%s %s: cannot write in the results directory: %v", flag, dir, pathCause(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// pathCause returns the reason of a file-system error without the path
// it names ("not a directory", "permission denied").
func pathCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// WriteDir writes the comparison into dir (created if needed):
//
//	runs.csv     one row per algorithm, seed and epoch
//	runs.json    the same, as JSON
//	summary.md   mean ± std over seeds of the final errors and the epoch time
//	curves.png   test error per epoch (mean over seeds), point-wise and Bayesian
//	README.md    the summary table with header, the command and the revision
//
// header describes the run (data, task, sizes); command is the command line.
// hasBayes tells which algorithms have a Bayesian prediction.
func (r *Results) WriteDir(dir, header, command string, hasBayes func(string) bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "compare: results")
	}
	if err := r.writeCSV(filepath.Join(dir, "runs.csv")); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r.Runs, "", " ")
	if err != nil {
		return errors.Wrap(err, "compare: runs.json")
	}
	if err := os.WriteFile(filepath.Join(dir, "runs.json"), js, 0o644); err != nil {
		return errors.Wrap(err, "compare: runs.json")
	}
	table := r.Table(hasBayes)
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(table), 0o644); err != nil {
		return errors.Wrap(err, "compare: summary.md")
	}
	readme := fmt.Sprintf("# %s\n\n%s\n![test error per epoch](curves.png)\n\nCommand:\n\n    %s\n", header, table, command)
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme), 0o644); err != nil {
		return errors.Wrap(err, "compare: README.md")
	}
	return r.plot(filepath.Join(dir, "curves.png"), header, hasBayes)
}

func (r *Results) writeCSV(path string) error {
	rows := [][]string{{"algo", "seed", "epoch", "train_error", "test_error", "train_error_bayes", "test_error_bayes", "epoch_seconds"}}
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, run := range r.runs() {
		for _, e := range run.Epochs {
			rows = append(rows, []string{run.Algo, strconv.FormatUint(run.Seed, 10), strconv.Itoa(e.Epoch), ff(e.TrainError),
				ff(e.TestError), ff(e.TrainErrorBayes), ff(e.TestErrorBayes), ff(e.EpochSeconds)})
		}
	}
	return errors.Wrap(WriteCSV(path, rows), "compare")
}

// WriteCSV writes rows to the file path as CSV; errors name the file.
func WriteCSV(path string, rows [][]string) error {
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

// FormatMeanStd writes a mean and a standard deviation as "m ± s" with
// two decimals, and a NaN mean (no values) as "—".
func FormatMeanStd(mean, std float64) string {
	if math.IsNaN(mean) {
		return "—"
	}
	return fmt.Sprintf("%.2f ± %.2f", mean, std)
}

// Table returns the Markdown summary table.
func (r *Results) Table(hasBayes func(string) bool) string {
	var b strings.Builder
	b.WriteString("| algorithm | seeds | epochs | test error % | Bayesian test error % | train error % | s / epoch |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	pm := FormatMeanStd
	for _, s := range r.Summaries(hasBayes) {
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s |\n", s.Algo, s.Seeds, s.Epochs,
			pm(s.TestError, s.TestErrorStd), pm(s.TestBayes, s.TestBayesStd), pm(s.TrainError, s.TrainErrStd),
			pm(s.EpochSeconds, s.EpochSecSD))
	}
	return b.String()
}

// plot draws the mean test error per epoch of every algorithm.
func (r *Results) plot(path, title string, hasBayes func(string) bool) error {
	p := plots.New(title, "epoch", "test error (%)")
	for i, a := range r.algos() {
		pw, pb := r.meanCurve(a)
		if err := plots.Line(p, a, pw, i, nil); err != nil {
			return err
		}
		if hasBayes == nil || hasBayes(a) {
			if err := plots.Line(p, a+" (Bayes)", pb, i, plots.Dashed); err != nil {
				return err
			}
		}
	}
	return errors.Wrap(plots.Save(p, path), "compare")
}

// meanCurve returns the point-wise and Bayesian test errors of algo per
// epoch, averaged over its seeds (epochs every seed reached). The epoch-0
// evaluation of the untrained network (near chance) is left out of the
// curve, so that the scale shows the training; runs.csv has it.
func (r *Results) meanCurve(algo string) (pw, pb plotter.XYs) {
	var runs []*Run
	n := math.MaxInt
	for _, run := range r.runs() {
		if run.Algo == algo {
			runs = append(runs, run)
			n = min(n, len(run.Epochs))
		}
	}
	if len(runs) == 0 {
		return nil, nil
	}
	for e := min(1, n-1); e < n; e++ {
		var sw, sb float64
		for _, run := range runs {
			sw += run.Epochs[e].TestError
			sb += run.Epochs[e].TestErrorBayes
		}
		x := float64(runs[0].Epochs[e].Epoch)
		pw = append(pw, plotter.XY{X: x, Y: sw / float64(len(runs))})
		pb = append(pb, plotter.XY{X: x, Y: sb / float64(len(runs))})
	}
	return pw, pb
}
