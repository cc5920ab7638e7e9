package compare

import (
	"math"
	"math/rand/v2"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// BinaryNet trains a multi-layer perceptron with binary weights and sign
// activations by gradient descent (BASELINES §1), the baseline of every
// binary-weight experiment of the paper. The network has widths
// N_0 … N_L, latent real weights W^l (N_l × N_{l−1}), no biases and no
// batch normalisation:
//
//	W_b^l = sign(W^l)·mask^l                  (W^l·mask^l when not Binary)
//	z^l   = W_b^l h^{l−1} / √N_{l−1},  h^0 = x
//	h^l   = sign(z^l)                         (hidden layers)
//	loss  = Loss(z^L, y)                      (BinaryNetSettings.Loss)
//
// The backward pass is Gorgonia's symbolic differentiation (gorgonia.Grad)
// through the straight-through estimators SignSTE (∂h/∂z = 1[|z| ≤ 1]) and
// BinarizeSTE (∂W_b/∂W = mask); the update is one step of Gorgonia's Adam or
// vanilla solver with a constant learning rate, after which the latent
// weights are clipped to [−1, 1] (Binary only). Masked weights are 0 and
// receive a zero gradient, so they stay 0.
//
// Initialisation (from the seeded source, in this order): the masks of
// every layer as in mpnet.New, then the latent weights of every layer,
// Glorot-uniform W ~ U(−a, a), a = √(6/(N_{l−1} + N_l)), drawn in K×N
// row-major order (masked weights are set to 0).
//
// Point-wise predictions use W_b = sign(W)·mask and sign activations exactly
// like mpnet.Network.Predict (ALGORITHMS §12.1): hidden units take
// sign(a + 1e-10) of the unscaled pre-activation a, a one-output network
// predicts sign(a + 1e-10), a C-output one the first maximum. BinaryNet has
// no Bayesian prediction: the Bayesian errors, Q0 and Qab of its pasp.Eval
// stay zero and empty.
type BinaryNet struct {
	widths []int
	s      BinaryNetSettings
	rv     *bnResolved
	rng    *rand.Rand

	w      []*tensor.Dense // latent weights, N_{l−1}×N_l per layer, shared by every graph
	mask   []*tensor.Dense // masks in the same layout; nil for a dense layer
	solver gorgonia.Solver
	graphs map[int]*bnGraph // one training graph per batch size
	prev   [][]float64      // latent weights before the last step, for Stats.Change

	prog train.Progress // counters and the epoch orders, data.OrderSource(Seed)
}

// NewBinaryNet returns a BinaryNet with widths N_0 … N_L (N_L = 1: one sign
// output for ±1 labels; N_L = C ≥ 2: C classes, argmax) and the settings s,
// initialised from the random source seeded with s.Seed. A nil s means the
// zero BinaryNetSettings. Invalid widths or settings give a
// *BinaryNetSettingsError.
func NewBinaryNet(widths []int, s *BinaryNetSettings) (*BinaryNet, error) {
	if s == nil {
		s = &BinaryNetSettings{}
	}
	if err := bnCheckWidths(widths); err != nil {
		return nil, err
	}
	rv, err := s.resolve(widths)
	if err != nil {
		return nil, err
	}
	bn := &BinaryNet{
		widths: append([]int(nil), widths...),
		s:      *s,
		rv:     rv,
		rng:    rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15)),
		graphs: map[int]*bnGraph{},
	}
	bn.prog.Order = data.OrderSource(s.Seed)
	bn.s.Density = append([]float64(nil), s.Density...)
	L := len(widths) - 1
	masks := make([][]float64, L)
	for l := 0; l < L; l++ { // masks first, as mpnet.New draws them
		K, N := widths[l+1], widths[l]
		if d := rv.density[l]; d < 1 {
			m := make([]float64, K*N)
			for i := range m {
				if bn.rng.Float64() < d {
					m[i] = 1
				}
			}
			masks[l] = m
		}
	}
	for l := 0; l < L; l++ {
		K, N := widths[l+1], widths[l]
		a := math.Sqrt(6 / float64(N+K))
		w := make([]float64, K*N)
		for i := range w {
			w[i] = a * (2*bn.rng.Float64() - 1)
			if masks[l] != nil {
				w[i] *= masks[l][i]
			}
		}
		bn.w = append(bn.w, bnDenseT(rv.dt, w, K, N))
		if masks[l] != nil {
			bn.mask = append(bn.mask, bnDenseT(rv.dt, masks[l], K, N))
		} else {
			bn.mask = append(bn.mask, nil)
		}
		bn.prev = append(bn.prev, make([]float64, K*N))
	}
	if rv.optimizer == OptimizerSGD {
		bn.solver = gorgonia.NewVanillaSolver(gorgonia.WithLearnRate(rv.lr))
	} else {
		bn.solver = gorgonia.NewAdamSolver(gorgonia.WithLearnRate(rv.lr),
			gorgonia.WithBeta1(0.9), gorgonia.WithBeta2(0.999), gorgonia.WithEps(1e-8))
	}
	return bn, nil
}

