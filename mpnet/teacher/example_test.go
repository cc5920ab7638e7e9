package teacher_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/fbpgo/fbp/mpnet/teacher"
)

// A 100-100-100 teacher with two ±1 weights per row and column is
// recovered exactly by sum-product from 20 samples, in mini-batches of 4
// whose beliefs become the prior of the next batch.
func ExampleInfer() {
	rng := rand.New(rand.NewPCG(1, 2))
	tc, err := teacher.New(teacher.Config{NIn: 100, NHidden: 100, NOut: 100}, rng)
	if err != nil {
		panic(err)
	}
	train, err := tc.Generate(20, rng)
	if err != nil {
		panic(err)
	}
	st := teacher.BayesStudent(tc)
	for _, m := range []int{2, 20} {
		res, err := teacher.Infer(st, train.Slice(0, m), &teacher.Settings{Mode: teacher.Batch, Batch: 4, Damping: 0.3})
		if err != nil {
			panic(err)
		}
		fmt.Printf("m = %2d: %.3f of the teacher's weights wrong\n", m, tc.WrongFraction(st, res.WIn, res.WOut))
	}
	// Output:
	// m =  2: 0.065 of the teacher's weights wrong
	// m = 20: 0.000 of the teacher's weights wrong
}
