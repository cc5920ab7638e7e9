package solver

import (
	"fmt"
	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// Option configures a Solver, in the style of Gorgonia's SolverOpt.
// Options are applied in order and checked by New.
type Option func(*config)

// config collects the options; nil fields keep their defaults.
type config struct {
	kind     mpnet.Kind
	kindSet  bool
	rho, psi []float64
	seed     *uint64
	dtype    tensor.Dtype
	tauMax   *int
	epsInit  *float64
	settings *pasp.Settings
}

// WithLayer sets the message-passing rule of the hidden layers (and of a
// one-unit output layer): mpnet.BPI (the default, the paper's "BP"),
// mpnet.BP, mpnet.MF or mpnet.AMP. A multi-class output layer is always
// mpnet.ArgMax.
func WithLayer(kind mpnet.Kind) Option {
	return func(c *config) { c.kind, c.kindSet = kind, true }
}

// WithRho sets the PasP exponent ρ: one value for every layer or one per
// layer. The next prior field is Hext ← ρ·H. Default: 1+1e-4 on the hidden
// layers and 0.9 on the output layer (pasp.DefaultSettings).
func WithRho(rho ...float64) Option {
	return func(c *config) { c.rho = append([]float64(nil), rho...) }
}

// WithPsi sets the damping ψ ∈ [0, 1): one value for every layer or one
// per layer. Default: 0.8, or 0.81 for AMP and for BPI/BP with more than
// two classes (pasp.DefaultSettings).
func WithPsi(psi ...float64) Option {
	return func(c *config) { c.psi = append([]float64(nil), psi...) }
}

// WithSeed seeds the random initial fields (and nothing else: the solver
// does not shuffle, the user's loop does). Default 0.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = &seed }
}

// WithDtype sets the float type of the message-passing state,
// tensor.Float64 (the default) or tensor.Float32. It is independent of the
// dtype of the user's graph.
func WithDtype(dt tensor.Dtype) Option {
	return func(c *config) { c.dtype = dt }
}

// WithTauMax sets the number of message-passing sweeps per mini-batch
// (default 1).
func WithTauMax(n int) Option {
	return func(c *config) { c.tauMax = &n }
}

// WithEpsInit sets the standard deviation ϵinit of the random initial
// fields (default 1). Zero leaves the hidden layers symmetric: they do not
// learn.
func WithEpsInit(eps float64) Option {
	return func(c *config) { c.epsInit = &eps }
}

// WithSettings replaces the defaults by a copy of s, for the fields that
// have no option of their own (reinforcement, focusing, RBatch). Options
// given with it override its fields whatever their order; its BatchSize,
// Epochs, Runtime, TrainEval and Recorder do not apply to Step.
func WithSettings(s pasp.Settings) Option {
	return func(c *config) { c.settings = &s }
}

// OptionError reports an invalid option.
type OptionError struct {
	Option string // "WithPsi", …
	Err    error
}

func (e *OptionError) Error() string { return fmt.Sprint("solver: ", e.Option, ": ", e.Err) }
func (e *OptionError) Unwrap() error { return e.Err }

// build returns the network configuration and the PasP settings for the
// architecture a: the options over pasp.DefaultSettings for the hidden
// kind, the number of layers and of classes.
func (c *config) build(a *arch) (mpnet.Config, *pasp.Settings, error) {
	L := len(a.widths) - 1
	out := a.widths[L]
	kind := mpnet.BPI
	if c.kindSet {
		kind = c.kind
	}
	if kind != mpnet.BPI && kind != mpnet.BP && kind != mpnet.MF && kind != mpnet.AMP {
		return mpnet.Config{}, nil, &OptionError{"WithLayer", errors.Errorf("%v: want bp, bpi, mf or amp", kind)}
	}
	cfg := mpnet.Config{Widths: append([]int(nil), a.widths...), Kinds: make([]mpnet.Kind, L), Dtype: c.dtype}
	for l := range cfg.Kinds {
		cfg.Kinds[l] = kind
	}
	classes := 2
	if out > 1 {
		cfg.Kinds[L-1], classes = mpnet.ArgMax, out
	}
	if dt := c.dtype; dt != (tensor.Dtype{}) && dt != tensor.Float64 && dt != tensor.Float32 {
		return cfg, nil, &OptionError{"WithDtype", errors.Errorf("%v: want float64 or float32", dt)}
	}
	s := pasp.DefaultSettings(kind, L, classes)
	if c.settings != nil {
		cp := *c.settings
		s = &cp
	}
	s.Recorder = nil
	if c.rho != nil {
		s.Rho = c.rho
	}
	if c.psi != nil {
		s.Psi = c.psi
	}
	if c.seed != nil {
		s.Seed = *c.seed
	}
	if c.tauMax != nil {
		s.TauMax = *c.tauMax
	}
	if c.epsInit != nil {
		s.EpsInit = *c.epsInit
	}
	if err := s.ValidateFor(cfg); err != nil {
		var se *pasp.SettingsError
		name := "WithSettings"
		if errors.As(err, &se) {
			if n, ok := optionOf[se.Field]; ok {
				name = n
			}
		}
		return cfg, nil, &OptionError{name, err}
	}
	return cfg, s, nil
}

// optionOf names the option that sets a field of pasp.Settings.
var optionOf = map[string]string{"Rho": "WithRho", "Psi": "WithPsi", "TauMax": "WithTauMax", "EpsInit": "WithEpsInit"}
