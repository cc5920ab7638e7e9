package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
)

// AnnealSolveStats summarises annealing runs on random instances of one
// size (EXPERIMENTS §II.2).
type AnnealSolveStats struct {
	K, N, M, Instances int
	Alpha              float64 // M/(K·N)
	Solved             int     // instances solved within the budget
	Fraction           float64 // Solved/Instances
	// Moves holds the attempted moves of every instance (up to the stop),
	// Status its stopping reason, in instance order.
	Moves  []int64
	Status []AnnealStatus
	// MedianMoves is the median over all instances of the moves to
	// solution, an unsolved instance counting as +Inf; it is reported as 0
	// when that median is infinite (half or more of the instances unsolved).
	MedianMoves float64
	// MeanMinEnergy is the mean over instances of the final minimum energy
	// over the replicas, per pattern.
	MeanMinEnergy float64
	// PerInstance is the mean wall time of one run.
	PerInstance time.Duration
}

// AnnealSolve runs annealing with settings s on instances random problems
// of EXPERIMENTS §II.1 with N inputs per unit and M = round(α·K·N)
// patterns. Instance i is drawn by data.RandomPatterns from
// rand.NewPCG(seed, i) and annealed with s.Seed + i, so that two settings
// compared with one seed see the same instances. The runs go in parallel
// (up to GOMAXPROCS) and the result does not depend on their scheduling.
// N must be odd.
func AnnealSolve(ctx context.Context, s *AnnealSettings, N int, alpha float64, instances int, seed uint64) (*AnnealSolveStats, error) {
	rv, err := s.resolve()
	if err != nil {
		return nil, err
	}
	M := int(math.Round(alpha * float64(N*rv.K)))
	if N < 1 || N%2 == 0 || M < 1 || instances < 1 {
		return nil, errors.Errorf("compare: AnnealSolve: N = %d, α = %v (M = %d), %d instances: want N odd, M ≥ 1, instances ≥ 1", N, alpha, M, instances)
	}
	results, errs := runInstances(instances, func(i int) (*AnnealResult, error) {
		return annealInstance(ctx, s, N, M, seed, i)
	})
	st := &AnnealSolveStats{K: rv.K, N: N, M: M, Instances: instances, Alpha: float64(M) / float64(N*rv.K)}
	var total time.Duration
	solveMoves := make([]float64, instances)
	for i, res := range results {
		if errs[i] != nil {
			return nil, errors.Wrapf(errs[i], "compare: AnnealSolve: instance %d", i)
		}
		total += res.Runtime
		st.Moves = append(st.Moves, res.Moves)
		st.Status = append(st.Status, res.Status)
		st.MeanMinEnergy += float64(res.MinEnergy) / float64(M)
		solveMoves[i] = math.Inf(1)
		if res.Solved {
			st.Solved++
			solveMoves[i] = float64(res.Moves)
		}
	}
	st.Fraction = float64(st.Solved) / float64(instances)
	if st.MedianMoves = median(solveMoves); math.IsInf(st.MedianMoves, 0) {
		st.MedianMoves = 0
	}
	st.MeanMinEnergy /= float64(instances)
	st.PerInstance = total / time.Duration(instances)
	return st, nil
}

// median returns the median of v (the mean of the two middle values for
// an even count; +Inf if one of them is +Inf). v is reordered.
func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// annealInstance draws instance i and anneals it.
func annealInstance(ctx context.Context, s *AnnealSettings, N, M int, seed uint64, i int) (*AnnealResult, error) {
	train, err := data.RandomPatterns(rand.New(rand.NewPCG(seed, uint64(i))), N, M)
	if err != nil {
		return nil, err
	}
	si := *s
	si.Seed += uint64(i)
	r, err := NewAnneal(train, &si)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx)
}
