package pasp

import (
	"fmt"
	"math"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/mpnet"
)

// Settings are the hyper-parameters of PasP training (ALGORITHMS §9–§10).
// Per-layer values (Rho, Psi, R) hold one entry per weight layer or a single
// entry for all layers.
type Settings struct {
	// Rho is the PasP exponent ρ per layer: the next prior field is
	// Hext ← ρ·H + RBatch·Hext. Empty means 1 (pure accumulation). ρ ≥ 0.
	Rho []float64
	// Psi is the damping ψ per layer, in [0, 1). Empty means 0.
	Psi []float64
	// R is the initial reinforcement r per layer, in [0, 1]. Empty means 0,
	// as in every experiment of the paper.
	R []float64
	// RStep advances the reinforcement after every iteration, past the
	// first 10: r ← 1 − (1 − r)(1 − RStep) (ALGORITHMS §10.2), or, on a
	// focused layer, γ ← γ·(1 + RStep) (§10.3). Zero: r stays.
	RStep float64
	// FocusY is the focusing y per layer (ALGORITHMS §10.3). On a layer
	// with y > 0 the field update H = Hin + Hext + r·H_old becomes
	// H = Hin + Hfoc + Hext, the self-interaction of y replicas with coupling
	// γ = r: R is then the initial γ (finite, ≥ 0, may exceed 1; 0 keeps
	// the term off) and RStep scopes it. A focused y is finite and ≥ 1
	// (y = 1 adds nothing); only BP, BPI and ArgMax layers can be focused.
	// Empty or 0: no focusing, as in every experiment of the paper.
	FocusY []float64
	// FocusPrior includes the prior field Hext in the cavity magnetization
	// m_js of the focusing term (the committee-machine reference, §16);
	// false leaves it out, the reference behaviour of §10.3.
	FocusPrior bool
	// RBatch is the extra fraction of the old prior kept in the PasP step (0).
	RBatch float64
	// TauMax is the number of message-passing iterations per mini-batch; 0 means 1.
	TauMax int
	// EpsInit is the standard deviation ϵinit of the random initial fields
	// (symmetry breaking, §9.2). Zero means no randomness, which stops the
	// hidden layers from learning; the paper uses 1 (DefaultSettings).
	EpsInit float64
	// BatchSize is the mini-batch size B; 0 means 128. The last incomplete
	// mini-batch of every epoch is dropped.
	BatchSize int
	// Epochs is the number of epochs Fit runs; 0 means 1.
	Epochs int
	// Runtime stops Fit after the epoch during which it is exceeded; 0: no limit.
	Runtime time.Duration
	// Seed seeds the one random source of a run (masks, initial fields,
	// shuffling). The same seed gives a bit-identical run on the CPU.
	Seed uint64
	// TrainEval limits the end-of-epoch training error to the first
	// TrainEval training samples; 0 evaluates the whole training set (the
	// protocol of EXPERIMENTS §I.1).
	TrainEval int
	// Recorder receives progress; nil records nothing.
	Recorder Recorder
}

// DefaultSettings returns the hyper-parameters of EXPERIMENTS §I.2 (batch
// 128, τmax = 1, ϵinit = 1, r = 0) for an L-layer network whose hidden
// layers are of kind hidden with the given number of classes:
// ρ = 1+1e-4 on the hidden layers and 0.9 on the last, ψ = 0.8 (0.81 for
// AMP, and for BPI on 10 classes).
//
// An L below 1 or above MaxLayers names no network: Rho is then left empty
// (ρ = 1 on every layer), which New and Validate accept for any depth.
func DefaultSettings(hidden mpnet.Kind, L, classes int) *Settings {
	if L < 1 || L > MaxLayers {
		L = 0
	}
	rho := make([]float64, L)
	for l := range rho {
		rho[l] = 1 + 1e-4
	}
	if L > 0 {
		rho[L-1] = 0.9
	}
	psi := 0.8
	if hidden == mpnet.AMP || (classes > 2 && (hidden == mpnet.BPI || hidden == mpnet.BP)) {
		psi = 0.81
	}
	return &Settings{Rho: rho, Psi: []float64{psi}, EpsInit: 1, BatchSize: 128, TauMax: 1, Epochs: 1}
}

// MaxLayers bounds the layer count L that Validate and DefaultSettings take
// (a network that deep would not fit in memory anyway).
const MaxLayers = 1 << 16

// perLayer expands v to L values with default def; it reports an error for
// a length that is neither 0, 1 nor L.
func perLayer(name string, v []float64, L int, def float64) ([]float64, error) {
	out := make([]float64, L)
	switch len(v) {
	case 0:
		for l := range out {
			out[l] = def
		}
	case 1:
		for l := range out {
			out[l] = v[0]
		}
	case L:
		copy(out, v)
	default:
		return nil, &SettingsError{Field: name, Err: errors.Errorf("%d values for %d layers (want 1 or %d)", len(v), L, L)}
	}
	return out, nil
}

// SettingsError names an invalid setting.
type SettingsError struct {
	Field string
	Err   error
}

func (e *SettingsError) Error() string { return fmt.Sprint("pasp: Settings.", e.Field, ": ", e.Err) }
func (e *SettingsError) Unwrap() error { return e.Err }

// resolved holds settings with every default applied and checked.
type resolved struct {
	rho, psi, r []float64
	focusY      []float64 // 0: plain reinforcement on that layer
	tauMax      int
	batch       int
	epochs      int
}