// bnDenseT returns the N×K tensor of dtype dt holding the transpose of the
// K×N row-major v.
func bnDenseT(dt tensor.Dtype, v []float64, K, N int) *tensor.Dense {
	t := tensor.New(tensor.WithShape(N, K), tensor.Of(dt))
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			bnSet(t, i*K+k, v[k*N+i])
		}
	}
	return t
}

// bnSet sets element j of a float tensor.
func bnSet(t *tensor.Dense, j int, v float64) {
	if t.Dtype() == tensor.Float32 {
		t.Float32s()[j] = float32(v)
	} else {
		t.Float64s()[j] = v
	}
}

// bnGet returns element j of a float tensor.
func bnGet(t *tensor.Dense, j int) float64 {
	if t.Dtype() == tensor.Float32 {
		return float64(t.Float32s()[j])
	}
	return t.Float64s()[j]
}

// Widths returns a copy of N_0 … N_L.
func (bn *BinaryNet) Widths() []int {
	if bn.ready() != nil {
		return nil
	}
	return append([]int(nil), bn.widths...)
}

// L returns the number of weight layers (0 for a zero BinaryNet).
func (bn *BinaryNet) L() int {
	if bn.ready() != nil {
		return 0
	}
	return len(bn.widths) - 1
}

// Settings returns a copy of the settings.
func (bn *BinaryNet) Settings() BinaryNetSettings {
	if bn == nil {
		return BinaryNetSettings{}
	}
	s := bn.s
	s.Density = append([]float64(nil), s.Density...)
	return s
}

// SetRecorder replaces the recorder used by later calls of Fit.
func (bn *BinaryNet) SetRecorder(r pasp.Recorder) {
	if bn != nil {
		bn.s.Recorder = r
	}
}

// Stats returns the counters of the run.
func (bn *BinaryNet) Stats() pasp.Stats {
	if bn == nil {
		return pasp.Stats{}
	}
	return bn.prog.Stats
}

// Weights returns a copy of the latent weights of layer l as a K×N
// row-major slice (K = N_{l+1}, N = N_l, the layout of mpnet); nil if l is
// out of range.
func (bn *BinaryNet) Weights(l int) []float64 {
	if bn.ready() != nil || l < 0 || l >= len(bn.w) {
		return nil
	}
	return bnCopyT(bn.w[l])
}

// Mask returns a copy of the mask of layer l (K×N, 1 present, 0 pruned), or
// nil for a dense layer or an l out of range.
func (bn *BinaryNet) Mask(l int) []float64 {
	if bn.ready() != nil || l < 0 || l >= len(bn.mask) || bn.mask[l] == nil {
		return nil
	}
	return bnCopyT(bn.mask[l])
}

// bnCopyT returns the K×N transpose of the N×K tensor t as float64s.
func bnCopyT(t *tensor.Dense) []float64 {
	N, K := t.Shape()[0], t.Shape()[1]
	out := make([]float64, K*N)
	for i := 0; i < N; i++ {
		for k := 0; k < K; k++ {
			out[k*N+i] = bnGet(t, i*K+k)
		}
	}
	return out
}
