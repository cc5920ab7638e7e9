package compare

import (
	"fmt"
	"math"
	"time"

	"github.com/pkg/errors"
)

// AnnealSettings configure replicated simulated annealing on the robust
// ensemble (BASELINES §3.5, EXPERIMENTS §II.2) for a binary perceptron
// (K = 1) or a binary committee machine (K odd ≥ 3). The y replicas W^a
// sample, by Metropolis moves that flip one weight of one random replica,
//
//	P({W^a}) ∝ exp(−β E_RE),
//	E_RE = Σ_a E(W^a) − (1/β) Σ_i log 2cosh(γ Σ_a W^a_i),
//
// where E is the energy of EXPERIMENTS §II.1 (the minimal number of weight
// flips that classify each pattern, summed over patterns). After every
// Steps accepted moves β ← β·BetaFactor ("annealing") and
// γ ← γ·GammaFactor ("scoping"). With Gamma0 = 0 the replicas do not
// interact: y independent simulated annealings stopped at the first
// solution, the baseline of §II.2 (Replicas = 1: one plain SA).
//
// The zero value (apart from K) is plain SA at fixed β = 1 with no stall
// limit; DefaultAnnealSettings gives a working schedule.
type AnnealSettings struct {
	// K is the number of hidden units: 1 for the perceptron, odd; required.
	K int
	// Replicas is the number y of replicas; 0 means 1.
	Replicas int
	// Beta0 is the initial inverse temperature β₀ > 0; 0 means 1.
	Beta0 float64
	// BetaFactor multiplies β after every Steps accepted moves; 0 means 1
	// (no annealing).
	BetaFactor float64
	// Gamma0 is the initial coupling γ₀ ≥ 0 between the replicas; 0 means
	// no interaction (plain SA), whatever GammaFactor is.
	Gamma0 float64
	// GammaFactor multiplies γ after every Steps accepted moves; 0 means 1.
	GammaFactor float64
	// Steps is the number of accepted moves between two updates of β and
	// γ; 0 means 1000.
	Steps int
	// MaxStall stops a run after that many consecutive non-improving moves
	// (rejected, or accepted without lowering the moved replica's energy);
	// 0 means no such limit.
	MaxStall int64
	// MaxMoves is the budget of attempted moves (over all replicas); 0
	// means 1e9.
	MaxMoves int64
	// Seed seeds the one random source of a run (initial configuration,
	// moves, acceptance). The same seed gives an identical run.
	Seed uint64
}

// DefaultAnnealSettings returns plain SA (y = 1, no interaction) with the
// schedule that TestAnnealSolvesSmallInstances uses on small instances:
// β₀ = 1, f_β = 1.01 every 100·K accepted moves and a stall limit of
// 20·K·N moves for N inputs per unit. Set Replicas, Gamma0 and
// GammaFactor for the replicated version; results/anneal has the
// settings of the scaling experiment.
func DefaultAnnealSettings(K, N int) *AnnealSettings {
	return &AnnealSettings{K: K, Replicas: 1, Beta0: 1, BetaFactor: 1.01, Steps: 100 * K,
		MaxStall: int64(20 * K * N), GammaFactor: 1}
}

// AnnealSettingsError names an invalid field of AnnealSettings.
type AnnealSettingsError struct {
	Field string
	Err   error
}

func (e *AnnealSettingsError) Error() string {
	return fmt.Sprint("compare: AnnealSettings.", e.Field, ": ", e.Err)
}

func (e *AnnealSettingsError) Unwrap() error { return e.Err }

// annealMaxParam caps β and γ: beyond it exp(−β·ΔE) and tanh(γ·S) are
// already 0 or ±1 in float64 for every integer ΔE, S ≠ 0, and the cap keeps
// the schedule from reaching +Inf (and Inf·0 = NaN for ΔE = 0).
const annealMaxParam = 1e12

// annealResolved holds the settings with the defaults applied.
type annealResolved struct {
	K, y, steps                int
	beta, fBeta, gamma, fGamma float64
	maxStall, maxMoves         int64
	seed                       uint64
}

