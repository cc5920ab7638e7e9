package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/mpnet"
)

// expSpec holds the paper's full-size protocol of one experiment
// (EXPERIMENTS Part I): the defaults of its flags.
type expSpec struct {
	name    string
	title   string
	section string   // EXPERIMENTS section
	data    []string // data sets
	tasks   []string // 2class, 10class
	algos   []string
	hidden  []int
	seeds   []uint64
	epochs  int // per run; per task for fig3-continual
	batch   int
	lr      float64 // BinaryNet learning rate
	opt     string  // BinaryNet optimizer
	extra   string  // the experiment-specific list flag's default (sparsity, lrs, batches, flips)
}

var paperSeeds = []uint64{2, 7, 11, 15, 19}

// experiments lists the runnable experiments by name.
var experiments = map[string]expSpec{
	"table1": {title: "Table 1: test error across data sets", section: "EXPERIMENTS §I.3",
		data: []string{"mnist", "fashion"}, tasks: []string{"2class", "10class"},
		algos: []string{"binarynet", "bpi", "amp", "mf"}, hidden: []int{501, 501}, seeds: paperSeeds,
		epochs: 100, batch: 128, lr: 1e-3, opt: "adam"},
	"fig1-arch": {title: "Figure 1 (left): learning curves, Fashion-MNIST 10 classes, 3 hidden layers", section: "EXPERIMENTS §I.4",
		data: []string{"fashion"}, tasks: []string{"10class"},
		algos: []string{"bpi", "amp", "mf", "binarynet"}, hidden: []int{501, 501, 501}, seeds: paperSeeds,
		epochs: 100, batch: 128, lr: 1e-3, opt: "adam"},
	"fig1-sparse": {title: "Figure 1 (right): test accuracy vs sparsity, MNIST 10 classes", section: "EXPERIMENTS §I.5",
		data: []string{"mnist"}, tasks: []string{"10class"},
		algos: []string{"bpi", "amp", "amp-unmasked", "mf", "binarynet"}, hidden: []int{101, 101}, seeds: paperSeeds,
		epochs: 100, batch: 128, lr: 1e-3, opt: "adam", extra: "0,10,20,30,40,50,60,70,80,90"},
	"fig2-bayes": {title: "Figure 2: point-wise vs Bayesian predictions, MNIST 2 classes", section: "EXPERIMENTS §I.6",
		data: []string{"mnist"}, tasks: []string{"2class"},
		algos: []string{"binarynet", "bpi", "ebp", "sgd", "ebp-gauss", "cbpi"}, hidden: []int{101, 101}, seeds: paperSeeds,
		epochs: 100, batch: 128, lr: 1e-3, opt: "adam"},
	"fig3-continual": {title: "Figure 3: continual learning on permuted MNIST", section: "EXPERIMENTS §I.7",
		data: []string{"mnist"}, tasks: []string{"10class"},
		algos: []string{"bpi", "binarynet"}, hidden: []int{2001, 2001}, seeds: paperSeeds,
		epochs: 40, batch: 128, lr: 0, opt: "sgd", extra: "0.1,1,10"},
	"local-energy": {title: "Local energy: training error of randomly flipped solutions, Fashion-MNIST 2 classes", section: "EXPERIMENTS §I.8",
		data: []string{"fashion"}, tasks: []string{"2class"},
		algos: []string{"bpi", "amp", "mf", "binarynet"}, hidden: []int{501, 501}, seeds: []uint64{2},
		epochs: 100, batch: 128, lr: 10, opt: "sgd", extra: "0.05,0.1,0.15,0.2,0.25,0.3,0.35"},
	"overlaps": {title: "Unit polarization and overlaps, MNIST 10 classes", section: "EXPERIMENTS §I.9",
		data: []string{"mnist"}, tasks: []string{"10class"},
		algos: []string{"bpi", "binarynet"}, hidden: []int{501, 501}, seeds: paperSeeds,
		epochs: 100, batch: 128, lr: 1e-3, opt: "adam"},
	"timing": {title: "Time per epoch vs batch size, Fashion-MNIST 2 classes", section: "EXPERIMENTS §I.10",
		data: []string{"fashion"}, tasks: []string{"2class"},
		algos: []string{"binarynet", "bp", "bpi", "amp", "mf"}, hidden: []int{101, 101}, seeds: []uint64{2},
		epochs: 1, batch: 0, lr: 1e-3, opt: "adam", extra: "1,16,128,1024"},
}

// expOptions are the parsed flags of "fbp experiment NAME".
type expOptions struct {
	spec        expSpec
	sources     []string
	dir         string
	tasks       []string
	algos       []string
	hidden      []int
	seeds       []uint64
	epochs      int
	batch       int
	trainSubset int
	trainEval   int
	lr          float64
	opt         string
	sparsity    []float64 // fig1-sparse, percent
	lrs         []float64 // fig3-continual
	ntasks      int       // fig3-continual
	batches     []int     // timing
	flips       []float64 // local-energy
	repeats     int       // local-energy
	out         string
	device      string
	progress    bool
	args        []string // the command line, for the record
	reduced     []string // the flags that differ from the paper's protocol
	notes       []string // what was left out and why
}

