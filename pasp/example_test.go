package pasp_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// A perceptron with ±1 weights learns a random ±1 teacher from 600 examples
// (α = 6) by BPI message passing with the Posterior-as-Prior rule.
func Example() {
	const N, M = 101, 600
	rng := rand.New(rand.NewPCG(1, 2))
	teacher := make([]float64, N)
	for i := range teacher {
		teacher[i] = float64(2*rng.IntN(2) - 1)
	}
	set := &data.Set{X: make([]float64, M*N), Y: make([]int, M), M: M, N: N, Classes: 2}
	for n := 0; n < M; n++ {
		var z float64
		for i := 0; i < N; i++ {
			x := float64(2*rng.IntN(2) - 1)
			set.X[n*N+i], z = x, z+teacher[i]*x
		}
		set.Y[n] = 1
		if z < 0 {
			set.Y[n] = -1
		}
	}

	cfg := mpnet.Config{Widths: []int{N, 1}, Kinds: []mpnet.Kind{mpnet.BPI}}
	s := &pasp.Settings{Rho: []float64{1}, Psi: []float64{0.5}, EpsInit: 0.1, BatchSize: 20, Epochs: 3, Seed: 7}
	tr, err := pasp.New(cfg, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := tr.Fit(context.Background(), set, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var overlap float64
	for i, m := range tr.Network().M(0) {
		if m*teacher[i] > 0 {
			overlap++
		}
	}
	fmt.Printf("after %d epochs: training error %.1f%%, %.0f of %d weights equal the teacher's\n",
		res.Stats.Epoch, res.Stats.Eval.TrainError, overlap, N)
	// Output:
	// after 3 epochs: training error 0.0%, 101 of 101 weights equal the teacher's
}
