package pasp

import (
	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/mpnet"
)

// setFocus turns on the focusing of the layers with y > 0 (ALGORITHMS
// §10.3); a network with no focused layer is left untouched. rv has been
// resolved for the network's config (Settings.resolveFor), which has
// validated FocusY.
func setFocus(net *mpnet.Network, rv *resolved, withPrior bool) error {
	on := false
	for _, y := range rv.focusY {
		on = on || y != 0
	}
	if !on {
		return nil
	}
	return errors.Wrap(net.SetFocus(rv.focusY, withPrior), "pasp: focusing")
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
