package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// cbpi is the rule of the continuous-weight BPI layer (ALGORITHMS §4.2,
// §7.6). Its weights are Gaussian: besides the field H and the prior field
// Hext it owns the precision Ω and the prior precision Ωext (K×N, or nnz
// vectors for a sparse layer; stored in the network format after Hext and
// the mask, version 2), and its marginals are
//
//	m = H/Ω,   σ = 1/Ω   (times the mask).
//
// Its activations are still ±1 sign units, so the forward step is that of
// BPI (ω = m x̂, V = σ(x̂² + Δ) + m²Δ + 1e-8, Bup = atanh2Hm1(−ω/√V)), and
// the cavity contractions Hin and B of its backward step are those of BPI
// (bpiCavity). Backward:
//
//	g     = g_sign(Btop, ω, V)                                  (K×B)
//	Γ     = g(ω/V + g), non-finite entries set to 0              (K×B)
//	Ωin   = Γ(x̂² + Δ)ᵀ − (g²)Δᵀ                                (K×N; Δ = 0 on the first layer)
//	Ω     = max(1e-6, Ωin + r·Ω_old + Ωext),   H = Hin + Hext + r·H_old
//	m     = (ψ·m + (1 − ψ)·H/Ω)·mask,          σ = mask/Ω
//
// It damps m (towards H/Ω); H, Ω and σ are not damped (§10.1). The PasP
// step sets Hext ← ρH + rbatch·Hext and Ωext ← ρΩ + rbatch·Ωext (§9.1).
// Focusing is not defined for it (§7.6). Point-wise predictions use the
// means m themselves, not their signs (§12.1).
type cbpi struct {
	noBatchState
	bpiForward

	omega, omegaExt     *tensor.Dense  // Ω and Ωext
	omegaIn, omegaExtIn *gorgonia.Node // input nodes bound to them
	omegaNew            *gorgonia.Node // the new precision Ω
}

func newCBPI(*Config) rule { return &cbpi{} }

func (r *cbpi) extra() []**tensor.Dense { return []**tensor.Dense{&r.omega, &r.omegaExt} }

func (*cbpi) sparse() bool { return true }

// bind binds input nodes to Ω and Ωext, which are weight state, not batch
// state: nothing to reset or release per mini-batch.
func (r *cbpi) bind(b *builder, _ *layer, p string) {
	r.omegaIn, r.omegaExtIn = b.input(p+"Omega", r.omega), b.input(p+"Omegaext", r.omegaExt)
}

func (r *cbpi) backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	hin := b.bpiCavity(ly, s, btop)
	g := b.do(ops.SignChannel(btop, s.omega, s.v))  // g = g_sign(Btop, ω, V)
	gamma := b.do(ops.FiniteGamma(g, s.omega, s.v)) // Γ = g(ω/V + g)
	var a, c *gorgonia.Node
	if ly.first { // Δ = 0: Ωin = Γ(x̂²)ᵀ
		a = b.gxt(ly, gamma, b.do(ops.Square(s.xhat)))
		c = b.constant(fmt.Sprintf("zeroW%p", ly), 0, ly.m.Shape()...)
	} else {
		a = b.gxt(ly, gamma, b.do(ops.SquarePlus(s.xhat, s.delta))) // Γ(x̂² + Δ)ᵀ
		c = b.gxt(ly, b.do(ops.Square(g)), s.delta)                 // (g²)Δᵀ
	}
	r.omegaNew = b.do(ops.Precision(a, c, r.omegaExtIn, r.omegaIn, s.r)) // Ω = max(1e-6, Ωin + Ωext + r·Ω_old)
	return hin
}

// marginals sets m = (ψm + (1−ψ)H/Ω)·mask and σ = mask/Ω (σ not damped).
func (r *cbpi) marginals(b *builder, _ *layer, s *layerSweep) {
	s.mNew = b.do(ops.DampedGaussianMean(s.m, s.hNew, r.omegaNew, s.mask, s.psi))
	s.sigmaNew = b.do(ops.GaussianVariance(r.omegaNew, s.mask))
}

func (r *cbpi) commit(*layer, *layerSweep) { copyDense(r.omega, value(r.omegaNew)) }

// prior sets Ωext ← ρ·Ω + rbatch·Ωext.
func (r *cbpi) prior(rho, rbatch float64) { axpby(r.omegaExt, rho, r.omega, rbatch) }

// pointWeights leaves W = m: the weights are continuous.
func (*cbpi) pointWeights([]float64) {}

func (*cbpi) checkInit(epsInit float64) error {
	if epsInit == 0 {
		return errors.New("mpnet: EpsInit = 0: a cbpi layer needs EpsInit > 0 (its initial weight variance is EpsInit²/N)")
	}
	return nil
}

// init draws the initial state (ALGORITHMS §7.6): with stdev = ϵinit/√N
// and Z standard normal,
//
//	H = Z/stdev,  Ω = 1/stdev²,  Hext = Ωext = 0,  m = H/Ω·mask,  σ = mask/Ω,
//
// so that m ~ N(0, ϵinit²/N) and σ = ϵinit²/N.
func (r *cbpi) init(ly *layer, epsInit float64, rng *rand.Rand) {
	stdev := epsInit / math.Sqrt(float64(ly.N))
	mask := ly.fullMask()
	n := ly.K * ly.N
	h, om, m, s := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range h {
		h[i] = rng.NormFloat64() / stdev
		om[i] = 1 / (stdev * stdev)
		m[i] = h[i] / om[i] * mask[i]
		s[i] = mask[i] / om[i]
	}
	ly.setFull(ly.h, h)
	ly.setFull(r.omega, om)
	ly.setFull(ly.m, m)
	ly.setFull(ly.sigma, s)
	fill(ly.hext, 0)
	fill(r.omegaExt, 0)
}

// validate refuses a stored precision Ω of a present weight below the floor
// of ops.Precision.
func (*cbpi) validate(j int, v []float64, stored [][]float64) (int, error) {
	if j != 4 {
		return -1, nil
	}
	mask := stored[3]
	for i, om := range v {
		if mask[i] != 0 && !(om >= ops.PrecisionFloor) {
			return i, errors.Errorf("stored precision Ω[%d] = %v is below %v", i, om, ops.PrecisionFloor)
		}
	}
	return -1, nil
}

// restore sets Ω, Ωext and σ = mask/Ω.
func (r *cbpi) restore(ly *layer, stored [][]float64) {
	mask, om := stored[3], stored[4]
	s := make([]float64, len(mask))
	for i := range s {
		if mask[i] != 0 {
			s[i] = mask[i] / om[i]
		}
	}
	ly.setFull(r.omega, om)
	ly.setFull(r.omegaExt, stored[5])
	ly.setFull(ly.sigma, s)
}

// Omega returns the precisions Ω (K×N, row-major) of the Gaussian weights of
// layer l as float64, a copy; nil for a layer that is not CBPI.
func (net *Network) Omega(l int) []float64 {
	if ly := net.layer(l); ly != nil {
		if r, ok := ly.rule.(*cbpi); ok {
			return ly.full(r.omega)
		}
	}
	return nil
}

// Omegaext returns the prior precisions Ωext of layer l as float64, a copy;
// nil for a layer that is not CBPI.
func (net *Network) Omegaext(l int) []float64 {
	if ly := net.layer(l); ly != nil {
		if r, ok := ly.rule.(*cbpi); ok {
			return ly.full(r.omegaExt)
		}
	}
	return nil
}
