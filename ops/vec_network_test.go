package ops_test

import (
	"context"
	"testing"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/gemm"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
	"github.com/fbpgo/fbp/pasp"
)

// TestVectorKernelsSameErrors trains a float64 network 784-21-21-10 of
// every kind for 2 epochs on 1,000 images of the embedded MNIST subset,
// once on the reference path (the scalar CPU kernels and gonum's pure-Go
// BLAS, gemm.Unregister) and once on the default fast path (the widest
// kernels this CPU has and package gemm's products), and checks that both
// reach the same test errors (plain and Bayes): the fast path changes the
// messages only in their last bits.
func TestVectorKernelsSameErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10 networks")
	}
	best := ops.CPUKernels()
	if best == "scalar" {
		t.Skip("no vector kernels on this CPU")
	}
	train, test, err := data.Load("embedded", "")
	if err != nil {
		t.Fatal(err)
	}
	if train, test, _, err = data.Standardize(train, test); err != nil {
		t.Fatal(err)
	}
	if train, err = train.Subset(seq(1000)); err != nil {
		t.Fatal(err)
	}
	if test, err = test.Subset(seq(500)); err != nil {
		t.Fatal(err)
	}
	for _, k := range []mpnet.Kind{mpnet.BPI, mpnet.BP, mpnet.MF, mpnet.AMP, mpnet.CBPI} {
		var errs [2][2]float64
		for j, level := range []string{"scalar", best} {
			if err := ops.SetCPUKernels(level); err != nil {
				t.Fatal(err)
			}
			if level == "scalar" {
				gemm.Unregister()
			} else {
				gemm.Register()
			}
			s := pasp.DefaultSettings(k, 3, 10)
			s.Epochs, s.Seed, s.TrainEval = 2, 3, 0
			tr, err := pasp.New(mpnet.Config{Widths: []int{784, 21, 21, 10}, Kinds: mpnet.Kinds(k, 3, 10)}, s)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tr.Fit(context.Background(), train, test)
			if err != nil {
				t.Fatal(err)
			}
			errs[j] = [2]float64{res.Stats.Eval.TestError, res.Stats.Eval.TestErrorBayes}
		}
		if err := ops.SetCPUKernels("auto"); err != nil {
			t.Fatal(err)
		}
		gemm.Register()
		t.Logf("%v: test errors (plain, Bayes) reference %v, %s+gemm %v", k, errs[0], best, errs[1])
		if errs[0] != errs[1] {
			t.Errorf("%v: test errors (plain, Bayes) %v with %s kernels and gemm, %v with the reference path", k, errs[1], best, errs[0])
		}
	}
}

// seq returns 0, 1, …, n−1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
