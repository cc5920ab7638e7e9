package compare

import (
	"fmt"
	"math"
	"time"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// Optimizer names accepted by BinaryNetSettings.Optimizer.
const (
	OptimizerAdam = "adam" // gorgonia.NewAdamSolver, β1 = 0.9, β2 = 0.999, ε = 1e-8
	OptimizerSGD  = "sgd"  // gorgonia.NewVanillaSolver: W ← W − LR·∂L/∂W
)

// BinaryNetSettings are the hyper-parameters of BinaryNet training
// (BASELINES §1). The zero value trains continuous weights (§1.3) with Adam
// at LR 1e-3 on mini-batches of 128; DefaultBinaryNetSettings switches on the
// binary weights of §1.2.
type BinaryNetSettings struct {
	// LR is the constant learning rate of the solver; 0 means 1e-3. LR > 0.
	LR float64
	// Optimizer is OptimizerAdam or OptimizerSGD; "" means OptimizerAdam.
	Optimizer string
	// Loss is LossCE, LossLogistic or LossSqHinge; "" means LossCE for a
	// network with C ≥ 2 outputs and LossLogistic for one with one output.
	// LossCE needs C ≥ 2 outputs, LossLogistic exactly one.
	Loss string
	// BatchSize is the mini-batch size B; 0 means 128. The last incomplete
	// mini-batch of every epoch is dropped.
	BatchSize int
	// Epochs is the number of epochs Fit runs; 0 means 1.
	Epochs int
	// Runtime stops Fit after the epoch during which it is exceeded; 0: no limit.
	Runtime time.Duration
	// Seed seeds the one random source of a run (masks, initial weights,
	// shuffling). The same seed gives a bit-identical run on the CPU.
	Seed uint64
	// Density is the fraction of present weights per layer, one value per
	// layer or one for all; empty means dense. Each value lies in (0, 1].
	// Masks are drawn as in mpnet.New: weight (k, i) is present when
	// rng.Float64() < Density, in row-major K×N order, layer by layer.
	Density []float64
	// Binary selects BinaryNet (§1.2): the forward pass uses sign(W) and the
	// latent weights are clipped to [−1, 1] after every update. false is the
	// continuous-weight SGD of §1.3: real weights, no clipping. Sign
	// activations with the hard-tanh straight-through estimator are used
	// either way.
	Binary bool
	// Dtype is tensor.Float64 (used if zero) or tensor.Float32, the float
	// type of the training graph. Evaluation is in float64.
	Dtype tensor.Dtype
	// TrainEval limits the end-of-epoch training error to the first
	// TrainEval training samples; 0 evaluates the whole training set.
	TrainEval int
	// Recorder receives progress, exactly as from pasp.Trainer.Fit; nil
	// records nothing.
	Recorder pasp.Recorder
}

// DefaultBinaryNetSettings returns the settings of BinaryNet as the paper's
// sparse and Bayesian comparisons use it (BASELINES §1.2): binary weights,
// Adam with LR 1e-3, batch 128, one epoch, the default loss for the output.
func DefaultBinaryNetSettings() *BinaryNetSettings {
	return &BinaryNetSettings{LR: 1e-3, Optimizer: OptimizerAdam, BatchSize: 128, Epochs: 1, Binary: true}
}

// BinaryNetSettingsError names an invalid setting or width.
type BinaryNetSettingsError struct {
	Field string
	Err   error
}

func (e *BinaryNetSettingsError) Error() string {
	return fmt.Sprint("compare: BinaryNetSettings.", e.Field, ": ", e.Err)
}

func (e *BinaryNetSettingsError) Unwrap() error { return e.Err }

// bnResolved holds the settings with every default applied.
type bnResolved struct {
	lr        float64
	optimizer string
	loss      string
	batch     int
	epochs    int
	density   []float64 // one per layer
	dt        tensor.Dtype
}

// bnCheckWidths validates the widths N_0 … N_L of a BinaryNet.
func bnCheckWidths(widths []int) error {
	bad := func(format string, args ...any) error {
		return &BinaryNetSettingsError{"Widths", errors.Errorf(format, args...)}
	}
	if len(widths) < 2 {
		return bad("%v: need an input width and at least one layer", widths)
	}
	for l, w := range widths {
		if w < 1 || w > 1<<24 {
			return bad("[%d] = %d: want a width in [1, 2^24]", l, w)
		}
	}
	for l := 1; l < len(widths); l++ {
		if K, N := widths[l], widths[l-1]; K*N > mpnet.MaxLayerWeights {
			return bad("layer %d has %d×%d weights, more than the limit of %d", l-1, K, N, mpnet.MaxLayerWeights)
		}
	}
	return nil
}

// resolve applies the defaults and validates s for a network with the given
// widths (already checked).
func (s *BinaryNetSettings) resolve(widths []int) (*bnResolved, error) {
	L, out := len(widths)-1, widths[len(widths)-1]
	rv := &bnResolved{lr: s.LR, optimizer: s.Optimizer, loss: s.Loss, batch: s.BatchSize, epochs: max(s.Epochs, 1), dt: s.Dtype}
	bad := func(field, format string, args ...any) (*bnResolved, error) {
		return nil, &BinaryNetSettingsError{field, errors.Errorf(format, args...)}
	}
	if rv.lr == 0 {
		rv.lr = 1e-3
	}
	if rv.optimizer == "" {
		rv.optimizer = OptimizerAdam
	}
	if rv.loss == "" {
		rv.loss = LossCE
		if out == 1 {
			rv.loss = LossLogistic
		}
	}
	if rv.batch == 0 {
		rv.batch = 128
	}
	if rv.dt == (tensor.Dtype{}) {
		rv.dt = tensor.Float64
	}
	switch {
	case math.IsNaN(s.LR) || math.IsInf(s.LR, 0) || s.LR < 0:
		return bad("LR", "%v: want a finite value > 0 (0 means 1e-3)", s.LR)
	case rv.optimizer != OptimizerAdam && rv.optimizer != OptimizerSGD:
		return bad("Optimizer", "%q: want %q or %q", s.Optimizer, OptimizerAdam, OptimizerSGD)
	case rv.loss != LossCE && rv.loss != LossLogistic && rv.loss != LossSqHinge:
		return bad("Loss", "%q: want %q, %q or %q", s.Loss, LossCE, LossLogistic, LossSqHinge)
	case rv.loss == LossCE && out < 2:
		return bad("Loss", "%q needs at least 2 outputs, the network has 1 (use %q)", rv.loss, LossLogistic)
	case rv.loss == LossLogistic && out != 1:
		return bad("Loss", "%q needs one output, the network has %d (use %q)", rv.loss, out, LossCE)
	case s.BatchSize < 0:
		return bad("BatchSize", "%d: want a size ≥ 1 (0 means 128)", s.BatchSize)
	case s.Epochs < 0:
		return bad("Epochs", "%d: want a count ≥ 0", s.Epochs)
	case s.Runtime < 0:
		return bad("Runtime", "%v: want a duration ≥ 0", s.Runtime)
	case s.TrainEval < 0:
		return bad("TrainEval", "%d: want a count ≥ 0", s.TrainEval)
	case rv.dt != tensor.Float64 && rv.dt != tensor.Float32:
		return bad("Dtype", "%v: want float64 or float32", s.Dtype)
	}
	switch len(s.Density) {
	case 0:
		rv.density = make([]float64, L)
		for l := range rv.density {
			rv.density[l] = 1
		}
	case 1:
		rv.density = make([]float64, L)
		for l := range rv.density {
			rv.density[l] = s.Density[0]
		}
	case L:
		rv.density = append([]float64(nil), s.Density...)
	default:
		return bad("Density", "%d values for %d layers (want 0, 1 or %d)", len(s.Density), L, L)
	}
	for l, d := range rv.density {
		if !(d > 0 && d <= 1) {
			return bad("Density", "[%d] = %v: want a value in (0, 1]", l, d)
		}
	}
	return rv, nil
}
