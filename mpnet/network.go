package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// Network is a multi-layer perceptron with ±1 weights and sign activations
// trained by message passing (ALGORITHMS §6). It owns the weight marginals of
// every layer and, for the current mini-batch size, the compiled sweep graph
// and the message state tied to the batch.
//
// A Network comes from New or ReadNetwork. The methods of a nil or zero
// Network return an error (or, for accessors without one, a zero value),
// and the accessors that take a layer index l (M, H, Shape, Kind, …)
// return the zero value of their result (nil, 0, false) for an l outside
// [0, L).
type Network struct {
	cfg    Config
	dt     tensor.Dtype
	layers []*layer
	sw     *sweep     // the sweep graph for the current batch size, nil before SetBatch
	dev    ops.Device // where the message tensors live; nil: host memory (see To)
}

// layer holds the batch-independent state of weight layer l (K outputs, N
// inputs): the weight marginals and fields common to every kind, and the
// rule of its kind with whatever state that adds (rule.go). They are K×N,
// or, for a layer with a sparsity pattern, vectors of the nnz present
// weights in the pattern's row-major order (ALGORITHMS §11: time and
// memory then scale with the density).
type layer struct {
	kind  Kind
	rule  rule
	K, N  int
	first bool // inputs are the data, not activations
	last  bool
	pat   *ops.Pattern // nil: dense K×N storage

	m     *tensor.Dense // posterior mean of the weights
	sigma *tensor.Dense // posterior variance (1 − m²)·mask
	h     *tensor.Dense // total field H
	hext  *tensor.Dense // prior field Hext (the PasP θ)
	mask  *tensor.Dense // 1 for present weights, 0 for pruned ones (all 1 when sparse)
	psi   *tensor.Dense // damping ψ (one element)
	r     *tensor.Dense // reinforcement r (one element)

	focusY     float64 // focusing y (ALGORITHMS §10.3); 0: plain reinforcement (SetFocus)
	focusPrior bool    // focusing: m_js includes Hext
}

// New returns a network for cfg with masks drawn from rng (ALGORITHMS §11)
// and zero fields; call Init before training.
func New(cfg Config, rng *rand.Rand) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("mpnet: New needs a random source")
	}
	cfg.Widths = append([]int(nil), cfg.Widths...)
	cfg.Kinds = append([]Kind(nil), cfg.Kinds...)
	cfg.Density = append([]float64(nil), cfg.Density...)
	net := &Network{cfg: cfg, dt: cfg.dtype()}
	L := cfg.L()
	for l := 0; l < L; l++ {
		K, N := cfg.Widths[l+1], cfg.Widths[l]
		k := cfg.Kinds[l]
		ly := &layer{kind: k, rule: k.info().newRule(&net.cfg), K: K, N: N, first: l == 0, last: l == L-1}
		ly.psi, ly.r = scalar(nil, net.dt, 0), scalar(nil, net.dt, 0)
		mask := make([]float64, K*N)
		d := cfg.density(l)
		for i := range mask {
			if d >= 1 || rng.Float64() < d {
				mask[i] = 1
			}
		}
		ly.setMask(net.dt, mask, d < 1 && net.sparseStorage(ly))
		net.layers = append(net.layers, ly)
	}
	return net, nil
}

// errNoNetwork is what the methods of a nil or zero Network return.
var errNoNetwork = errors.New("mpnet: the Network is nil or a zero value: make it with New or ReadNetwork")

// ready returns errNoNetwork for a Network that New or ReadNetwork did not
// make.
func (net *Network) ready() error {
	if net == nil || len(net.layers) == 0 {
		return errNoNetwork
	}
	return nil
}

// layer returns layer l, or nil for a nil Network or an l outside [0, L).
func (net *Network) layer(l int) *layer {
	if net == nil || l < 0 || l >= len(net.layers) {
		return nil
	}
	return net.layers[l]
}

// sparseStorage reports whether the masked layer ly stores only its
// present weights: unless Config.DenseStorage, when its rule allows it (BP
// keeps K×N×B cavities and stays dense, as does AMP when it reproduces the
// reference's unmasked σ, which involves the absent weights).
func (net *Network) sparseStorage(ly *layer) bool {
	return !net.cfg.DenseStorage && ly.rule.sparse()
}