// experimentNames returns the experiment names, sorted.
func experimentNames() []string {
	var out []string
	for n := range experiments {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// expAlgos are the algorithm names an experiment accepts.
var expAlgos = []string{"bp", "bpi", "mf", "amp", "amp-unmasked", "cbpi", "binarynet", "sgd", "ebp", "ebp-gauss"}

func parseExperiment(args []string, stderr io.Writer) (*expOptions, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "usage: fbp experiment NAME [flags]   (fbp experiment NAME -h lists the flags)\n\n")
			for _, n := range experimentNames() {
				fmt.Fprintf(stderr, "  %-15s %s (%s)\n", n, experiments[n].title, experiments[n].section)
			}
			return nil, errHelp
		}
		return nil, errors.Errorf("experiment: want a name first (%s)", strings.Join(experimentNames(), ", "))
	}
	spec, ok := experiments[args[0]]
	if !ok {
		return nil, errors.Errorf("experiment: unknown experiment %q (want %s)", args[0], strings.Join(experimentNames(), ", "))
	}
	spec.name = args[0]
	fs := flag.NewFlagSet("fbp experiment "+spec.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &expOptions{spec: spec, args: args}
	join := func(v any) string { return strings.Trim(strings.ReplaceAll(fmt.Sprint(v), " ", ","), "[]") }
	sources := fs.String("data", strings.Join(spec.data, ","), "data sets, comma-separated: embedded, mnist, fashion (or a directory of IDX files)")
	fs.StringVar(&o.dir, "datadir", "", "directory of fetched data (default $FBP_DATA or ~/.cache/fbp)")
	tasks := fs.String("tasks", strings.Join(spec.tasks, ","), "tasks, comma-separated: 2class, 10class")
	algos := fs.String("algos", strings.Join(spec.algos, ","), "algorithms, comma-separated: "+strings.Join(expAlgos, ", "))
	hidden := fs.String("hidden", join(spec.hidden), "hidden layer widths")
	seeds := fs.String("seeds", join(spec.seeds), "seeds, comma-separated")
	fs.IntVar(&o.epochs, "epochs", spec.epochs, "epochs per run (fig3-continual: per task)")
	if spec.name != "timing" {
		fs.IntVar(&o.batch, "batch", spec.batch, "mini-batch size (EBP accumulates 10)")
	}
	fs.IntVar(&o.trainSubset, "train-subset", 0, "train on the first N training samples only (0: all)")
	fs.IntVar(&o.trainEval, "train-eval", 0, "training error on the first N training samples (0: all)")
	o.opt = spec.opt
	if spec.name != "fig3-continual" { // fig3-continual: plain SGD at the rates of -lrs
		fs.Float64Var(&o.lr, "lr", spec.lr, "BinaryNet / SGD learning rate")
		fs.StringVar(&o.opt, "optimizer", spec.opt, "BinaryNet / SGD optimizer: adam or sgd")
	}
	extra := new(string)
	switch spec.name {
	case "fig1-sparse":
		extra = fs.String("sparsity", spec.extra, "sparsities in percent (fraction of zeroed weights), comma-separated")
	case "fig3-continual":
		extra = fs.String("lrs", spec.extra, "BinaryNet learning rates (plain SGD), comma-separated")
		fs.IntVar(&o.ntasks, "ntasks", 6, "number of permuted tasks")
	case "timing":
		extra = fs.String("batches", spec.extra, "batch sizes, comma-separated")
	case "local-energy":
		extra = fs.String("flips", spec.extra, "flip probabilities p, comma-separated (p = 0 is always added)")
		fs.IntVar(&o.repeats, "repeats", 10, "perturbations per p")
	}
	fs.StringVar(&o.out, "out", "results/"+spec.name, "results directory (re-running with the same flags resumes)")
	fs.StringVar(&o.device, "device", "cpu", "cpu, or cuda (a binary built with -tags fbpcuda) for the message-passing runs (not fig3-continual); BinaryNet, SGD and EBP run on the CPU")
	fs.BoolVar(&o.progress, "progress", true, "draw a progress bar on stderr")
	if err := parseFlags(fs, args[1:]); err != nil {
		return nil, err
	}
	if err := o.resolve(*sources, *tasks, *algos, *hidden, *seeds, *extra); err != nil {
		return nil, err
	}
	if spec.name == "timing" && o.trainEval == 0 {
		o.notes = append(o.notes, fmt.Sprintf("the training error after each epoch is taken on the first %d training samples only (-train-eval): the timing excludes evaluation, so this only saves time.", timingTrainEval))
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "out", "progress", "datadir", "device":
		default:
			o.reduced = append(o.reduced, "-"+f.Name+" "+f.Value.String())
		}
	})
	return o, nil
}

