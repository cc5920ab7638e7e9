package mpnet

import (
	"math"
	"sync"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/internal/memlimit"
	"gorgonia.org/tensor"
)

// MaxLayerWeights bounds the number of weights K·N of one layer (2^28, two
// GiB per float64 state tensor), so that a mistyped width is an error and not
// an out-of-memory crash.
const MaxLayerWeights = 1 << 28

// Config describes a network: sizes, the rule of every layer, the weight
// masks and the float type. The zero value is not a valid network: Widths
// and Kinds must be set.
type Config struct {
	// Widths are N_0 … N_L: the input dimension, the hidden widths and the
	// number of outputs (1 for a sign output, C ≥ 2 classes for ArgMax).
	Widths []int
	// Kinds holds the rule of each of the L = len(Widths)−1 weight layers.
	// A multi-class network ends in an ArgMax layer; a one-output network
	// must not. ArgMax is allowed only last (Kind.MultiClass).
	Kinds []Kind
	// Density is the fraction of non-zero weights per layer (ALGORITHMS §11),
	// one value per layer or a single value for all; empty means dense (1).
	// Each value must lie in (0, 1].
	Density []float64
	// Dtype is tensor.Float64 (the CPU default, used if zero) or tensor.Float32.
	Dtype tensor.Dtype
	// DenseStorage keeps masked layers in K×N storage with zeros. By default
	// a layer with density < 1 stores only its present weights, so that a
	// sweep's time and memory scale with the density (BP layers, and AMP
	// layers with AMPUnmaskedSigma, are always dense).
	DenseStorage bool
	// AMPUnmaskedSigma reproduces the reference quirk of ALGORITHMS §15.2: the
	// AMP forward step uses σ = 1 − m² without the mask. Off by default.
	AMPUnmaskedSigma bool
}

// L returns the number of weight layers.
func (c *Config) L() int { return len(c.Widths) - 1 }

// density returns the density of layer l.
func (c *Config) density(l int) float64 {
	switch len(c.Density) {
	case 0:
		return 1
	case 1:
		return c.Density[0]
	}
	return c.Density[l]
}

// dtype returns the configured dtype, float64 if unset.
func (c *Config) dtype() tensor.Dtype {
	if c.Dtype == (tensor.Dtype{}) {
		return tensor.Float64
	}
	return c.Dtype
}

// Validate returns an error naming the first invalid field.
func (c *Config) Validate() error {
	if len(c.Widths) < 2 {
		return errors.Errorf("mpnet: Config.Widths %v: need an input width and at least one layer", c.Widths)
	}
	for l, w := range c.Widths {
		if w < 1 || w > 1<<24 {
			return errors.Errorf("mpnet: Config.Widths[%d] = %d: want a width in [1, 2^24]", l, w)
		}
	}
	L := c.L()
	for l := 0; l < L; l++ {
		if K, N := c.Widths[l+1], c.Widths[l]; K*N > MaxLayerWeights {
			return errors.Errorf("mpnet: layer %d has %d×%d weights, more than the limit of %d", l, K, N, MaxLayerWeights)
		}
	}
	if len(c.Kinds) != L {
		return errors.Errorf("mpnet: Config.Kinds has %d entries for %d weight layers", len(c.Kinds), L)
	}
	for l, k := range c.Kinds {
		if !k.valid() {
			return errors.Errorf("mpnet: Config.Kinds[%d] = %d is not a layer kind", l, int(k))
		}
		if k.MultiClass() && l != L-1 {
			return errors.Errorf("mpnet: Config.Kinds[%d] is %v, which is allowed only as the last layer", l, k)
		}
	}
	out := c.Widths[L]
	switch last := c.Kinds[L-1]; {
	case last.MultiClass() && out < 2:
		return errors.Errorf("mpnet: a multi-class output layer (%v) needs at least 2 classes, Widths ends in %d", last, out)
	case !last.MultiClass() && out != 1:
		return errors.Errorf("mpnet: %d outputs need a multi-class last layer (%s; Kinds[%d] = %v); a sign output has width 1",
			out, kindList(func(ki *kindInfo) bool { return ki.multiClass }), L-1, last)
	}
	if n := len(c.Density); n != 0 && n != 1 && n != L {
		return errors.Errorf("mpnet: Config.Density has %d entries, want 0, 1 or %d", n, L)
	}
	for l, d := range c.Density {
		if !(d > 0 && d <= 1) || math.IsNaN(d) {
			return errors.Errorf("mpnet: Config.Density[%d] = %v: want a value in (0, 1]", l, d)
		}
	}
	for l := 0; l < L && len(c.Density) > 0; l++ {
		if d, n := c.density(l), c.Widths[l]; d*float64(n) < 1 {
			return errors.Errorf("mpnet: Config.Density[%d] = %v: layer %d would keep %.3g of the %d inputs of a unit on average: want a density ≥ 1/%d (at least one weight per unit)", min(l, len(c.Density)-1), d, l, d*float64(n), n, n)
		}
	}
	if dt := c.dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return errors.Errorf("mpnet: Config.Dtype %v: want float32 or float64", dt)
	}
	return nil
}

