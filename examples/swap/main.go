// Command swap trains one model description with either of two trainers:
// BinaryNet (gradient descent through straight-through estimators, with
// Gorgonia's autodiff and solvers) or fBP (message passing with the
// Posterior-as-Prior rule). Swapping the SGD solver for fBP is a change of
// one flag: both trainers take the same widths and data and report through
// the same pasp.Recorder.
//
// Usage:
//
//	swap [-trainer binarynet|fbp] [-task 10class|2class] [-hidden 101,101] [-epochs 3] [flags]
//
// It trains on the MNIST subset embedded in the module (standardised) and
// prints the train and test errors after every epoch.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// model is the description both trainers share: the widths N_0 … N_L and
// the task.
type model struct {
	widths  []int
	classes int // 2: one sign output and ±1 labels; 10: ten outputs
}

// fitter is what both trainers provide.
type fitter interface {
	Fit(ctx context.Context, train, test *data.Set) (*pasp.Result, error)
}

// run parses args, trains and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("swap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trainer := fs.String("trainer", "binarynet", "binarynet (Gorgonia autodiff + solver) or fbp (message passing)")
	task := fs.String("task", "10class", "10class (ten outputs) or 2class (even vs odd, one sign output)")
	hidden := fs.String("hidden", "101,101", "hidden widths, comma-separated")
	epochs := fs.Int("epochs", 3, "epochs")
	batch := fs.Int("batch", 128, "mini-batch size")
	seed := fs.Uint64("seed", 1, "random seed")
	lr := fs.Float64("lr", 1e-3, "BinaryNet: learning rate")
	optimizer := fs.String("optimizer", compare.OptimizerAdam, "BinaryNet: adam or sgd")
	layer := fs.String("layer", "bpi", "fBP: hidden layer kind bp|bpi|mf|amp")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	m, err := parseModel(*task, *hidden)
	if err == nil {
		err = checkNames(*trainer, *optimizer, *layer)
	}
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 2
	}
	train, test, err := loadData(m)
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 1
	}
	m.widths[0] = train.N
	rec := &pasp.Printer{W: stdout}
	var f fitter
	switch *trainer {
	case "binarynet":
		s := compare.DefaultBinaryNetSettings()
		s.LR, s.Optimizer, s.Epochs, s.BatchSize, s.Seed, s.Recorder = *lr, *optimizer, *epochs, *batch, *seed, rec
		f, err = compare.NewBinaryNet(m.widths, s)
	case "fbp":
		kind, _ := mpnet.ParseKind(*layer) // checked by checkNames
		L := len(m.widths) - 1
		s := pasp.DefaultSettings(kind, L, m.classes)
		s.Epochs, s.BatchSize, s.Seed, s.Recorder = *epochs, *batch, *seed, rec
		f, err = pasp.New(mpnet.Config{Widths: m.widths, Kinds: mpnet.Kinds(kind, L, m.classes)}, s)
	}
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 2
	}
	fmt.Fprintf(stdout, "%s on %s, widths %v\n", *trainer, train.Name, m.widths)
	res, err := f.Fit(ctx, train, test)
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 1
	}
	if res.Status == pasp.Interrupted {
		return 130
	}
	return 0
}

// parseModel turns -task and -hidden into a model with N_0 unset.
func parseModel(task, hidden string) (*model, error) {
	m := &model{widths: []int{0}}
	for _, f := range strings.Split(hidden, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 {
			return nil, fmt.Errorf("-hidden %q: want positive widths separated by commas", hidden)
		}
		m.widths = append(m.widths, w)
	}
	switch task {
	case "10class":
		m.classes = 10
		m.widths = append(m.widths, 10)
	case "2class":
		m.classes = 2
		m.widths = append(m.widths, 1)
	default:
		return nil, fmt.Errorf("-task %q: want 10class or 2class", task)
	}
	return m, nil
}

// checkNames checks the names given to -trainer, -optimizer and -layer
// before the data are loaded.
func checkNames(trainer, optimizer, layer string) error {
	if trainer != "binarynet" && trainer != "fbp" {
		return fmt.Errorf("-trainer %q: want binarynet or fbp", trainer)
	}
	if optimizer != compare.OptimizerAdam && optimizer != compare.OptimizerSGD {
		return fmt.Errorf("-optimizer %q: want %s or %s", optimizer, compare.OptimizerAdam, compare.OptimizerSGD)
	}
	if k, err := mpnet.ParseKind(layer); err != nil || k == mpnet.ArgMax {
		return fmt.Errorf("-layer %q: want bp, bpi, mf or amp", layer)
	}
	return nil
}

// loadData returns the embedded MNIST subset, standardised, relabelled for
// the 2-class task when asked.
func loadData(m *model) (train, test *data.Set, err error) {
	if train, test, err = data.Load("embedded", ""); err != nil {
		return nil, nil, err
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		return nil, nil, err
	}
	if m.classes == 2 {
		if train, test, err = data.TwoClass(train, test); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}
