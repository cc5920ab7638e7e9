package compare

import (
	"fmt"
	"math"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/pasp"
)

// RSGDFormula selects how the traced-out (or explicit) centre acts on a
// replica after each of its mini-batches (BASELINES §3.3). With
// S_i = Σ_b W^b_i = y·Hbar_i:
//
//	RSGDSimple:     H^a_i += λ ( tanh(γ S_i) − W^a_i )
//	RSGDHard:       H^a_i += λ ( clamp(γ S_i, −1, 1) − W^a_i )
//	RSGDCorrected:  H^a_i += λ ( tanh(γ S_i) − tanh(γ y) W^a_i )
//	RSGDContinuous: H^a_i += λ ( Hbar_i − W^a_i )
//	RSGDCenter:     H^a_i += λ ( W^c_i − W^a_i ),  H^c_i −= λ ( W^c_i − W^a_i )
//
// For γ = +Inf, tanh(γ S) and clamp(γ S, −1, 1) are sign(S) (0 for S = 0).
type RSGDFormula int

const (
	RSGDSimple RSGDFormula = iota
	RSGDHard
	RSGDCorrected
	RSGDContinuous
	RSGDCenter
)

func (f RSGDFormula) String() string {
	switch f {
	case RSGDSimple:
		return "simple"
	case RSGDHard:
		return "hard"
	case RSGDCorrected:
		return "corrected"
	case RSGDContinuous:
		return "continuous"
	case RSGDCenter:
		return "center"
	}
	return fmt.Sprintf("RSGDFormula(%d)", int(f))
}

// RSGDSettings configure replicated SGD on the robust ensemble for a
// binary committee machine (BASELINES §3, EXPERIMENTS §II.3). Apart from
// K, the zero value runs the non-interacting baseline (Lambda = 0) with
// the reference defaults; DefaultRSGDSettings gives the reference example.
type RSGDSettings struct {
	// K is the number of hidden units; odd, required.
	K int
	// Replicas is the number y of replicas; 0 means 7.
	Replicas int
	// Batch is the mini-batch size of each replica's gradient step; 0 means 5.
	Batch int
	// Eta is the energy-gradient step η; 0 means 2 (the scale of H is
	// arbitrary, only the ratio Lambda/Eta matters).
	Eta float64
	// EtaFactor multiplies Eta after every epoch; 0 means 1.
	EtaFactor float64
	// Lambda is the interaction step λ (η' in the paper); 0 means no
	// interaction: y independent replicas, the baseline of §3.4 (the
	// reference default is 0.1, which must be set explicitly).
	Lambda float64
	// LambdaFactor multiplies Lambda after every epoch; 0 means 1.
	LambdaFactor float64
	// Gamma is the initial coupling γ; 0 means +Inf (the reference default).
	Gamma float64
	// GammaStep is added to Gamma after every epoch ("scoping"); 0: γ stays.
	GammaStep float64
	// Formula is the interaction formula; zero is RSGDSimple.
	Formula RSGDFormula
	// MaxEpochs is the epoch limit; 0 means 1000.
	MaxEpochs int
	// InitIndependent draws every replica's initial H independently; false
	// (the reference default) starts all replicas (and the explicit
	// centre) from one configuration, H uniform ±1.
	InitIndependent bool
	// Seed seeds the one random source of a run (initial H, replica order,
	// pattern order). The same seed gives an identical run.
	Seed uint64
	// Recorder receives StepEnd after every sub-epoch and EpochEnd after
	// every epoch with Stats.Eval.TrainError = the minimum training error
	// (percent) over the replicas and the centre; nil records nothing.
	Recorder pasp.Recorder
}

// DefaultRSGDSettings returns the reference example of BASELINES §3.4 that
// solves K = 5, N = 321, α = 0.5: y = 7, batch 80, λ = 0.75, γ = 0.05
// increased by 0.001 per epoch, η = 2, the simple formula.
func DefaultRSGDSettings(K int) *RSGDSettings {
	return &RSGDSettings{K: K, Replicas: 7, Batch: 80, Eta: 2, Lambda: 0.75, Gamma: 0.05, GammaStep: 0.001, MaxEpochs: 1000}
}

// RSGDSettingsError names an invalid field of RSGDSettings.
type RSGDSettingsError struct {
	Field string
	Err   error
}

func (e *RSGDSettingsError) Error() string {
	return fmt.Sprint("compare: RSGDSettings.", e.Field, ": ", e.Err)
}

