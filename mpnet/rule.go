package mpnet

import (
	"math"
	"math/rand/v2"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// A rule is what a layer kind does to its layer. Every layer owns one rule
// value (made by the kind's registered constructor, kind.go), which holds
// whatever state the kind adds to the common weight state m, σ, H, Hext
// and mask of the layer: weight-shaped tensors kept across mini-batches
// (CBPI's precisions) and the batch-sized messages of the current sweep
// (AMP's previous iteration, BP's cavities). Each kind lives in one file,
// bpi.go, bp.go, mf.go, amp.go, argmax.go or cbpi.go, whose doc comments
// give its equations (ALGORITHMS §7).
//
// One iteration of the sweep (build.go) is, for every layer from the first
// up, the common inputs x̂ and Δ, the rule's forward step (ω and the σ of
// the variance), then the common V = σ(x̂² + Δ) + m²Δ + 1e-8 and upward
// field Bup; then, from the last layer down, the rule's backward step (Hin
// and the downward field B), the common field update H = Hin + Hext + r·H
// or the focusing field (focus.go), and the rule's marginal update.
type rule interface {
	// extra returns the weight-shaped tensors the rule owns beyond m, σ,
	// H, Hext and mask, in the order the network format stores them; the
	// network allocates, moves and saves them through these slots.
	extra() []**tensor.Dense
	// sparse reports whether a masked layer may store only its present
	// weights (ALGORITHMS §11).
	sparse() bool
	// checkInit returns an error if the rule cannot start from the
	// initial scale epsInit; init draws the initial weight state
	// (ALGORITHMS §9.2) from rng.
	checkInit(epsInit float64) error
	init(ly *layer, epsInit float64, rng *rand.Rand)
	// prior applies the PasP step (ALGORITHMS §9.1) to the extra state.
	prior(rho, rbatch float64)
	// pointWeights turns the K×N means m into the point-wise weights in
	// place (ALGORITHMS §12.1).
	pointWeights(m []float64)
	// validate checks the j-th stored array v of a saved layer (m, H,
	// Hext, mask, then the extra state), given the arrays before it, and
	// returns the index of the first value it refuses with the reason, or
	// −1 and nil. restore sets σ and the extra state from all of them (the
	// network has set m, H, Hext and the mask).
	validate(j int, v []float64, stored [][]float64) (int, error)
	restore(ly *layer, stored [][]float64)

	// bind allocates the rule's batch state for the sweep being built and
	// binds input nodes, named with prefix p, to it.
	bind(b *builder, ly *layer, p string)
	// forward adds the rule's part of the forward step from x̂ and Δ in
	// s: the pre-activation mean ω and the weight variances σ that enter
	// V. bupBelow is the upward field of the layer below (nil for the
	// first layer).
	forward(b *builder, ly *layer, s *layerSweep, bupBelow *gorgonia.Node) (omega, sigma *gorgonia.Node)
	// backward adds the backward step from the field btop of the layer
	// above: it sets s.bNew (not on the first layer) and returns Hin.
	backward(b *builder, ly *layer, s *layerSweep, btop *gorgonia.Node) (hin *gorgonia.Node)
	// marginals adds the marginal update from the new field s.hNew: it
	// sets s.mNew and s.sigmaNew (and may replace s.hNew).
	marginals(b *builder, ly *layer, s *layerSweep)
	// reset resets the batch state for a new mini-batch x (ALGORITHMS
	// §9.1 step 3); commit copies it from the sweep just run, before the
	// network copies m, σ, H and B; release frees its device memory.
	reset(ly *layer, x *tensor.Dense)
	commit(ly *layer, s *layerSweep)
	release(dev ops.Device)
}

// binaryWeights is the weight state of the kinds with ±1 weights (BP, BPI,
// MF, AMP, ArgMax; ALGORITHMS §4.1): nothing beyond m, σ, H, Hext and
// mask, with m = tanh(H)·mask and σ = (1 − m²)·mask.
type binaryWeights struct{}

func (binaryWeights) extra() []**tensor.Dense   { return nil }
func (binaryWeights) checkInit(float64) error   { return nil }
func (binaryWeights) prior(rho, rbatch float64) {}

// restore sets σ = (1 − m²)·mask in the float type of the layer's
// tensors, the arithmetic of the sweep's ops.BinaryVariance: a float32
// network resumes with the σ bits it saved from, not float64's rounding.
func (binaryWeights) restore(ly *layer, stored [][]float64) {
	if ly.sigma.Dtype() == tensor.Float32 {
		ly.setFull(ly.sigma, binaryVariance[float32](stored[0], stored[3]))
		return
	}
	ly.setFull(ly.sigma, binaryVariance[float64](stored[0], stored[3]))
}

// binaryVariance returns (1 − m²)·mask computed in T.
func binaryVariance[T ops.Float](m, mask []float64) []float64 {
	s := make([]float64, len(m))
	for i := range s {
		mi := T(m[i])
		s[i] = float64((1 - mi*mi) * T(mask[i]))
	}
	return s
}

// init draws H = ϵinit·Z with Z standard normal and Hext = 0, and sets
// m = tanh(H)·mask, σ = (1 − m²)·mask (ALGORITHMS §9.2): random initial
// fields break the symmetry between hidden units.
func (binaryWeights) init(ly *layer, epsInit float64, rng *rand.Rand) {
	mask := ly.fullMask()
	h := make([]float64, ly.K*ly.N)
	m := make([]float64, len(h))
	s := make([]float64, len(h))
	for i := range h {
		h[i] = epsInit * rng.NormFloat64()
		m[i] = math.Tanh(h[i]) * mask[i]
		s[i] = (1 - m[i]*m[i]) * mask[i]
	}
	ly.setFull(ly.h, h)
	ly.setFull(ly.m, m)
	ly.setFull(ly.sigma, s)
	fill(ly.hext, 0)
}

// pointWeights sets W = sign(m); m is masked, so a pruned weight is 0.
func (binaryWeights) pointWeights(m []float64) {
	for i, v := range m {
		m[i] = sign(v)
	}
}

// validate refuses a stored mean m outside [−1, 1], for which σ = (1 − m²)·mask
// would be negative.
func (binaryWeights) validate(j int, v []float64, stored [][]float64) (int, error) {
	if j != 0 {
		return -1, nil
	}
	for i, m := range v {
		if math.Abs(m) > 1 {
			return i, errors.Errorf("stored mean m[%d] = %v is outside [-1, 1]", i, m)
		}
	}
	return -1, nil
}

// noBatchState is the batch state of the kinds that keep no messages
// across iterations beyond the common downward field B.
type noBatchState struct{}

func (noBatchState) bind(*builder, *layer, string) {}
func (noBatchState) reset(*layer, *tensor.Dense)   {}
func (noBatchState) commit(*layer, *layerSweep)    {}
func (noBatchState) release(ops.Device)            {}

// dampedTanh adds the marginal update of ±1 weights with damping on m
// (ALGORITHMS §7.1–§7.4, §10.1):
//
//	m = (ψ·m + (1 − ψ)·tanh H)·mask,   σ = (1 − m²)·mask.
func (b *builder) dampedTanh(s *layerSweep) {
	s.mNew = b.do(ops.DampedTanh(s.m, s.hNew, s.mask, s.psi))
	s.sigmaNew = b.do(ops.BinaryVariance(s.mNew, s.mask))
}