// setMask (re)allocates the layer's weight state, its rule's extra state
// included, for the K×N mask, with a sparsity pattern if sparse is set; the
// state is zero afterwards.
func (ly *layer) setMask(dt tensor.Dtype, mask []float64, sparse bool) {
	shape := []int{ly.K, ly.N}
	ly.pat = nil
	if sparse {
		ly.pat = ops.NewPattern(ly.K, ly.N, mask)
		shape = []int{ly.pat.NNZ()}
	}
	for _, t := range append([]**tensor.Dense{&ly.m, &ly.sigma, &ly.h, &ly.hext, &ly.mask}, ly.rule.extra()...) {
		*t, _ = newDenseOn(nil, dt, shape...)
	}
	if sparse {
		fill(ly.mask, 1)
	} else {
		setFloat64s(ly.mask, mask)
	}
}

// full returns the K×N row-major float64 values of the weight-shaped state
// tensor t (zeros at absent weights of a sparse layer); a copy.
func (ly *layer) full(t *tensor.Dense) []float64 {
	v := float64s(t)
	if ly.pat == nil {
		return append([]float64(nil), v...)
	}
	out := make([]float64, ly.K*ly.N)
	ly.pat.Expand(out, v)
	return out
}

// fullMask returns the K×N mask.
func (ly *layer) fullMask() []float64 {
	if ly.pat == nil {
		return float64s(ly.mask)
	}
	ones := make([]float64, ly.pat.NNZ())
	for i := range ones {
		ones[i] = 1
	}
	out := make([]float64, ly.K*ly.N)
	ly.pat.Expand(out, ones)
	return out
}

// setFull sets the weight-shaped state tensor t from K×N values.
func (ly *layer) setFull(t *tensor.Dense, v []float64) {
	if ly.pat != nil {
		v = ly.pat.Compress(v)
	}
	setFloat64s(t, v)
}

// Config returns a copy of the network's configuration.
func (net *Network) Config() Config {
	if net == nil {
		return Config{}
	}
	c := net.cfg
	c.Widths = append([]int(nil), c.Widths...)
	c.Kinds = append([]Kind(nil), c.Kinds...)
	c.Density = append([]float64(nil), c.Density...)
	return c
}

// L returns the number of weight layers.
func (net *Network) L() int {
	if net == nil {
		return 0
	}
	return len(net.layers)
}

// Dtype returns the float type of the message tensors.
func (net *Network) Dtype() tensor.Dtype {
	if net == nil {
		return tensor.Dtype{}
	}
	return net.dt
}

// Init draws the initial fields H = ϵinit·Z + Hext with Z standard normal,
// Hext = 0, and sets m = tanh(H)·mask, σ = (1 − m²)·mask (ALGORITHMS §9.2).
// The random initial fields break the symmetry between hidden units. A CBPI
// layer draws Gaussian weights instead (ALGORITHMS §7.6): H = Z·√N/ϵinit,
// Ω = N/ϵinit², Hext = Ωext = 0, so m ~ N(0, ϵinit²/N); it needs ϵinit > 0.
// A nil rng is an error.
func (net *Network) Init(epsInit float64, rng *rand.Rand) error {
	if err := net.ready(); err != nil {
		return err
	}
	if rng == nil {
		return errors.New("mpnet: Init needs a random source (rng is nil)")
	}
	if math.IsNaN(epsInit) || math.IsInf(epsInit, 0) || epsInit < 0 {
		return errors.Errorf("mpnet: EpsInit = %v: want a finite value ≥ 0", epsInit)
	}
	for _, ly := range net.layers {
		if err := ly.rule.checkInit(epsInit); err != nil {
			return err
		}
	}
	for _, ly := range net.layers {
		ly.rule.init(ly, epsInit, rng) // binaryWeights.init, cbpi.init
	}
	if net.sw != nil {
		net.sw.reset(net)
	}
	return nil
}

// SetPrior makes the last posterior the next prior, the PasP step of
// ALGORITHMS §9.1: Hext_l ← ρ_l·H_l + rbatch·Hext_l for every layer l (and
// Ωext_l ← ρ_l·Ω_l + rbatch·Ωext_l for a CBPI layer). rho holds one value
// per layer.
//
// The step is not a node of the sweep graph, which runs τmax times per
// mini-batch while this runs once: it would need a graph of its own and an
// op that package ops does not have, and a graph op writes a fresh output
// that would then be copied back into Hext, where this updates Hext in
// place (a host loop, or the device's Axpby).
func (net *Network) SetPrior(rho []float64, rbatch float64) error {
	if err := net.ready(); err != nil {
		return err
	}
	if len(rho) != len(net.layers) {
		return errors.Errorf("mpnet: SetPrior: %d values of rho for %d layers", len(rho), len(net.layers))
	}
	for l, ly := range net.layers {
		// Hext ← ρ·H + rbatch·Hext
		axpby(ly.hext, rho[l], ly.h, rbatch)
		ly.rule.prior(rho[l], rbatch)
	}
	return nil
}

