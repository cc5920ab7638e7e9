package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/check"
)

// RSGDSolveStats summarises replicated-SGD runs on random instances.
type RSGDSolveStats struct {
	N, M, Instances int
	Alpha           float64       // M/(N·K)
	Solved          int           // instances with zero training errors
	Fraction        float64       // Solved/Instances
	PerInstance     time.Duration // mean wall time of one run
	MeanEpochs      float64       // mean epochs of the solved runs (0 if none)
	MeanMinError    float64       // mean of MinErrors/M over all runs
}

// SolveFraction runs replicated SGD with settings s on instances random
// problems of EXPERIMENTS §II.1 and returns the fraction solved. Instance
// i has N inputs per unit, M = round(α·N·K) patterns drawn by
// data.RandomPatterns from rand.NewPCG(seed, i), and is solved with
// s.Seed + i, so that two settings compared with one seed see the same
// instances. The runs go in parallel (one per CPU) and the result does not
// depend on their scheduling; s.Recorder is ignored. N must be odd.
func SolveFraction(ctx context.Context, s *RSGDSettings, N int, alpha float64, instances int, seed uint64) (*RSGDSolveStats, error) {
	if s == nil {
		return nil, check.Wrap[RSGDSettings]("K", errors.New("nil settings"))
	}
	if _, err := s.resolve(); err != nil {
		return nil, err
	}
	M, err := solveShape("SolveFraction", s.K, N, alpha, instances)
	if err != nil {
		return nil, err
	}
	results, errs := runInstances(instances, func(i int) (*RSGDResult, error) {
		return rsgdInstance(ctx, s, N, M, seed, i)
	})
	st := &RSGDSolveStats{N: N, M: M, Instances: instances, Alpha: float64(M) / float64(N*s.K)}
	var total time.Duration
	for i, res := range results {
		if errs[i] != nil {
			return nil, errors.Wrapf(errs[i], "compare: SolveFraction: instance %d", i)
		}
		total += res.Runtime
		st.MeanMinError += float64(res.MinErrors) / float64(M)
		if res.Solved {
			st.Solved++
			st.MeanEpochs += float64(res.Epochs)
		}
	}
	if st.Solved > 0 {
		st.MeanEpochs /= float64(st.Solved)
	}
	st.Fraction = float64(st.Solved) / float64(instances)
	st.PerInstance = total / time.Duration(instances)
	st.MeanMinError /= float64(instances)
	return st, nil
}

// rsgdInstance draws instance i and runs replicated SGD on it.
func rsgdInstance(ctx context.Context, s *RSGDSettings, N, M int, seed uint64, i int) (*RSGDResult, error) {
	train, err := data.RandomPatterns(rand.New(rand.NewPCG(seed, uint64(i))), N, M)
	if err != nil {
		return nil, err
	}
	si := *s
	si.Seed += uint64(i)
	si.Recorder = nil
	r, err := NewRSGD(train, &si)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx)
}

// maxInstances bounds the instances of AnnealSolve and SolveFraction, whose
// results are kept per instance.
const maxInstances = 1 << 20

// solveShape checks the arguments of AnnealSolve and SolveFraction (fn)
// and returns the number of patterns M = round(α·N·K) of an instance.
func solveShape(fn string, K, N int, alpha float64, instances int) (int, error) {
	Mf := 0.0
	if N >= 1 && N <= data.MaxSyntheticElems {
		Mf = math.Round(alpha * float64(N*K))
	}
	if N < 1 || N%2 == 0 || !(Mf >= 1) || Mf*float64(N) > data.MaxSyntheticElems || instances < 1 || instances > maxInstances {
		return 0, errors.Errorf("compare: %s: N = %d, α = %v (M = %.0f), %d instances: want N odd, M ≥ 1, M·N ≤ %d and 1 ≤ instances ≤ %d",
			fn, N, alpha, Mf, instances, data.MaxSyntheticElems, maxInstances)
	}
	return int(Mf), nil
}

// runInstances runs f for the instances 0..n−1 on GOMAXPROCS goroutines and
// returns the results and errors by instance (SolveFraction, AnnealSolve).
func runInstances[R any](n int, f func(i int) (R, error)) ([]R, []error) {
	results := make([]R, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return results, errs
}
