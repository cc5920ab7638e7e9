package experiments_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fbpgo/fbp/compare/experiments"
)

// Example looks up the experiment of Table 1, shrinks the paper's protocol
// to one small run on the MNIST subset compiled into the module, and runs
// it into a results directory. Running it again with the same directory
// and parameters would reuse the finished run.
func Example() {
	e, ok := experiments.Lookup("table1")
	if !ok {
		fmt.Println("no table1")
		return
	}
	p := e.Defaults() // the paper's protocol, then the changes
	p.Data, p.Tasks, p.Algos, p.Seeds = []string{"embedded"}, []string{"2class"}, []string{"bpi"}, []uint64{2}
	p.Hidden, p.Epochs, p.Batch, p.TrainSubset = []int{11}, 1, 50, 500
	out, err := os.MkdirTemp("", "table1")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	sum, err := experiments.Run(context.Background(), e, &p, &experiments.Options{Out: out})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := sum.Records[0]
	last := rec.Epochs[len(rec.Epochs)-1]
	fmt.Printf("%d run trained: %s, widths %v\n", sum.Trained, rec.Job.ID, rec.Job.Widths)
	// The errors themselves depend on the CPU's kernels in their last bits.
	fmt.Printf("epoch %d: test errors below 25%%: %v\n", last.Epoch, last.TestError < 25 && last.TestErrorBayes < 25)
	// Output:
	// 1 run trained: embedded-2class_bpi_s2, widths [784 11 1]
	// epoch 1: test errors below 25%: true
}

// ExampleLookup lists the registered experiments with the section of the
// protocol each reproduces.
func ExampleLookup() {
	for _, name := range experiments.Names() {
		e, _ := experiments.Lookup(name)
		fmt.Printf("%-15s %s\n", name, e.Info().Section)
	}
	// Output:
	// fig1-arch       EXPERIMENTS §I.4
	// fig1-sparse     EXPERIMENTS §I.5
	// fig2-bayes      EXPERIMENTS §I.6
	// fig3-continual  EXPERIMENTS §I.7
	// local-energy    EXPERIMENTS §I.8
	// overlaps        EXPERIMENTS §I.9
	// table1          EXPERIMENTS §I.3
	// timing          EXPERIMENTS §I.10
}
