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

// The continuous-weight BPI layer (kind CBPI, ALGORITHMS §4.2, §7.6) has
// Gaussian weights: besides the field H and the prior field Hext it owns the
// precision Ω and the prior precision Ωext (K×N, or nnz vectors for a sparse
// layer), and its marginals are
//
//	m = H/Ω,   σ = 1/Ω   (times the mask).
//
// Its activations are still ±1 sign units, so the forward step is that of
// BPI (ω = m x̂, V = σ(x̂² + Δ) + m²Δ + 1e-8, Bup = atanh2Hm1(−ω/√V)), and
// the cavity contractions Hin and B of its backward step are those of BPI
// (ops.BPICavity). It damps m (towards H/Ω); H, Ω and σ are not damped
// (§10.1). The PasP step sets Hext ← ρH + rbatch·Hext and Ωext ← ρΩ +
// rbatch·Ωext (§9.1). Focusing is not defined for it (§7.6). Point-wise
// predictions use the means m themselves, not their signs (§12.1).

// cbpiBackward adds the backward step of a CBPI layer (ALGORITHMS §7.6):
//
//	g     = g_sign(Btop, ω, V)                                  (K×B)
//	Γ     = g(ω/V + g), non-finite entries set to 0              (K×B)
//	B, Hin: the BPI cavity contractions (bpiBackward)
//	Ωin   = Γ(x̂² + Δ)ᵀ − (g²)Δᵀ                                (K×N; Δ = 0 on the first layer)
//	Ω     = max(1e-6, Ωin + r·Ω_old + Ωext)
//
// It sets s.g and s.omegaNew and returns Hin.
func (b *builder) cbpiBackward(ly *layer, s *layerSweep, btop *gorgonia.Node) *gorgonia.Node {
	hin := b.bpiBackward(ly, s, btop)
	s.g = b.do(ops.SignChannel(btop, s.omega, s.v))   // g = g_sign(Btop, ω, V)
	gamma := b.do(ops.FiniteGamma(s.g, s.omega, s.v)) // Γ = g(ω/V + g)
	var a, c *gorgonia.Node
	if ly.first { // Δ = 0: Ωin = Γ(x̂²)ᵀ
		a = b.gxt(ly, gamma, b.do(ops.Square(s.xhat)))
		c = b.constant(fmt.Sprintf("zeroW%p", ly), 0, ly.m.Shape()...)
	} else {
		a = b.gxt(ly, gamma, b.do(ops.SquarePlus(s.xhat, s.delta))) // Γ(x̂² + Δ)ᵀ
		c = b.gxt(ly, b.do(ops.Square(s.g)), s.delta)               // (g²)Δᵀ
	}
	s.omegaNew = b.do(ops.Precision(a, c, s.omegaExtIn, s.omegaIn, s.r)) // Ω = max(1e-6, Ωin + Ωext + r·Ω_old)
	return hin
}

// cbpiMarginals adds the marginal update of a CBPI layer from the new field
// and precision (ALGORITHMS §7.6):
//
//	m = (ψ·m + (1 − ψ)·H/Ω)·mask,   σ = mask/Ω   (σ not damped).
func (b *builder) cbpiMarginals(ly *layer, s *layerSweep) {
	s.mNew = b.do(ops.DampedGaussianMean(s.m, s.hNew, s.omegaNew, s.mask, s.psi))
	s.sigmaNew = b.do(ops.GaussianVariance(s.omegaNew, s.mask))
}

// initGaussian draws the initial state of a CBPI layer (ALGORITHMS §7.6):
// with stdev = ϵinit/√N and Z standard normal,
//
//	H = Z/stdev,  Ω = 1/stdev²,  Hext = Ωext = 0,  m = H/Ω·mask,  σ = mask/Ω,
//
// so that m ~ N(0, ϵinit²/N) and σ = ϵinit²/N. epsInit must be > 0.
func (ly *layer) initGaussian(epsInit float64, rng *rand.Rand) {
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
	ly.setFull(ly.omega, om)
	ly.setFull(ly.m, m)
	ly.setFull(ly.sigma, s)
	fill(ly.hext, 0)
	fill(ly.omegaExt, 0)
}

// Omega returns the precisions Ω (K×N, row-major) of the Gaussian weights of
// layer l as float64, a copy; nil for a layer that is not CBPI.
func (net *Network) Omega(l int) []float64 {
	ly := net.layers[l]
	if ly.omega == nil {
		return nil
	}
	return ly.full(ly.omega)
}

// Omegaext returns the prior precisions Ωext of layer l as float64, a copy;
// nil for a layer that is not CBPI.
func (net *Network) Omegaext(l int) []float64 {
	ly := net.layers[l]
	if ly.omegaExt == nil {
		return nil
	}
	return ly.full(ly.omegaExt)
}

// moveGaussian moves the precisions Ω and Ωext of the CBPI layers to dev
// (nil: host memory), releasing the old copies on the device they leave;
// part of Network.To.
func (net *Network) moveGaussian(dev ops.Device) error {
	for _, ly := range net.layers {
		for _, t := range []**tensor.Dense{&ly.omega, &ly.omegaExt} {
			if *t == nil {
				continue
			}
			v := float64s(*t)
			if err := net.devErr(); err != nil {
				return err
			}
			u, err := newDenseOn(dev, net.dt, (*t).Shape()...)
			if err != nil {
				return errors.Wrap(err, "mpnet: To: moving the Gaussian precisions")
			}
			setFloat64s(u, v)
			if old := ops.DeviceOf(*t); old != nil {
				old.Release(*t)
			}
			*t = u
		}
	}
	return nil
}

// hasGaussian reports whether the network has a CBPI layer.
func (net *Network) hasGaussian() bool {
	for _, ly := range net.layers {
		if ly.kind == CBPI {
			return true
		}
	}
	return false
}
