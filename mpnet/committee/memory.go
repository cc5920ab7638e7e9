package committee

import (
	"fmt"

	"github.com/fbpgo/fbp/internal/memlimit"
)

// Memory returns the memory, in bytes, that a problem with M patterns for K
// units of N inputs (its data set as RandomProblem draws it) and a Solver
// built on it with settings s are estimated to need: the patterns, the
// M·K·N pattern-to-weight messages and the smaller ones, the sweep order,
// the first-layer nodes (O(N²) for Exact) and the focusing schedule. It
// returns the error of s.Validate for invalid settings.
func Memory(K, N, M int, s *Settings) (int64, error) {
	r, err := s.resolve()
	if err != nil {
		return 0, err
	}
	return solverBytes(K, N, M, r), nil
}

func solverBytes(K, N, M int, r *resolved) int64 {
	k, n, m := int64(K), int64(N), int64(M)
	conv := func(n int64) int64 { return memlimit.Sum(memlimit.Product(8, n+1, n+2), memlimit.Product(32, n+1)) }
	b := memlimit.Sum(
		memlimit.Product(8, m, n+1),     // patterns and labels
		memlimit.Product(8, m, k, n),    // pattern-to-weight messages
		memlimit.Product(8, 3*m+2*n, k), // unit messages, weight fields
		memlimit.Product(16, m),         // output messages, sweep order
		memlimit.Product(8, n, k),       // sweep order
		memlimit.Product(24, n),         // Gaussian node and scratch
		conv(k),
		memlimit.Product(16, int64(len(r.sched))))
	if r.FirstLayer == Exact {
		b = memlimit.Sum(b, conv(n))
	}
	return b
}

// checkMemory returns a *ParamError for MaxMemory when the estimate of
// solverBytes exceeds the limit of r.
func checkMemory(K, N, M int, r *resolved) error {
	need, limit := solverBytes(K, N, M, r), memlimit.Limit(r.MaxMemory)
	if memlimit.Check("", need, limit) == nil {
		return nil
	}
	return &ParamError{"Settings", "MaxMemory", memlimit.Format(limit),
		fmt.Sprintf("at least the %s estimated for M = %d, K = %d, N = %d, %s nodes and %d focusing steps (or < 0 for no limit)",
			memlimit.Format(need), M, K, N, r.FirstLayer, len(r.sched))}
}
