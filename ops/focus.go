package ops

import (
	"math"

	"gorgonia.org/gorgonia"
)

// This file holds the focusing field update of ALGORITHMS §10.3: the
// self-interaction of a weight with y − 1 traced-out replicas through a
// reference coupled with strength γ (seed 001, Eq. 7), which replaces the
// reinforcement term r·H_old of Field when focusing is on.

// FocusField returns the node H = Hin + Hfoc + Hext, the total field on a
// weight after one backward step with focusing y and coupling γ (scalars,
// one element each; ALGORITHMS §10.3):
//
//	t_γ   = tanh(γ)
//	m_js  = tanh(Hin)                    (withPrior: tanh(Hin + Hext))
//	m_foc = t_γ·tanh((y − 1)·atanh(t_γ·m_js))
//	Hfoc  = atanh(m_foc)
//	H     = Hin + Hfoc + Hext
//
// The default (withPrior false) leaves the prior field Hext out of the
// cavity magnetization m_js, as the deep-network reference does; withPrior
// includes it, as the committee-machine reference does (§16, where the
// focusing node sees every other factor). The two are distinct ops.
//
// Method: every step is evaluated in float64 (float32 inputs are widened
// and the result rounded once). Both atanh are ClippedAtanh: t_γ·m_js and
// m_foc round to ±1 when γ and Hin are large (tanh(x) = 1 in float64 for
// x > 19.1), and then give the field ±25 of §3.3 instead of ±Inf.
//
// Accuracy: relative-or-absolute error ≤ 1e-12 (float64) and ≤ 1e-5
// (float32) against the formula evaluated term by term.
//
// Special cases are:
//
//	Hfoc = 0 for y = 1, γ = 0 or m_js = 0
//	Hfoc = sign(m_js)·25 when t_γ = 1 and |m_js| = 1 (saturated)
//	H = NaN if any input is NaN
func FocusField(hin, hext, gamma, y *gorgonia.Node, withPrior bool) (*gorgonia.Node, error) {
	if withPrior {
		return mapNode(focusFieldPriorK, hin, hext, gamma, y)
	}
	return mapNode(focusFieldK, hin, hext, gamma, y)
}

var (
	focusFieldK      = newKernel("FocusField", 2, 2, 80, focusField[float64], focusField[float32])
	focusFieldPriorK = newKernel("FocusFieldPrior", 2, 2, 80, focusFieldPrior[float64], focusFieldPrior[float32])
)

// focusField: dst = Hin + Hfoc(tanh(Hin); γ, y) + Hext.
func focusField[T Float](dst []T, in [][]T, p []T) {
	hin, hext := in[0][:len(dst)], in[1][:len(dst)]
	tg, y1 := math.Tanh(float64(p[0])), float64(p[1])-1
	for j := range dst {
		h, e := float64(hin[j]), float64(hext[j])
		dst[j] = T(h + focus(math.Tanh(h), tg, y1) + e)
	}
}

// focusFieldPrior: dst = Hin + Hfoc(tanh(Hin + Hext); γ, y) + Hext.
func focusFieldPrior[T Float](dst []T, in [][]T, p []T) {
	hin, hext := in[0][:len(dst)], in[1][:len(dst)]
	tg, y1 := math.Tanh(float64(p[0])), float64(p[1])-1
	for j := range dst {
		h, e := float64(hin[j]), float64(hext[j])
		dst[j] = T(h + focus(math.Tanh(h+e), tg, y1) + e)
	}
}

// focus returns the focusing field Hfoc = atanh(t_γ·tanh((y − 1)·atanh(t_γ·m)))
// for the cavity magnetization m, t_γ = tanh(γ) and y1 = y − 1.
func focus(m, tg, y1 float64) float64 {
	return ClippedAtanh(tg * math.Tanh(y1*ClippedAtanh(tg*m)))
}
