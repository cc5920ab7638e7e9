package mpnet

import (
	"fmt"
	"math"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"

	"github.com/fbpgo/fbp/ops"
)

// SetFocus turns focusing BP (ALGORITHMS §10.3) on or off per layer: y[l] > 0
// makes layer l replace the reinforcement term r·H_old of its field update
// by the focusing field of y[l] replicas, and the r passed to Iterate then
// plays the coupling γ of that layer:
//
//	m_js = tanh(Hin)   (withPrior: tanh(Hin + Hext))
//	H    = Hin + atanh(tanh(γ)·tanh((y − 1)·atanh(tanh(γ)·m_js))) + Hext
//
// y[l] = 0 keeps the plain update H = Hin + Hext + r·H_old. y holds one
// value per layer or a single value for all layers; a focused y must be a
// finite value ≥ 1 (y = 1 adds nothing), and only BP, BPI and ArgMax layers
// can be focused (§10.3: not MF or AMP). withPrior includes the prior field
// Hext in m_js (the committee-machine reference, §16); the default false
// leaves it out, as the deep-network reference does.
//
// SetFocus drops the compiled sweep graph, which is rebuilt by the next
// SetBatch: call it before loading a mini-batch. The setting is not part of
// the saved network (WriteTo): it is a training option, like ψ and r.
func (net *Network) SetFocus(y []float64, withPrior bool) error {
	if err := net.ready(); err != nil {
		return err
	}
	L := len(net.layers)
	if len(y) != 1 && len(y) != L {
		return errors.Errorf("mpnet: SetFocus: %d values of y for %d layers (want 1 or %d)", len(y), L, L)
	}
	ys := make([]float64, L)
	for l := range ys {
		ys[l] = y[min(l, len(y)-1)]
		if ys[l] == 0 {
			continue
		}
		if math.IsNaN(ys[l]) || math.IsInf(ys[l], 0) || ys[l] < 1 {
			return errors.Errorf("mpnet: SetFocus: y[%d] = %v: want 0 (off) or a finite value ≥ 1", l, ys[l])
		}
		if k := net.layers[l].kind; !k.Focusable() {
			return errors.Errorf("mpnet: SetFocus: layer %d is %v: focusing needs a %s layer (ALGORITHMS §10.3)", l, k, kindList(func(ki *kindInfo) bool { return ki.focusable }))
		}
	}
	for l, ly := range net.layers {
		ly.focusY, ly.focusPrior = ys[l], withPrior
	}
	net.releaseSweep()
	return nil
}

// Focus returns layer l's focusing y (0: off) and whether m_js includes the
// prior field; see SetFocus.
func (net *Network) Focus(l int) (y float64, withPrior bool) {
	ly := net.layer(l)
	if ly == nil {
		return 0, false
	}
	return ly.focusY, ly.focusPrior
}

// field adds the total field update of layer ly from Hin: the plain
// H = Hin + Hext + r·H_old (§7.2, §10.2), or the focusing field of
// ops.FocusField with γ = r when the layer is focused (§10.3).
func (b *builder) field(ly *layer, s *layerSweep, hin *gorgonia.Node) *gorgonia.Node {
	if ly.focusY == 0 {
		return b.do(ops.Field(hin, s.hext, s.h, s.r)) // H = Hin + Hext + r·H_old
	}
	y := b.constant(fmt.Sprintf("y%p", ly), ly.focusY, 1)
	return b.do(ops.FocusField(hin, s.hext, s.r, y, ly.focusPrior)) // H = Hin + Hfoc + Hext
}
