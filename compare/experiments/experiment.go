package experiments

import (
	"flag"
	"sort"
)

// Experiment is one of the paper's experiments: its parameters with the
// paper's defaults, its grid of runs, and its tables and figures.
//
// Run and CheckParams call its methods with the flag set, the Params and
// the Report they made; each method may panic on a nil one, or on a Report
// that Run did not make, as on any missing required argument (a
// programmer error). Invalid values inside the Params are Check's to
// report.
type Experiment interface {
	// Info names and describes the experiment.
	Info() Info
	// Defaults returns the paper's full-size protocol. A zero Batch means
	// the experiment sets the batch size per run (Batches), a zero LR that
	// it sets the BinaryNet learning rates per run (LRs); neither is then a
	// parameter of its own.
	Defaults() Params
	// Flags adds the experiment's own parameters to fs, with the values in
	// p as defaults, and returns the function that converts them into p
	// once fs is parsed (its error names the flag). Experiments without
	// parameters of their own return a function that does nothing.
	Flags(fs *flag.FlagSet, p *Params) (parse func() error)
	// Check returns an error naming the first invalid parameter of its
	// own; the common ones are checked by CheckParams. It may add notes.
	Check(p *Params) error
	// Jobs returns the grid of runs for p, in a fixed order; Run completes
	// them (ID, input width, hyper-parameter defaults, device).
	Jobs(p *Params) []Job
	// Report writes the experiment's tables into r and its figures and
	// CSV files into r.Dir; it returns the figure files, to be shown in
	// the README in that order.
	Report(r *Report) (figures []string, err error)
}

// Info describes an experiment.
type Info struct {
	Name    string // as on the command line: fbp experiment NAME
	Title   string
	Section string // of EXPERIMENTS.md
	// Claim states what the paper shows where it gives no numbers; it ends
	// the tables of the README. Empty: nothing to add.
	Claim string
}

// Params are the parameters of an experiment run. Each field is also the
// command-line flag of the same name (fbp experiment NAME -h).
type Params struct {
	Data        []string // data sets: embedded, mnist, fashion or directories of IDX files
	Tasks       []string // 2class, 10class
	Algos       []string // names of compare.Algorithms
	Hidden      []int    // hidden layer widths
	Seeds       []uint64
	Epochs      int     // per run; per task for continual learning
	Batch       int     // mini-batch size (EBP accumulates compare.EBPBatch)
	TrainSubset int     // train on the first TrainSubset samples only; 0: all
	TrainEval   int     // training error on the first TrainEval samples; 0: all
	LR          float64 // BinaryNet / SGD learning rate
	Optimizer   string  // BinaryNet / SGD optimizer: adam or sgd
	Device      string  // cpu, or cuda for the message-passing runs

	Sparsity []float64 // fig1-sparse: fractions of zeroed weights, percent
	LRs      []float64 // fig3-continual: BinaryNet learning rates (plain SGD)
	NTasks   int       // fig3-continual: permuted tasks
	Batches  []int     // timing: batch sizes
	Flips    []float64 // local-energy: flip probabilities p (p = 0 is always added)
	Repeats  int       // local-energy: perturbations per p

	// Notes say what was left out or changed and why; the README lists them.
	Notes []string
}

// registry holds the experiments by name.
var registry = map[string]Experiment{}

// Register adds e under its name; it panics on a name registered twice
// (a programming error in this package's init functions).
func Register(e Experiment) {
	n := e.Info().Name
	if _, ok := registry[n]; ok {
		panic("experiments: " + n + " registered twice")
	}
	registry[n] = e
}

// Lookup returns the experiment of that name.
func Lookup(name string) (Experiment, bool) {
	e, ok := registry[name]
	return e, ok
}

// Names returns the names of the registered experiments, sorted.
func Names() []string {
	var out []string
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// paperSeeds are the five seeds of the paper's runs.
var paperSeeds = []uint64{2, 7, 11, 15, 19}

// noFlags is Flags for an experiment without parameters of its own.
func noFlags() error { return nil }
