package compare

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/check"
	"github.com/fbpgo/fbp/internal/memlimit"
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
// N must be odd, with M·N ≤ data.MaxSyntheticElems. When the memory estimate
// (AnnealSolveMemory) exceeds s.MaxMemory it returns an
// *AnnealSettingsError for MaxMemory that gives the estimate, and runs
// nothing.
func AnnealSolve(ctx context.Context, s *AnnealSettings, N int, alpha float64, instances int, seed uint64) (*AnnealSolveStats, error) {
	rv, M, need, err := annealSolvePlan(s, N, alpha, instances)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("N = %d, α = %v (M = %d), %d instances at once", N, alpha, M, min(runtime.GOMAXPROCS(0), instances))
	if err := memlimit.Check(what, need, rv.maxMem); err != nil {
		return nil, check.Wrap[AnnealSettings]("MaxMemory", err)
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

// AnnealSolveMemory returns the memory, in bytes, that AnnealSolve(ctx, s,
// N, alpha, instances, _) is estimated to hold at once: that of one instance
// times the instances run in parallel (up to GOMAXPROCS). It returns the
// error AnnealSolve would return for invalid settings or shape, but does
// not compare the estimate with s.MaxMemory.
func AnnealSolveMemory(s *AnnealSettings, N int, alpha float64, instances int) (int64, error) {
	_, _, need, err := annealSolvePlan(s, N, alpha, instances)
	return need, err
}

// annealSolvePlan resolves s, checks the shape and returns the resolved
// settings, M and the memory estimate of AnnealSolve.
func annealSolvePlan(s *AnnealSettings, N int, alpha float64, instances int) (*annealResolved, int, int64, error) {
	rv, err := s.resolve()
	if err != nil {
		return nil, 0, 0, err
	}
	M, err := solveShape("AnnealSolve", rv.K, N, alpha, instances)
	if err != nil {
		return nil, 0, 0, err
	}
	return rv, M, memlimit.Product(annealBytes(rv.K, N, M, rv.y), int64(min(runtime.GOMAXPROCS(0), instances))), nil
}

// annealBytes estimates the memory of one annealing instance with K units
// of N inputs, M patterns and y replicas: the patterns (float64) with their
// int32 transpose and packed copy, the labels, and every replica's weights
// (with the column sums), fields and pattern energies.
func annealBytes(K, N, M, y int) int64 {
	k, n, m, r := int64(K), int64(N), int64(M), int64(y)
	return memlimit.Sum(
		memlimit.Product(12, n, m),
		memlimit.Product(8, m, (n+63)/64),
		memlimit.Product(24, m),
		memlimit.Product(4, r+1, k, n),
		memlimit.Product(4, r, m, k+2))
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
	si := *s
	si.Seed += uint64(i)
	train, err := data.RandomPatterns(rand.New(rand.NewPCG(seed, uint64(i))), N, M)
	if err != nil {
		return nil, err
	}
	r, err := NewAnneal(train, &si)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx)
}