// M returns the posterior means m (K×N, row-major) of layer l as float64,
// a copy. Masked weights are exactly 0.
func (net *Network) M(l int) []float64 {
	return net.field(l, func(ly *layer) *tensor.Dense { return ly.m })
}

// H returns the total fields H of layer l as float64, a copy.
func (net *Network) H(l int) []float64 {
	return net.field(l, func(ly *layer) *tensor.Dense { return ly.h })
}

// Hext returns the prior fields of layer l as float64, a copy.
func (net *Network) Hext(l int) []float64 {
	return net.field(l, func(ly *layer) *tensor.Dense { return ly.hext })
}

// field returns the K×N float64 copy of the tensor of layer l that f
// selects; nil when there is no layer l.
func (net *Network) field(l int, f func(*layer) *tensor.Dense) []float64 {
	ly := net.layer(l)
	if ly == nil {
		return nil
	}
	return ly.full(f(ly))
}

// Mask returns the weight mask of layer l (1 present, 0 pruned), a copy.
func (net *Network) Mask(l int) []float64 {
	ly := net.layer(l)
	if ly == nil {
		return nil
	}
	return append([]float64(nil), ly.fullMask()...)
}

// NNZ returns the number of weights of layer l that its mask keeps.
func (net *Network) NNZ(l int) int {
	ly := net.layer(l)
	if ly == nil {
		return 0
	}
	if ly.pat != nil {
		return ly.pat.NNZ()
	}
	n := 0
	for _, v := range float64s(ly.mask) {
		if v != 0 {
			n++
		}
	}
	return n
}

// Sparse reports whether layer l stores only its present weights.
func (net *Network) Sparse(l int) bool {
	ly := net.layer(l)
	return ly != nil && ly.pat != nil
}

// Shape returns K, N of layer l.
func (net *Network) Shape(l int) (K, N int) {
	ly := net.layer(l)
	if ly == nil {
		return 0, 0
	}
	return ly.K, ly.N
}

// Kind returns the rule of layer l; for an l outside [0, L) a Kind that is
// none of the registered kinds (its String is "Kind(?)").
func (net *Network) Kind(l int) Kind {
	ly := net.layer(l)
	if ly == nil {
		return Kind(-1)
	}
	return ly.kind
}

// CheckFinite returns a *NonFiniteError for the first NaN or Inf in the
// weight state of any layer (m, H and Hext), or nil.
//
// The check is a reduction to one index per tensor, not a node of the sweep
// graph: package ops has no such op, and the answer has to reach the host
// anyway, which a device does for it and for the change of Iterate in one
// round trip (ops.Device.Check).
func (net *Network) CheckFinite() error {
	if err := net.ready(); err != nil {
		return err
	}
	if net.dev != nil {
		finite := make([]*tensor.Dense, 0, 3*len(net.layers))
		for _, ly := range net.layers {
			finite = append(finite, ly.m, ly.h, ly.hext)
		}
		_, bad, err := net.dev.Check(nil, finite) // one round trip
		if err != nil {
			return errors.Wrap(err, "mpnet: device")
		}
		for j, i := range bad {
			if i >= 0 {
				return &NonFiniteError{Layer: j / 3, Field: [3]string{"m", "H", "Hext"}[j%3], Index: i}
			}
		}
		return nil
	}
	for l, ly := range net.layers {
		for _, f := range []struct {
			name string
			t    *tensor.Dense
		}{{"m", ly.m}, {"H", ly.h}, {"Hext", ly.hext}} {
			if i := firstNonFinite(f.t); i >= 0 {
				return &NonFiniteError{Layer: l, Field: f.name, Index: i}
			}
		}
	}
	return nil
}

// NonFiniteError reports a NaN or Inf in a message.
type NonFiniteError struct {
	Layer int    // weight layer, from 0
	Field string // state name (m, H, Hext, B, ...)
	Index int    // row-major element index
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("mpnet: non-finite value in layer %d, field %s, index %d", e.Layer, e.Field, e.Index)
}
