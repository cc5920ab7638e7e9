package compare_test

import (
	"context"
	"fmt"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
)

// smallMNIST returns the first m training and test samples of the MNIST
// subset compiled into the module, standardised, for 10 classes.
func smallMNIST(m int) (train, test *data.Set, err error) {
	train, test, err = data.Load("embedded", "")
	if err != nil {
		return nil, nil, err
	}
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	if train, err = train.Subset(idx); err != nil {
		return nil, nil, err
	}
	if test, err = test.Subset(idx); err != nil {
		return nil, nil, err
	}
	train, test, _, err = data.Standardize(train, test)
	return train, test, err
}

// ExampleNewAlgorithm builds two of the compared trainers by name from the
// same settings, fBP's BPI and BinaryNet, and trains each for one epoch
// on the same data. The same seed gives the same numbers on the CPU.
func ExampleNewAlgorithm() {
	train, test, err := smallMNIST(500)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"bpi", "binarynet"} {
		f, err := compare.NewAlgorithm(name, &compare.AlgorithmSettings{
			Widths: []int{train.N, 31, 10}, BatchSize: 50, Epochs: 1, Seed: 2})
		var res *pasp.Result
		if err == nil { // every trainer fits alike: a compare.Fitter
			res, err = f.Fit(context.Background(), train, test)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		last := res.Stats.Eval
		fmt.Printf("%s: test error %.1f%% after epoch %d\n", name, last.TestError, last.Epoch)
	}
	// Output:
	// bpi: test error 39.6% after epoch 1
	// binarynet: test error 69.0% after epoch 1
}

// ExampleRunner trains every algorithm and seed of a small comparison in
// turn on the same data and summarises the final test errors over the
// seeds (mean ± standard deviation), as "fbp compare" does.
func ExampleRunner() {
	train, test, err := smallMNIST(300)
	if err != nil {
		fmt.Println(err)
		return
	}
	var jobs []compare.Job
	for _, algo := range []string{"mf", "ebp"} {
		for _, seed := range []uint64{2, 7} {
			jobs = append(jobs, compare.Job{Algo: algo, Seed: seed, New: func() (compare.Fitter, error) {
				return compare.NewAlgorithm(algo, &compare.AlgorithmSettings{
					Widths: []int{train.N, 21, 10}, BatchSize: 30, Epochs: 1, Seed: seed})
			}})
		}
	}
	res, err := (&compare.Runner{}).Run(context.Background(), jobs, train, test)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Summaries(compare.HasBayes) {
		fmt.Printf("%s: %d seeds, test error %.1f ± %.1f %%, Bayesian %.1f ± %.1f %%\n",
			s.Algo, s.Seeds, s.TestError, s.TestErrorStd, s.TestBayes, s.TestBayesStd)
	}
	// Output:
	// mf: 2 seeds, test error 47.2 ± 2.6 %, Bayesian 43.8 ± 2.1 %
	// ebp: 2 seeds, test error 53.8 ± 4.9 %, Bayesian 40.3 ± 0.5 %
}