// Validate returns a *SettingsError naming the first invalid field of s for
// an L-layer network; ValidateFor also checks what depends on the layer
// kinds. An L outside [1, MaxLayers] is a *SettingsError for the field
// "L"; a nil s is the zero Settings.
func (s *Settings) Validate(L int) error {
	if L < 1 || L > MaxLayers {
		return &SettingsError{"L", errors.Errorf("Validate(%d): want a layer count in [1, %d]", L, MaxLayers)}
	}
	_, err := s.resolve(L, nil)
	return err
}

// ValidateFor is Validate for the network cfg: it also checks that only BP,
// BPI and ArgMax layers are focused (ALGORITHMS §10.3). An invalid cfg is
// mpnet.Config.Validate's to report. It returns a *SettingsError naming the
// first invalid field.
func (s *Settings) ValidateFor(cfg mpnet.Config) error {
	_, err := s.resolveFor(cfg)
	return err
}

// resolveFor is resolve for the network cfg: New, ValidateFor and Load
// all resolve the settings here.
func (s *Settings) resolveFor(cfg mpnet.Config) (*resolved, error) {
	return s.resolve(max(cfg.L(), 0), cfg.Kinds)
}

// resolve applies the defaults and validates s for an L-layer network
// whose layer kinds are kinds (nil: not known, the kinds are not checked).
func (s *Settings) resolve(L int, kinds []mpnet.Kind) (*resolved, error) {
	if s == nil {
		s = &Settings{}
	}
	var rv resolved
	var err error
	if rv.rho, err = perLayer("Rho", s.Rho, L, 1); err != nil {
		return nil, err
	}
	if rv.psi, err = perLayer("Psi", s.Psi, L, 0); err != nil {
		return nil, err
	}
	if rv.r, err = perLayer("R", s.R, L, 0); err != nil {
		return nil, err
	}
	if rv.focusY, err = perLayer("FocusY", s.FocusY, L, 0); err != nil {
		return nil, err
	}
	for l := 0; l < L; l++ {
		if err := rv.checkLayer(l, kinds); err != nil {
			return nil, err
		}
	}
	if err := s.checkScalars(); err != nil {
		return nil, err
	}
	rv.tauMax, rv.batch, rv.epochs = max(s.TauMax, 1), s.BatchSize, max(s.Epochs, 1)
	if rv.batch == 0 {
		rv.batch = 128
	}
	return &rv, nil
}

// checkLayer checks the per-layer values of layer l. This is the one
// place where FocusY is validated: a focused y is finite and ≥ 1, on a
// BP, BPI or ArgMax layer (ALGORITHMS §10.3), and turns r into the
// coupling γ, which may exceed 1.
func (rv *resolved) checkLayer(l int, kinds []mpnet.Kind) error {
	if !finite(rv.rho[l]) || rv.rho[l] < 0 {
		return &SettingsError{"Rho", errors.Errorf("ρ[%d] = %v: want a finite value ≥ 0", l, rv.rho[l])}
	}
	if !finite(rv.psi[l]) || rv.psi[l] < 0 || rv.psi[l] >= 1 {
		return &SettingsError{"Psi", errors.Errorf("ψ[%d] = %v: want a value in [0, 1)", l, rv.psi[l])}
	}
	y, r := rv.focusY[l], rv.r[l]
	if y == 0 {
		if !finite(r) || r < 0 || r > 1 {
			return &SettingsError{"R", errors.Errorf("r[%d] = %v: want a value in [0, 1]", l, r)}
		}
		return nil
	}
	if !finite(y) || y < 1 {
		return &SettingsError{"FocusY", errors.Errorf("y[%d] = %v: want 0 (off) or a finite value ≥ 1", l, y)}
	}
	if !finite(r) || r < 0 {
		return &SettingsError{"R", errors.Errorf("γ = r[%d] = %v on a focused layer: want a finite value ≥ 0", l, r)}
	}
	if l < len(kinds) {
		if k := kinds[l]; k != mpnet.BP && k != mpnet.BPI && k != mpnet.ArgMax {
			return &SettingsError{"FocusY", errors.Errorf("layer %d is %v: focusing needs a bp, bpi or argmax layer (ALGORITHMS §10.3)", l, k)}
		}
	}
	return nil
}

// checkScalars checks the settings that are not per layer.
func (s *Settings) checkScalars() error {
	switch {
	case !finite(s.RStep) || s.RStep < 0 || s.RStep >= 1:
		return &SettingsError{"RStep", errors.Errorf("%v: want a value in [0, 1)", s.RStep)}
	case !finite(s.RBatch) || s.RBatch < 0:
		return &SettingsError{"RBatch", errors.Errorf("%v: want a finite value ≥ 0", s.RBatch)}
	case !finite(s.EpsInit) || s.EpsInit < 0:
		return &SettingsError{"EpsInit", errors.Errorf("%v: want a finite value ≥ 0", s.EpsInit)}
	case s.TauMax < 0 || s.TauMax > 1e6:
		return &SettingsError{"TauMax", errors.Errorf("%d: want a count in [0, 1e6]", s.TauMax)}
	case s.BatchSize < 0:
		return &SettingsError{"BatchSize", errors.Errorf("%d: want a size ≥ 1 (0 means 128)", s.BatchSize)}
	case s.Epochs < 0:
		return &SettingsError{"Epochs", errors.Errorf("%d: want a count ≥ 0", s.Epochs)}
	case s.TrainEval < 0:
		return &SettingsError{"TrainEval", errors.Errorf("%d: want a count ≥ 0", s.TrainEval)}
	case s.Runtime < 0:
		return &SettingsError{"Runtime", errors.Errorf("%v: want a duration ≥ 0", s.Runtime)}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