func (e *RSGDSettingsError) Unwrap() error { return e.Err }

// rsgdResolved holds the settings with the defaults applied.
type rsgdResolved struct {
	K, y, batch, maxEpochs                  int
	eta, etaF, lambda, lambdaF, gamma, step float64
}

func (s *RSGDSettings) resolve() (*rsgdResolved, error) {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s.K < 1 || s.K%2 == 0 || s.K > 1<<10:
		return nil, &RSGDSettingsError{"K", errors.Errorf("%d: want an odd count in [1, 1023]", s.K)}
	case s.Replicas < 0 || s.Replicas > 1<<10:
		return nil, &RSGDSettingsError{"Replicas", errors.Errorf("%d: want a count in [1, 1024] (0 means 7)", s.Replicas)}
	case s.Batch < 0:
		return nil, &RSGDSettingsError{"Batch", errors.Errorf("%d: want a size ≥ 1 (0 means 5)", s.Batch)}
	case !finite(s.Eta) || s.Eta < 0:
		return nil, &RSGDSettingsError{"Eta", errors.Errorf("%v: want a finite value ≥ 0", s.Eta)}
	case !finite(s.EtaFactor) || s.EtaFactor < 0:
		return nil, &RSGDSettingsError{"EtaFactor", errors.Errorf("%v: want a finite value ≥ 0", s.EtaFactor)}
	case !finite(s.Lambda) || s.Lambda < 0:
		return nil, &RSGDSettingsError{"Lambda", errors.Errorf("%v: want a finite value ≥ 0", s.Lambda)}
	case !finite(s.LambdaFactor) || s.LambdaFactor < 0:
		return nil, &RSGDSettingsError{"LambdaFactor", errors.Errorf("%v: want a finite value ≥ 0", s.LambdaFactor)}
	case math.IsNaN(s.Gamma) || s.Gamma < 0:
		return nil, &RSGDSettingsError{"Gamma", errors.Errorf("%v: want a value ≥ 0 (0 means +Inf)", s.Gamma)}
	case !finite(s.GammaStep):
		return nil, &RSGDSettingsError{"GammaStep", errors.Errorf("%v: want a finite value", s.GammaStep)}
	case s.Formula < RSGDSimple || s.Formula > RSGDCenter:
		return nil, &RSGDSettingsError{"Formula", errors.Errorf("%v: unknown formula", s.Formula)}
	case s.MaxEpochs < 0:
		return nil, &RSGDSettingsError{"MaxEpochs", errors.Errorf("%d: want a count ≥ 0 (0 means 1000)", s.MaxEpochs)}
	}
	r := &rsgdResolved{K: s.K, y: s.Replicas, batch: s.Batch, maxEpochs: s.MaxEpochs,
		eta: s.Eta, etaF: s.EtaFactor, lambda: s.Lambda, lambdaF: s.LambdaFactor, gamma: s.Gamma, step: s.GammaStep}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.y, 7)
	def(&r.batch, 5)
	def(&r.maxEpochs, 1000)
	deff(&r.eta, 2)
	deff(&r.etaF, 1)
	deff(&r.lambdaF, 1)
	deff(&r.gamma, math.Inf(1))
	return r, nil
}

// RSGDResult is the outcome of a replicated-SGD run.
type RSGDResult struct {
	// Solved reports that a replica or the centre classifies every pattern.
	Solved bool
	// SolvedBy is the replica that solved first (0..y−1), y for the
	// centre, or −1.
	SolvedBy int
	// Epochs is the number of epochs run.
	Epochs int
	// MinErrors is the minimum number of training errors over the
	// replicas and the centre after the last epoch.
	MinErrors int
	// Errors holds the training errors of every replica after the last epoch.
	Errors []int
	// CenterErrors is the training error count of the centre: sign(Hbar)
	// (traced-out formulas; H > 0 → +1, else −1) or sign(H^c) (RSGDCenter).
	CenterErrors int
	// Distance is the mean over replicas of the fraction of weights in
	// which the replica differs from the centre, (1/4NK) Σ_i (W^a_i − W^c_i)².
	Distance float64
	// Runtime is the training time, evaluations included.
	Runtime time.Duration
	// Status is pasp.EpochLimit when the run ended unsolved after
	// MaxEpochs, pasp.Interrupted when its context was cancelled; a solved
	// run also reports pasp.EpochLimit with Solved set.
	Status pasp.Status
}
