package mpnet_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/fbpgo/fbp/mpnet"
)

// teacherData returns m random ±1 patterns of n inputs, one per row, and
// the labels a random binary perceptron gives them.
func teacherData(rng *rand.Rand, m, n int) (x []float64, y []int) {
	pm := func() float64 { return float64(2*rng.IntN(2) - 1) }
	w := make([]float64, n)
	for i := range w {
		w[i] = pm()
	}
	x, y = make([]float64, m*n), make([]int, m)
	for a := range m {
		s := 0.0
		for i := range n {
			x[a*n+i] = pm()
			s += w[i] * x[a*n+i]
		}
		y[a] = int(mpnet.Sign(s))
	}
	return x, y
}

// Example trains a binary perceptron by BPI with the PasP rule, written
// out with the network's own steps (package pasp runs this loop for you):
// the last posterior becomes the prior (SetPrior), a mini-batch is loaded
// (SetBatch) and one message-passing iteration runs on it (Iterate).
func Example() {
	const n, m, batch = 101, 60, 10
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := teacherData(rng, m, n)
	net, err := mpnet.New(mpnet.Config{Widths: []int{n, 1}, Kinds: []mpnet.Kind{mpnet.BPI}}, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := net.Init(1, rng); err != nil {
		fmt.Println(err)
		return
	}
	before, _, _ := net.Errors(x, y)
	rho, psi, r := []float64{1}, []float64{0.5}, []float64{0}
	for epoch := 0; epoch < 20; epoch++ {
		for a := 0; a < m; a += batch {
			if err := net.SetPrior(rho, 0); err != nil {
				fmt.Println(err)
				return
			}
			if err := net.SetBatch(x[a*n:(a+batch)*n], y[a:a+batch]); err != nil {
				fmt.Println(err)
				return
			}
			if _, err := net.Iterate(psi, r); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	after, bayes, _ := net.Errors(x, y)
	fmt.Printf("training error: %.1f%% untrained, %.1f%% trained (Bayesian %.1f%%)\n", before, after, bayes)
	// Output:
	// training error: 41.7% untrained, 0.0% trained (Bayesian 0.0%)
}

// ExampleReadNetwork saves a network with WriteTo and reads it back: the
// copy predicts what the original predicts.
func ExampleReadNetwork() {
	rng := rand.New(rand.NewPCG(3, 4))
	x, _ := teacherData(rng, 20, 31)
	net, err := mpnet.New(mpnet.Config{Widths: []int{31, 7, 10}, Kinds: mpnet.Kinds(mpnet.MF, 2, 10)}, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := net.Init(1, rng); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := net.WriteTo(&buf); err != nil {
		fmt.Println(err)
		return
	}
	back, err := mpnet.ReadNetwork(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, b := make([]int, 20), make([]int, 20)
	if err := errors.Join(net.Predict(a, x), back.Predict(b, x)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Config().Widths, back.Kind(0), back.Kind(1), slices.Equal(a, b))
	// Output:
	// [31 7 10] mf argmax true
}
