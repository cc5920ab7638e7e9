// Command swap is a Gorgonia user's program: a binary neural network
// (weights ±1 through compare.BinarizeSTE, sign activations through
// compare.SignSTE, no biases), 784-101-101-10 by default, written once as a
// Gorgonia graph with a softmax cross-entropy loss and gorgonia.Grad, and
// trained on the MNIST subset embedded in this module by the usual loop
//
//	for every mini-batch: Let(x), Let(y); vm.RunAll(); solver.Step(model); vm.Reset()
//
// -solver adam trains it by gradient descent with Gorgonia's Adam solver;
// -solver fbp by message passing with the fBP solver of package solver. The
// two programs differ in one statement, the solver's construction in
// newModel; the graph, the loop and the predictions (the graph's own
// forward pass) are the same.
//
// Usage:
//
//	swap [-solver adam|fbp] [-hidden 101,101] [-epochs 3] [-batch 128] [-seed 2]
//
// After every epoch it prints the mean training loss and the test error of
// the graph's predictions.
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

	"github.com/fbpgo/fbp/data"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command line.
type options struct {
	solver string // adam or fbp
	hidden []int  // hidden widths
	epochs int
	batch  int
	seed   uint64 // initial weights and the order of the mini-batches
}

// run parses args, trains and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("swap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.solver, "solver", "adam", "adam (Gorgonia's Adam through straight-through estimators) or fbp (message passing)")
	hidden := fs.String("hidden", "101,101", "hidden widths, comma-separated")
	fs.IntVar(&o.epochs, "epochs", 3, "epochs")
	fs.IntVar(&o.batch, "batch", 128, "mini-batch size")
	fs.Uint64Var(&o.seed, "seed", 2, "random seed")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	err := o.check(*hidden)
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 2
	}
	train, test, err := loadData()
	if err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		return 1
	}
	if o.batch > train.M {
		fmt.Fprintf(stderr, "swap: -batch %d: want at most the %d training samples\n", o.batch, train.M)
		return 2
	}
	fmt.Fprintf(stdout, "%s on %s, widths %v, batch %d\n", o.solver, train.Name, o.widths(train.N), o.batch)
	if _, _, err := fit(ctx, o, train, test, stdout); err != nil {
		fmt.Fprintln(stderr, "swap:", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	return 0
}

// check checks the flags and parses -hidden into o.
func (o *options) check(hidden string) error {
	if o.solver != "adam" && o.solver != "fbp" {
		return fmt.Errorf("-solver %q: want adam or fbp", o.solver)
	}
	for _, f := range strings.Split(hidden, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 {
			return fmt.Errorf("-hidden %q: want positive widths separated by commas", hidden)
		}
		o.hidden = append(o.hidden, w)
	}
	switch {
	case o.epochs < 1:
		return fmt.Errorf("-epochs %d: want at least 1", o.epochs)
	case o.batch < 1:
		return fmt.Errorf("-batch %d: want at least 1", o.batch)
	}
	return nil
}

// widths returns N_0, the hidden widths and the 10 classes.
func (o *options) widths(inputs int) []int {
	return append(append([]int{inputs}, o.hidden...), 10)
}

// loadData returns the embedded MNIST subset, standardised.
func loadData() (train, test *data.Set, err error) {
	if train, test, err = data.Load("embedded", ""); err != nil {
		return nil, nil, err
	}
	train, test, _, err = data.Standardize(train, test)
	return train, test, err
}
