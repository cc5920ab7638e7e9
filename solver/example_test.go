package solver_test

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/solver"
)

// A Gorgonia graph of a perceptron with binary weights, trained on the
// labels of a random ±1 teacher by the usual RunAll → Step → Reset loop,
// with the zero-option fBP solver (the paper's settings) in place of a
// gradient solver. The graph needs no gradients: fBP reads the batch bound
// to x and y and writes ±1 weights into w.
func Example() {
	const N, M, B = 101, 600, 20
	rng := rand.New(rand.NewPCG(1, 2))
	teacher := make([]float64, N)
	for i := range teacher {
		teacher[i] = float64(2*rng.IntN(2) - 1)
	}
	X, Y := make([]float64, M*N), make([]float64, M)
	for n := range Y {
		var z float64
		for i := range N {
			X[n*N+i] = float64(2*rng.IntN(2) - 1)
			z += teacher[i] * X[n*N+i]
		}
		Y[n] = 1
		if z < 0 {
			Y[n] = -1
		}
	}

	// The user's graph: out = x·sign(w), one sign output per sample.
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float64, G.WithShape(B, N), G.WithName("x"))
	y := G.NewVector(g, tensor.Float64, G.WithShape(B), G.WithName("y"))
	w := G.NewMatrix(g, tensor.Float64, G.WithShape(N, 1), G.WithName("w"), G.WithInit(G.Zeroes()))
	out := G.Must(G.Mul(x, G.Must(compare.BinarizeSTE(w, nil))))

	s, err := solver.New(x, y, G.Nodes{w})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("widths read from the graph:", s.Widths())
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	wrong := 0
	for epoch := 1; epoch <= 3; epoch++ {
		wrong = 0
		for lo := 0; lo < M; lo += B {
			G.Let(x, tensor.New(tensor.WithShape(B, N), tensor.WithBacking(X[lo*N:(lo+B)*N])))
			G.Let(y, tensor.New(tensor.WithShape(B), tensor.WithBacking(Y[lo:lo+B])))
			if err := vm.RunAll(); err != nil {
				fmt.Println(err)
				return
			}
			for n, z := range out.Value().Data().([]float64) { // the graph's outputs, before this step
				if z*Y[lo+n] <= 0 {
					wrong++
				}
			}
			if err := s.Step(G.NodesToValueGrads(G.Nodes{w})); err != nil {
				fmt.Println(err)
				return
			}
			vm.Reset()
		}
		fmt.Printf("epoch %d: %d of %d samples misclassified before their step\n", epoch, wrong, M)
	}
	agree := 0
	for i, v := range w.Value().Data().([]float64) { // the weights Step wrote: ±1
		if v == teacher[i] {
			agree++
		}
	}
	fmt.Printf("%d of %d weights equal the teacher's\n", agree, N)
	// Output:
	// widths read from the graph: [101 1]
	// epoch 1: 153 of 600 samples misclassified before their step
	// epoch 2: 4 of 600 samples misclassified before their step
	// epoch 3: 0 of 600 samples misclassified before their step
	// 101 of 101 weights equal the teacher's
}
