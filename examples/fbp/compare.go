package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/pasp"
)

// compareOptions are the parsed flags of "fbp compare".
type compareOptions struct {
	data      trainOptions // source, dir, task
	algos     []string
	hidden    []int
	seeds     []uint64
	epochs    int
	batch     int
	trainEval int
	lr        float64
	optimizer string
	out       string
	maxMem    int64
	progress  bool
	dtype     tensor.Dtype
}

// algorithms names what "fbp compare -algos" accepts.
var algorithms = []string{"bp", "bpi", "mf", "amp", "binarynet", "sgd", "ebp"}

func parseCompare(args []string, stderr io.Writer) (*compareOptions, error) {
	fs := flag.NewFlagSet("fbp compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &compareOptions{}
	fs.StringVar(&o.data.source, "data", "embedded", "data: embedded, mnist, fashion, cifar10 or a directory of IDX files")
	fs.StringVar(&o.data.dir, "datadir", "", "directory of fetched data (default $FBP_DATA or ~/.cache/fbp)")
	fs.StringVar(&o.data.task, "task", "10class", "2class or 10class")
	algos := fs.String("algos", "bpi,mf,binarynet", "algorithms, comma-separated, each once: "+strings.Join(algorithms, ", "))
	hidden := fs.String("hidden", "101,101", "hidden layer widths")
	seeds := fs.String("seeds", "2", "seeds, comma-separated, each once")
	fs.IntVar(&o.epochs, "epochs", 2, "epochs per run")
	fs.IntVar(&o.batch, "batch", 128, "mini-batch size (EBP: see -ebp-batch)")
	fs.IntVar(&o.trainEval, "train-eval", 0, "training error on the first N training samples (0: all)")
	fs.Float64Var(&o.lr, "lr", 1e-3, fmt.Sprintf("BinaryNet / SGD learning rate, in (0, %v]", experiments.MaxLR))
	fs.StringVar(&o.optimizer, "optimizer", "adam", "BinaryNet / SGD optimizer: adam or sgd")
	fs.StringVar(&o.out, "out", defaultOut+"/compare", "results directory; the default, under the current directory, keeps clear of the committed results/, which is written only when named here")
	fs.BoolVar(&o.progress, "progress", true, "draw a progress bar on stderr")
	float := fs.Int("float", 64, "float type of fBP and BinaryNet/SGD: 32 or 64 (EBP is float64)")
	maxMem := memlimit.Flag(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	o.maxMem = int64(*maxMem)
	switch *float {
	case 64:
		o.dtype = tensor.Float64
	case 32:
		o.dtype = tensor.Float32
	default:
		return nil, errors.Errorf("-float %d: want 32 or 64", *float)
	}
	if err := o.parseLists(*algos, *hidden, *seeds); err != nil {
		return nil, err
	}
	return o, o.check()
}

// parseLists converts the list flags -algos, -hidden and -seeds.
func (o *compareOptions) parseLists(algos, hidden, seeds string) error {
	for _, a := range strings.Split(algos, ",") {
		a = strings.ToLower(strings.TrimSpace(a))
		if !slices.Contains(algorithms, a) {
			return errors.Errorf("-algos: unknown algorithm %q (want %s)", a, strings.Join(algorithms, ", "))
		}
		o.algos = append(o.algos, a)
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
	if err := experiments.Distinct("-algos", o.algos); err != nil {
		return err
	}
	return experiments.Distinct("-seeds", o.seeds)
}

// check checks the scalar flags and the memory the comparison needs
// (the data sets aside: they are bounded when they are read).
func (o *compareOptions) check() error {
	switch {
	case o.data.task != "2class" && o.data.task != "10class":
		return errors.Errorf("-task %q: want 2class or 10class", o.data.task)
	case o.epochs < 1:
		return errors.Errorf("-epochs %d: want at least 1", o.epochs)
	case o.batch < 1:
		return errors.Errorf("-batch %d: want a size ≥ 1", o.batch)
	case o.trainEval < 0:
		return errors.Errorf("-train-eval %d: want a count ≥ 0", o.trainEval)
	case !experiments.ValidLR(o.lr):
		return errors.Errorf("-lr %v: want a rate in (0, %v]", o.lr, experiments.MaxLR)
	case o.optimizer != "adam" && o.optimizer != "sgd":
		return errors.Errorf("-optimizer %q: want adam or sgd", o.optimizer)
	}
	widths := append(append([]int{experiments.InputWidth(o.data.source)}, o.hidden...), 10)
	var net int64
	for _, a := range o.algos {
		net = max(net, experiments.NetworkBytes(a, widths, o.batch))
	}
	runs := len(o.algos) * len(o.seeds)
	return experiments.CheckNeeds(o.maxMem,
		experiments.Need{Flag: "-hidden " + strings.Trim(strings.ReplaceAll(fmt.Sprint(o.hidden), " ", ","), "[]"), Bytes: net},
		experiments.Need{Flag: fmt.Sprintf("-epochs %d over %d runs (-seeds, -algos)", o.epochs, runs),
			Bytes: experiments.RecordBytes(runs, o.epochs)})
}

// compareCmd runs "fbp compare".
func compareCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseCompare(args, stderr)
	if err != nil {
		return err
	}
	if err := compare.CheckDir("-out", o.out); err != nil {
		return err
	}
	train, test, err := loadData(&o.data)
	if err != nil {
		return err
	}
	out := 10 // one unit per class, one sign unit for 2 classes
	if o.data.task == "2class" {
		out = 1
	}
	widths := append(append([]int{train.N}, o.hidden...), out)
	var jobs []compare.Job
	for _, a := range o.algos {
		for _, seed := range o.seeds {
			a, seed := a, seed
			jobs = append(jobs, compare.Job{Algo: a, Seed: seed, New: func() (compare.Fitter, error) {
				return newFitter(a, seed, widths, o)
			}})
		}
	}
	progress := func(j compare.Job) pasp.Recorder {
		fmt.Fprintf(stdout, "== %s, seed %d\n", j.Algo, j.Seed)
		return &pasp.Printer{W: stdout, Bar: stderr, Progress: o.progress}
	}
	res, err := compare.RunAll(ctx, jobs, train, test, progress)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("%s %s, widths %v, batch %d, %d epochs, seeds %v", train.Name, o.data.task, widths, o.batch, o.epochs, o.seeds)
	command := "fbp compare " + strings.Join(args, " ")
	if rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		command += "   (git " + strings.TrimSpace(string(rev)) + ")"
	}
	if err := res.WriteDir(o.out, header, command, compare.HasBayes); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s\nresults in %s\n", res.Table(compare.HasBayes), o.out)
	return nil
}

// newFitter builds the trainer of one comparison job.
func newFitter(algo string, seed uint64, widths []int, o *compareOptions) (compare.Fitter, error) {
	return compare.NewAlgorithm(algo, &compare.AlgorithmSettings{Widths: widths, BatchSize: o.batch, Epochs: o.epochs,
		Seed: seed, TrainEval: o.trainEval, LR: o.lr, Optimizer: o.optimizer, Dtype: o.dtype})
}
