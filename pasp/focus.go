package pasp

import (
	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/mpnet"
)

// setFocus turns on the focusing of the layers with y > 0 (ALGORITHMS
// §10.3); a network with no focused layer is left untouched. A layer kind
// that cannot be focused (MF, AMP) is a *SettingsError naming FocusY.
func setFocus(net *mpnet.Network, rv *resolved, withPrior bool) error {
	on := false
	for _, y := range rv.focusY {
		on = on || y != 0
	}
	if !on {
		return nil
	}
	if err := net.SetFocus(rv.focusY, withPrior); err != nil {
		return &SettingsError{Field: "FocusY", Err: err}
	}
	return nil
}

// gammaMax caps the focusing coupling γ: tanh(γ) = 1 exactly in float64
// from γ ≈ 19.1 on, so the cap changes no field, and it keeps γ finite (and
// checkpoints valid JSON) however long the schedule runs.
const gammaMax = 30

// advanceR advances the reinforcement of layer l by one step of the
// schedule (§10.2, §10.3): r ← 1 − (1 − r)(1 − RStep) on a plain layer,
// γ ← min(γ·(1 + RStep), gammaMax) on a focused one.
func (t *Trainer) advanceR(l int) {
	if t.rv.focusY[l] != 0 {
		t.r[l] = min(t.r[l]*(1+t.s.RStep), gammaMax)
		return
	}
	t.r[l] = 1 - (1-t.r[l])*(1-t.s.RStep)
}

// ValidateFor is Validate for the network cfg: it also checks what depends
// on the layer kinds, that only BP, BPI and ArgMax layers are focused
// (§10.3). It returns a *SettingsError naming the first invalid field.
func (s *Settings) ValidateFor(cfg mpnet.Config) error {
	rv, err := s.resolve(len(cfg.Widths) - 1)
	if err != nil {
		return err
	}
	for l, y := range rv.focusY {
		if l >= len(cfg.Kinds) {
			break // an invalid cfg is mpnet.Config.Validate's to report
		}
		if k := cfg.Kinds[l]; y != 0 && k != mpnet.BP && k != mpnet.BPI && k != mpnet.ArgMax {
			return &SettingsError{Field: "FocusY", Err: errors.Errorf("layer %d is %v: focusing needs a bp, bpi or argmax layer (ALGORITHMS §10.3)", l, k)}
		}
	}
	return nil
}