// resolve checks and converts the list flags.
func (o *expOptions) resolve(sources, tasks, algos, hidden, seeds, extra string) error {
	o.sources = splitList(sources)
	if len(o.sources) == 0 {
		return errors.Errorf("-data %q: no data set", sources)
	}
	for _, t := range splitList(strings.ToLower(tasks)) {
		if t != "2class" && t != "10class" {
			return errors.Errorf("-tasks: %q: want 2class or 10class", t)
		}
		o.tasks = append(o.tasks, t)
	}
	if len(o.tasks) == 0 {
		return errors.Errorf("-tasks %q: no task", tasks)
	}
	for _, a := range splitList(strings.ToLower(algos)) {
		ok := false
		for _, k := range expAlgos {
			ok = ok || a == k
		}
		if !ok {
			return errors.Errorf("-algos: unknown algorithm %q (want %s)", a, strings.Join(expAlgos, ", "))
		}
		if a == "cbpi" {
			if _, err := mpnet.ParseKind("cbpi"); err != nil {
				o.notes = append(o.notes, "cbpi (BP with continuous weights, Fig. 2 right) is left out: this build has no such layer kind (mpnet.ParseKind(\"cbpi\") fails).")
				continue
			}
		}
		o.algos = append(o.algos, a)
	}
	if len(o.algos) == 0 {
		return errors.Errorf("-algos %q: no algorithm", algos)
	}
	var err error
	if o.hidden, err = parseInts("-hidden", hidden); err != nil {
		return err
	}
	for _, w := range o.hidden {
		if w < 1 {
			return errors.Errorf("-hidden %q: widths must be ≥ 1", hidden)
		}
	}
	ss, err := parseInts("-seeds", seeds)
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s < 0 {
			return errors.Errorf("-seeds %q: seeds must be ≥ 0", seeds)
		}
		o.seeds = append(o.seeds, uint64(s))
	}
	switch {
	case o.epochs < 1:
		return errors.Errorf("-epochs %d: want at least 1", o.epochs)
	case o.spec.name != "timing" && o.batch < 1:
		return errors.Errorf("-batch %d: want a size ≥ 1", o.batch)
	case o.trainSubset < 0:
		return errors.Errorf("-train-subset %d: want a count ≥ 0", o.trainSubset)
	case o.trainEval < 0:
		return errors.Errorf("-train-eval %d: want a count ≥ 0", o.trainEval)
	case o.spec.name != "fig3-continual" && !(o.lr > 0):
		return errors.Errorf("-lr %v: want a rate > 0", o.lr)
	case o.opt != "adam" && o.opt != "sgd":
		return errors.Errorf("-optimizer %q: want adam or sgd", o.opt)
	case o.device != "cpu" && o.device != "cuda":
		return errors.Errorf("-device %q: want cpu or cuda", o.device)
	case o.device == "cuda" && o.spec.name == "fig3-continual":
		return errors.Errorf("-device cuda: fig3-continual runs on the CPU only")
	}
	return o.resolveExtra(extra)
}

// resolveExtra parses the experiment-specific list flag.
func (o *expOptions) resolveExtra(extra string) error {
	var err error
	switch o.spec.name {
	case "fig1-sparse":
		if o.sparsity, err = parseFloats("-sparsity", extra); err != nil {
			return err
		}
		for _, s := range o.sparsity {
			if s < 0 || s >= 100 {
				return errors.Errorf("-sparsity %q: %v: want a percentage in [0, 100)", extra, s)
			}
		}
		if len(o.sparsity) == 0 {
			return errors.New("-sparsity: no values")
		}
	case "fig3-continual":
		if o.lrs, err = parseFloats("-lrs", extra); err != nil {
			return err
		}
		for _, lr := range o.lrs {
			if !(lr > 0) {
				return errors.Errorf("-lrs %q: %v: want rates > 0", extra, lr)
			}
		}
		if len(o.lrs) == 0 {
			return errors.New("-lrs: no values")
		}
		if o.ntasks < 1 || o.ntasks > 100 {
			return errors.Errorf("-ntasks %d: want a count in [1, 100]", o.ntasks)
		}
	case "timing":
		if o.batches, err = parseInts("-batches", extra); err != nil {
			return err
		}
		for _, b := range o.batches {
			if b < 1 {
				return errors.Errorf("-batches %q: sizes must be ≥ 1", extra)
			}
		}
	case "local-energy":
		if o.flips, err = parseFloats("-flips", extra); err != nil {
			return err
		}
		for _, p := range o.flips {
			if p < 0 || p > 1 {
				return errors.Errorf("-flips %q: %v: want probabilities in [0, 1]", extra, p)
			}
		}
		if o.repeats < 1 {
			return errors.Errorf("-repeats %d: want at least 1", o.repeats)
		}
	}
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// gitRevision returns `git rev-parse --short HEAD`, or a note why not.
func gitRevision() string {
	rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (git rev-parse failed: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(rev))
}

// experimentCmd runs "fbp experiment NAME [flags]".
func experimentCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseExperiment(args, stderr)
	if err != nil {
		return err
	}
	sum, err := runExperiment(ctx, o, stdout, stderr)
	if err == errInterrupted {
		fmt.Fprintf(stderr, "fbp experiment %s: interrupted; the same command continues from the last finished epoch\n", o.spec.name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fbp experiment %s: %d runs trained, %d finished runs reused; results in %s\n",
		o.spec.name, sum.trained, sum.reused, o.out)
	return nil
}
