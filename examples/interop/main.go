// Command interop shows fBP working with plain Gorgonia: it trains a
// 784-101-101-10 binary network with mean-field PasP for one epoch on the
// MNIST subset embedded in the binary, exports the point-wise weights
// sign(m)·mask into a Gorgonia inference graph built only from Gorgonia's
// own Mul, Add and Sign, runs that graph with a TapeMachine on the test set
// (passed in as a Gorgonia tensor and read back with data.FromTensor), and
// checks that it predicts exactly what the network predicts.
//
// It prints the number of test samples on which the two agree and the test
// error of each, and exits with status 1 if any prediction differs or
// anything fails.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Stdout, os.Stderr))
}

// run does the work and returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer) int {
	agree, total, err := interop(ctx, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "interop:", err)
		return 1
	}
	if agree != total {
		fmt.Fprintf(stderr, "interop: the Gorgonia graph disagrees with the network on %d of %d test samples\n", total-agree, total)
		return 1
	}
	return 0
}

// interop trains, exports and compares; it returns the number of test
// samples on which the graph and the network agree, out of total.
func interop(ctx context.Context, stdout io.Writer) (agree, total int, err error) {
	train, test, err := data.Load("embedded", "")
	if err != nil {
		return 0, 0, err
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		return 0, 0, err
	}

	// Train a 784-101-101-10 MF network for one epoch.
	const L, classes = 3, 10
	cfg := mpnet.Config{Widths: []int{train.N, 101, 101, classes}, Kinds: mpnet.Kinds(mpnet.MF, L, classes)}
	s := pasp.DefaultSettings(mpnet.MF, L, classes)
	s.Epochs, s.Seed = 1, 1
	tr, err := pasp.New(cfg, s)
	if err != nil {
		return 0, 0, err
	}
	res, err := tr.Fit(ctx, train, test)
	if err != nil {
		return 0, 0, err
	}
	if res.Status != pasp.EpochLimit {
		return 0, 0, fmt.Errorf("training stopped early: %v", res.Status)
	}
	net := tr.Network()
	fmt.Fprintf(stdout, "trained %v %v for %d epoch (%d mini-batches)\n",
		cfg.Widths, cfg.Kinds, res.Stats.Epoch, res.Stats.Steps)

	// The test set as a Gorgonia tensor, and back.
	xt, err := test.Tensor()
	if err != nil {
		return 0, 0, err
	}
	test, err = data.FromTensor(xt, test.Y, test.Classes)
	if err != nil {
		return 0, 0, err
	}
	fmt.Fprintf(stdout, "test set: a %v %v tensor of %d samples\n", xt.Shape(), xt.Dtype(), test.M)

	// Export and run the plain Gorgonia graph.
	ex, err := net.Export(500)
	if err != nil {
		return 0, 0, err
	}
	fmt.Fprintf(stdout, "exported graph: %d nodes, input %v, output %v\n",
		ex.Graph.AllNodes().Len(), ex.Input.Shape(), ex.Output.Shape())
	graphPred := make([]int, test.M)
	if err := ex.Predict(graphPred, test.X); err != nil {
		return 0, 0, err
	}
	netPred := make([]int, test.M)
	if err := net.Predict(netPred, test.X); err != nil {
		return 0, 0, err
	}

	var graphWrong, netWrong int
	for n, y := range test.Y {
		if graphPred[n] == netPred[n] {
			agree++
		}
		if graphPred[n] != y {
			graphWrong++
		}
		if netPred[n] != y {
			netWrong++
		}
	}
	pct := func(k int) float64 { return 100 * float64(k) / float64(test.M) }
	fmt.Fprintf(stdout, "predictions agree on %d of %d test samples\n", agree, test.M)
	fmt.Fprintf(stdout, "test error: network %.2f%%, Gorgonia graph %.2f%%\n", pct(netWrong), pct(graphWrong))
	return agree, test.M, nil
}
