package committee_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fbpgo/fbp/mpnet/committee"
)

// Focusing BP with standard reinforcement on a small random instance.
func Example() {
	p, err := committee.RandomProblem(3, 51, 0.3, 1, 0) // K = 3, N = 51, α = 0.3: M = 46
	if err != nil {
		log.Fatal(err)
	}
	s, err := committee.New(p, &committee.Settings{Damping: 0.5, InitNoise: 0.1, MaxIters: 1})
	if err != nil {
		log.Fatal(err)
	}
	res, err := s.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Set.M, res.Status, res.Errors, p.Errors(res.Weights))
	// Output: 46 Solved 0 0
}