// Classes returns the number of classes: 2 for a sign output, else N_L (0
// without widths).
func (c *Config) Classes() int {
	if len(c.Widths) == 0 {
		return 0
	}
	if out := c.Widths[len(c.Widths)-1]; out > 1 {
		return out
	}
	return 2
}

// The tensor counts behind MemoryBytes, upper bounds read off the sweep
// graph and checked against measured peaks by TestMemoryBytes.
const (
	// weightTensors counts the weight-shaped tensors of one layer: the
	// state m, σ, H, Hext and the mask, and the results of one sweep (H_in,
	// the new H, m and σ, and the fused cavity output). A rule's extra
	// state tensor (CBPI's Ω, Ωext) counts twice: state and update.
	weightTensors = 10
	// batchTensors counts the (K+N)×B tensors of one layer in a sweep:
	// the input statistics, ω, V, the output functions, the downward
	// fields and their cavity forms.
	batchTensors = 20
	// bpCavityTensors counts the K×N×B tensors of a BP layer: its cavity
	// means and fields and their updates (the new cavity state is bound to
	// the graph's input, not copied).
	bpCavityTensors = 4
)

// MemoryBytes estimates the peak memory, in bytes, of training a network of
// this valid configuration on mini-batches of batch samples. With K×N the
// shape of layer l, s the size of the float type and W_l = K·N (d·K·N for a
// layer stored sparsely at density d < 1), it sums over the layers
//
//	(10 + 2e)·W_l·s (state and one sweep's weight-shaped results, e the
//	                 number of extra state tensors of the rule: 2 for CBPI)
//	+ 8·K·N         (the float64 mask that New draws)
//	+ 20·(K+N)·B·s  (batch-sized messages)
//	+ 6·K·N·B·s     (BP layers only: the cavity messages).
//
// It is an upper estimate for choosing a size, not an exact account (the
// training set is not included), and saturates at math.MaxInt64 instead of
// overflowing; a nil or zero Config needs 0.
func (c *Config) MemoryBytes(batch int) int64 {
	if c == nil {
		return 0
	}
	s := int64(c.dtype().Size())
	B := int64(max(batch, 1))
	var total int64
	for l, k := range c.Kinds {
		if l+1 >= len(c.Widths) || !k.valid() {
			break
		}
		K, N := int64(c.Widths[l+1]), int64(c.Widths[l])
		r := k.info().newRule(c)
		stored := memlimit.Product(K, N)
		if d := c.density(l); d < 1 && !c.DenseStorage && r.sparse() {
			stored = int64(math.Ceil(d * float64(stored)))
		}
		total = memlimit.Sum(total,
			memlimit.Product(int64(weightTensors+2*len(r.extra())), stored, s),
			memlimit.Product(8, K, N),
			memlimit.Product(batchTensors, K+N, B, s))
		if k == BP {
			total = memlimit.Sum(total, memlimit.Product(bpCavityTensors, K, N, B, s))
		}
	}
	return total
}

// memoryLimit returns the memory New allows a network: half the machine's
// (memlimit.Default, read once); a variable for tests.
var memoryLimit = sync.OnceValue(memlimit.Default)

// checkMemory refuses a network whose state alone (MemoryBytes of a batch
// of one) needs more than limit bytes, before anything of its size exists.
func (c *Config) checkMemory(limit int64) error {
	need := c.MemoryBytes(1)
	if limit <= 0 || need <= limit {
		return nil
	}
	return errors.Errorf("mpnet: a network of widths %v needs about %s, more than the memory limit of %s (half the machine's memory)",
		c.Widths, memlimit.Format(need), memlimit.Format(limit))
}