func (s *AnnealSettings) resolve() (*annealResolved, error) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s == nil:
		return nil, &AnnealSettingsError{"K", errors.New("nil settings")}
	case s.K < 1 || s.K%2 == 0 || s.K > 1<<10:
		return nil, &AnnealSettingsError{"K", errors.Errorf("%d: want an odd count in [1, 1023] (1: perceptron)", s.K)}
	case s.Replicas < 0 || s.Replicas > 1<<10:
		return nil, &AnnealSettingsError{"Replicas", errors.Errorf("%d: want a count in [1, 1024] (0 means 1)", s.Replicas)}
	case !finite(s.Beta0) || s.Beta0 < 0 || s.Beta0 > annealMaxParam:
		return nil, &AnnealSettingsError{"Beta0", errors.Errorf("%v: want a value in (0, 1e12] (0 means 1)", s.Beta0)}
	case !finite(s.BetaFactor) || s.BetaFactor < 0:
		return nil, &AnnealSettingsError{"BetaFactor", errors.Errorf("%v: want a finite value > 0 (0 means 1)", s.BetaFactor)}
	case !finite(s.Gamma0) || s.Gamma0 < 0 || s.Gamma0 > annealMaxParam:
		return nil, &AnnealSettingsError{"Gamma0", errors.Errorf("%v: want a value in [0, 1e12] (0: no interaction)", s.Gamma0)}
	case !finite(s.GammaFactor) || s.GammaFactor < 0:
		return nil, &AnnealSettingsError{"GammaFactor", errors.Errorf("%v: want a finite value > 0 (0 means 1)", s.GammaFactor)}
	case s.Steps < 0:
		return nil, &AnnealSettingsError{"Steps", errors.Errorf("%d: want a count ≥ 1 (0 means 1000)", s.Steps)}
	case s.MaxStall < 0:
		return nil, &AnnealSettingsError{"MaxStall", errors.Errorf("%d: want a count ≥ 0 (0: no limit)", s.MaxStall)}
	case s.MaxMoves < 0:
		return nil, &AnnealSettingsError{"MaxMoves", errors.Errorf("%d: want a count ≥ 1 (0 means 1e9)", s.MaxMoves)}
	}
	r := &annealResolved{K: s.K, y: max(s.Replicas, 1), steps: s.Steps, beta: s.Beta0, fBeta: s.BetaFactor,
		gamma: s.Gamma0, fGamma: s.GammaFactor, maxStall: s.MaxStall, maxMoves: s.MaxMoves, seed: s.Seed}
	if r.steps == 0 {
		r.steps = 1000
	}
	if r.beta == 0 {
		r.beta = 1
	}
	if r.fBeta == 0 {
		r.fBeta = 1
	}
	if r.fGamma == 0 {
		r.fGamma = 1
	}
	if r.maxMoves == 0 {
		r.maxMoves = 1e9
	}
	return r, nil
}

// Validate returns an *AnnealSettingsError naming the first invalid field.
func (s *AnnealSettings) Validate() error {
	_, err := s.resolve()
	return err
}

// AnnealStatus says why an annealing run stopped.
type AnnealStatus int

const (
	// AnnealSolved: a replica reached zero energy.
	AnnealSolved AnnealStatus = iota
	// AnnealStalled: MaxStall consecutive moves did not improve.
	AnnealStalled
	// AnnealMoveLimit: MaxMoves moves were attempted.
	AnnealMoveLimit
	// AnnealInterrupted: the context was cancelled.
	AnnealInterrupted
)

func (s AnnealStatus) String() string {
	switch s {
	case AnnealSolved:
		return "solved"
	case AnnealStalled:
		return "stalled"
	case AnnealMoveLimit:
		return "move limit"
	case AnnealInterrupted:
		return "interrupted"
	}
	return fmt.Sprintf("AnnealStatus(%d)", int(s))
}

// AnnealResult is the outcome of an annealing run.
type AnnealResult struct {
	// Status says why the run stopped; Solved is Status == AnnealSolved.
	Status AnnealStatus
	Solved bool
	// SolvedBy is the replica that reached zero energy first, or −1.
	SolvedBy int
	// Moves is the number of attempted moves over all replicas (the
	// "iterations" of EXPERIMENTS §II.2); Accepted those accepted.
	Moves, Accepted int64
	// Energies holds every replica's energy E at the end; MinEnergy is
	// their minimum.
	Energies  []int
	MinEnergy int
	// Beta and Gamma are the final β and γ.
	Beta, Gamma float64
	// Distance is the mean over pairs of replicas of the fraction of
	// differing weights at the end (0 for one replica).
	Distance float64
	// Runtime is the wall time of Run.
	Runtime time.Duration
}
