package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/internal/memlimit"
)

// defaultOut is the parent of the default results directories of
// "fbp compare" and "fbp experiment", under the current directory and
// outside the committed results/ tree.
const defaultOut = "fbp-out"

// expOptions are the parsed flags of "fbp experiment NAME".
type expOptions struct {
	exp experiments.Experiment
	p   experiments.Params
	o   experiments.Options
}

// expFlags holds the list flags of "fbp experiment" before parsing.
type expFlags struct {
	sources, tasks, algos, hidden, seeds *string
}

// parseExperiment parses "fbp experiment NAME [flags]": the flags every
// experiment has, with its paper defaults, and its own.
func parseExperiment(args []string, stderr io.Writer) (*expOptions, error) {
	e, err := lookupExperiment(args, stderr)
	if err != nil {
		return nil, err
	}
	name := e.Info().Name
	fs := flag.NewFlagSet("fbp experiment "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &expOptions{exp: e, p: e.Defaults(), o: experiments.Options{Command: "fbp experiment " + strings.Join(args, " ")}}
	lists := o.commonFlags(fs)
	parseOwn := e.Flags(fs, &o.p)
	fs.StringVar(&o.o.Out, "out", defaultOut+"/"+name, "results directory (re-running with the same flags resumes); the default, under the current directory, keeps clear of the committed results/, which is written only when named here")
	maxMem := memlimit.Flag(fs)
	fs.StringVar(&o.p.Device, "device", "cpu", "cpu, or cuda (a binary built with -tags fbpcuda) for the message-passing runs (not fig3-continual); BinaryNet, SGD and EBP run on the CPU")
	fs.BoolVar(&o.o.Progress, "progress", true, "draw a progress bar on stderr")
	if err := parseFlags(fs, args[1:]); err != nil {
		return nil, err
	}
	if o.o.MaxMem = int64(*maxMem); o.o.MaxMem == 0 {
		o.o.MaxMem = -1 // -max-mem 0: no limit
	}
	if err := o.resolve(lists); err != nil {
		return nil, err
	}
	if err := parseOwn(); err != nil {
		return nil, err
	}
	if err := experiments.CheckParams(e, &o.p); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "out", "progress", "datadir", "device", "max-mem":
		default:
			o.o.Changed = append(o.o.Changed, "-"+f.Name+" "+f.Value.String())
		}
	})
	return o, nil
}

// lookupExperiment returns the experiment named by args[0]; -h lists them.
func lookupExperiment(args []string, stderr io.Writer) (experiments.Experiment, error) {
	names := experiments.Names()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "usage: fbp experiment NAME [flags]   (fbp experiment NAME -h lists the flags)\n\n")
			for _, n := range names {
				e, _ := experiments.Lookup(n)
				fmt.Fprintf(stderr, "  %-15s %s (%s)\n", n, e.Info().Title, e.Info().Section)
			}
			return nil, errHelp
		}
		return nil, errors.Errorf("experiment: want a name first (%s)", strings.Join(names, ", "))
	}
	e, ok := experiments.Lookup(args[0])
	if !ok {
		return nil, errors.Errorf("experiment: unknown experiment %q (want %s)", args[0], strings.Join(names, ", "))
	}
	return e, nil
}

// commonFlags adds the flags every experiment has, with the paper's
// defaults in o.p; the batch size and the BinaryNet optimizer only where
// the experiment does not set them per run.
func (o *expOptions) commonFlags(fs *flag.FlagSet) expFlags {
	p := &o.p
	join := func(v any) string { return strings.Trim(strings.ReplaceAll(fmt.Sprint(v), " ", ","), "[]") }
	l := expFlags{
		sources: fs.String("data", strings.Join(p.Data, ","), "data sets, comma-separated: embedded, mnist, fashion (or a directory of IDX files)"),
		tasks:   fs.String("tasks", strings.Join(p.Tasks, ","), "tasks, comma-separated: 2class, 10class"),
		algos:   fs.String("algos", strings.Join(p.Algos, ","), "algorithms, comma-separated: "+strings.Join(compare.Algorithms, ", ")),
		hidden:  fs.String("hidden", join(p.Hidden), "hidden layer widths"),
		seeds:   fs.String("seeds", join(p.Seeds), "seeds, comma-separated"),
	}
	fs.StringVar(&o.o.DataDir, "datadir", "", "directory of fetched data (default $FBP_DATA or ~/.cache/fbp)")
	fs.IntVar(&p.Epochs, "epochs", p.Epochs, "epochs per run (fig3-continual: per task)")
	if p.Batch > 0 {
		fs.IntVar(&p.Batch, "batch", p.Batch, "mini-batch size (EBP accumulates 10)")
	}
	fs.IntVar(&p.TrainSubset, "train-subset", 0, "train on the first N training samples only (0: all)")
	fs.IntVar(&p.TrainEval, "train-eval", 0, "training error on the first N training samples (0: all)")
	if p.LR > 0 { // else plain SGD at rates set per run
		fs.Float64Var(&p.LR, "lr", p.LR, "BinaryNet / SGD learning rate")
		fs.StringVar(&p.Optimizer, "optimizer", p.Optimizer, "BinaryNet / SGD optimizer: adam or sgd")
	}
	return l
}

// resolve converts the list flags.
func (o *expOptions) resolve(l expFlags) error {
	p := &o.p
	if p.Data = splitList(*l.sources); len(p.Data) == 0 {
		return errors.Errorf("-data %q: no data set", *l.sources)
	}
	if p.Tasks = splitList(strings.ToLower(*l.tasks)); len(p.Tasks) == 0 {
		return errors.Errorf("-tasks %q: no task", *l.tasks)
	}
	if p.Algos = splitList(strings.ToLower(*l.algos)); len(p.Algos) == 0 {
		return errors.Errorf("-algos %q: no algorithm", *l.algos)
	}
	var err error
	if p.Hidden, err = parseInts("-hidden", *l.hidden); err != nil {
		return err
	}
	ss, err := parseInts("-seeds", *l.seeds)
	if err != nil {
		return err
	}
	p.Seeds = nil
	for _, s := range ss {
		if s < 0 {
			return errors.Errorf("-seeds %q: seeds must be ≥ 0", *l.seeds)
		}
		p.Seeds = append(p.Seeds, uint64(s))
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

// runExperiment runs the experiment o (resuming what a previous invocation
// left) and writes the results directory.
func runExperiment(ctx context.Context, o *expOptions, stdout, stderr io.Writer) (*experiments.Summary, error) {
	o.o.Stdout, o.o.Stderr = stdout, stderr
	sum, err := experiments.Run(ctx, o.exp, &o.p, &o.o)
	if errors.Is(err, experiments.ErrInterrupted) {
		return nil, errInterrupted
	}
	return sum, err
}

// experimentCmd runs "fbp experiment NAME [flags]".
func experimentCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseExperiment(args, stderr)
	if err != nil {
		return err
	}
	name := o.exp.Info().Name
	sum, err := runExperiment(ctx, o, stdout, stderr)
	if err == errInterrupted {
		fmt.Fprintf(stderr, "fbp experiment %s: interrupted; the same command continues from the last finished epoch\n", name)
	}
	if err != nil {
		return err
	}
	retrained := ""
	if sum.Retrained > 0 {
		retrained = fmt.Sprintf(" (%d of them again: their data changed)", sum.Retrained)
	}
	fmt.Fprintf(stdout, "fbp experiment %s: %d runs trained%s, %d finished runs reused; results in %s\n",
		name, sum.Trained, retrained, sum.Reused, o.o.Out)
	return nil
}
