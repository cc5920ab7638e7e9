package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// EBPWeights selects the weight model of Expectation Backpropagation.
type EBPWeights int

const (
	// EBPBinary: W ∈ {±1}, P(W = w) ∝ exp(h·w), Wbar = tanh(h), <W²> = 1.
	EBPBinary EBPWeights = iota
	// EBPGaussian: W ~ N(mu, s2w), Wbar = mu, <W²> = mu² + s2w.
	EBPGaussian
)

func (w EBPWeights) String() string {
	switch w {
	case EBPBinary:
		return "binary"
	case EBPGaussian:
		return "gaussian"
	}
	return fmt.Sprintf("EBPWeights(%d)", int(w))
}

// EBPSettings configure Expectation Backpropagation (BASELINES §2). The
// zero value of every field but Widths is valid.
type EBPSettings struct {
	// Widths are the layer sizes V_0 (input), V_1, …, V_L; at least two.
	// An output width of 1 is the 2-class task (labels ±1, prediction
	// sign); a width C ≥ 2 has one unit per class (labels 0..C−1, targets
	// +1 for the true class and −1 otherwise, prediction argmax).
	Widths []int
	// Weights is the weight model; zero is EBPBinary.
	Weights EBPWeights
	// BatchSize is the number of examples whose updates are accumulated
	// before they are applied; 0 means 1, the online EBP of BASELINES §2.2.
	// The last incomplete batch of an epoch is dropped.
	BatchSize int
	// Epochs is the number of epochs Fit runs; 0 means 1.
	Epochs int
	// InitStd is the standard deviation of the initial fields h (binary)
	// or means mu (Gaussian), drawn i.i.d. N(0, InitStd²); 0 means 1
	// (BASELINES §2.4: Wbar = tanh(h) is then not saturated).
	InitStd float64
	// InitVar is the variance s2w of every Gaussian weight, fixed during
	// training; 0 means 1 (prior variance 1, BASELINES §2.4). Ignored for
	// binary weights.
	InitVar float64
	// Runtime stops Fit after the epoch during which it is exceeded; 0: no limit.
	Runtime time.Duration
	// Seed seeds the one random source of a run (initial weights,
	// shuffling). The same seed gives a bit-identical run.
	Seed uint64
	// TrainEval limits the end-of-epoch training error to the first
	// TrainEval training samples; 0 evaluates the whole training set.
	TrainEval int
	// Recorder receives progress as in pasp.Fit; nil records nothing.
	Recorder pasp.Recorder
}

// EBPSettingsError names an invalid field of EBPSettings.
type EBPSettingsError struct {
	Field string
	Err   error
}

func (e *EBPSettingsError) Error() string {
	return fmt.Sprint("compare: EBPSettings.", e.Field, ": ", e.Err)
}

func (e *EBPSettingsError) Unwrap() error { return e.Err }

// ebpLayer is the state of one layer of K = V_l units with fan-in N = V_{l-1}.
type ebpLayer struct {
	K, N int
	h    []float64 // K×N: fields (binary) or means mu (Gaussian)
	wbar []float64 // K×N: Wbar = tanh(h) or mu
	w2   []float64 // K×N: <W²> = mu² + s2w (Gaussian), nil (binary)
	s2w  []float64 // K×N: weight variances (Gaussian), nil (binary)
	acc  []float64 // K×N: updates accumulated over the running batch

	mu, s2, vbar []float64 // K: pre-activation moments and output means of the last example
	delta        []float64 // K: ∂ log P(y)/∂mu of the last example
	ones         []float64 // K: <v²> = 1 of the layer's outputs
}

// EBP trains a sign-activation MLP by Expectation Backpropagation
// (Soudry, Hubara and Meir 2014; BASELINES §2): a factorised posterior over
// the weights is updated one example (or one accumulated mini-batch) at a
// time by moment propagation forward and log-likelihood derivatives
// backward, with no learning rate. Predictions are point-wise (sign(h) or
// mu) or Bayesian (the forward moment pass; BASELINES §2.3).
type EBP struct {
	s      EBPSettings
	batch  int
	epochs int
	layers []*ebpLayer
	rng    *rand.Rand
	x2     []float64      // N_0: <x²> of the current input
	target []float64      // V_L: ±1 targets of the current example
	prog   train.Progress // counters and the epoch orders, data.OrderSource(Seed)
}

// NewEBP validates s and returns an EBP trainer with weights drawn from
// the random source seeded with s.Seed. A nil s is invalid (Widths is needed).
func NewEBP(s *EBPSettings) (*EBP, error) {
	if s == nil {
		return nil, &EBPSettingsError{"Widths", errors.New("nil settings: want at least two layer widths")}
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	e := &EBP{s: *s, batch: max(s.BatchSize, 1), epochs: max(s.Epochs, 1)}
	e.s.Widths = append([]int(nil), s.Widths...)
	e.rng = rand.New(rand.NewPCG(s.Seed, 0x5eed0ebb))
	e.prog.Order = data.OrderSource(s.Seed)
	std, v0 := s.InitStd, s.InitVar
	if std == 0 {
		std = 1
	}
	if v0 == 0 {
		v0 = 1
	}
	for l := 1; l < len(s.Widths); l++ {
		K, N := s.Widths[l], s.Widths[l-1]
		ly := &ebpLayer{K: K, N: N, h: make([]float64, K*N), wbar: make([]float64, K*N), acc: make([]float64, K*N),
			mu: make([]float64, K), s2: make([]float64, K), vbar: make([]float64, K), delta: make([]float64, K),
			ones: make([]float64, K)}
		for k := range ly.ones {
			ly.ones[k] = 1
		}
		for i := range ly.h {
			ly.h[i] = std * e.rng.NormFloat64()
		}
		if s.Weights == EBPGaussian {
			ly.w2, ly.s2w = make([]float64, K*N), make([]float64, K*N)
			for i := range ly.s2w {
				ly.s2w[i] = v0
			}
		}
		ebpApply(ly.h, ly.wbar, ly.w2, ly.s2w, ly.acc) // acc = 0: only refreshes the moments
		e.layers = append(e.layers, ly)
	}
	e.x2 = make([]float64, s.Widths[0])
	e.target = make([]float64, s.Widths[len(s.Widths)-1])
	return e, nil
}

func (s *EBPSettings) validate() error {
	if len(s.Widths) < 2 {
		return &EBPSettingsError{"Widths", errors.Errorf("%v: want at least two layer widths", s.Widths)}
	}
	for l, w := range s.Widths {
		if w < 1 || w > 1<<20 {
			return &EBPSettingsError{"Widths", errors.Errorf("width %d of layer %d: want 1 ≤ V ≤ 2^20", w, l)}
		}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case s.Weights != EBPBinary && s.Weights != EBPGaussian:
		return &EBPSettingsError{"Weights", errors.Errorf("%v: want EBPBinary or EBPGaussian", s.Weights)}
	case s.BatchSize < 0:
		return &EBPSettingsError{"BatchSize", errors.Errorf("%d: want a size ≥ 1 (0 means 1)", s.BatchSize)}
	case s.Epochs < 0:
		return &EBPSettingsError{"Epochs", errors.Errorf("%d: want a count ≥ 0", s.Epochs)}
	case !finite(s.InitStd) || s.InitStd < 0:
		return &EBPSettingsError{"InitStd", errors.Errorf("%v: want a finite value ≥ 0", s.InitStd)}
	case !finite(s.InitVar) || s.InitVar < 0:
		return &EBPSettingsError{"InitVar", errors.Errorf("%v: want a finite value ≥ 0", s.InitVar)}
	case s.Runtime < 0:
		return &EBPSettingsError{"Runtime", errors.Errorf("%v: want a duration ≥ 0", s.Runtime)}
	case s.TrainEval < 0:
		return &EBPSettingsError{"TrainEval", errors.Errorf("%d: want a count ≥ 0", s.TrainEval)}
	}
	return nil
}

// Settings returns a copy of the trainer's settings.
func (e *EBP) Settings() EBPSettings {
	if e == nil {
		return EBPSettings{}
	}
	return e.s
}

// SetRecorder replaces the recorder that the next Fit reports to.
func (e *EBP) SetRecorder(r pasp.Recorder) {
	if e == nil {
		return
	}
	e.s.Recorder = r
}

// Stats returns the trainer's counters (none for a nil EBP).
func (e *EBP) Stats() (st pasp.Stats) {
	if e != nil {
		st = e.prog.Stats
	}
	return st
}

// layer returns weight layer l, or nil if there is none.
func (e *EBP) layer(l int) *ebpLayer {
	if e.ready() != nil || l < 0 || l >= len(e.layers) {
		return nil
	}
	return e.layers[l]
}

// Mean returns Wbar of weight layer l (V_l×V_{l−1}, row-major) as a
// read-only view that later steps overwrite; nil if l is out of range.
func (e *EBP) Mean(l int) []float64 {
	if ly := e.layer(l); ly != nil {
		return ly.wbar
	}
	return nil
}

// Field returns the fields h (binary) or means mu (Gaussian) of weight
// layer l as a read-only view; nil if l is out of range.
func (e *EBP) Field(l int) []float64 {
	if ly := e.layer(l); ly != nil {
		return ly.h
	}
	return nil
}

// Step runs one EBP step on the B examples of x (B×V_0, row-major) and y
// (labels as described at EBPSettings.Widths): for every example, forward
// moments, output delta and backward deltas with the weights as they were
// before the step, accumulated updates; then the updates are applied to
// every layer (for B = 1, online EBP). It returns an error for inconsistent
// lengths or invalid labels.
func (e *EBP) Step(x []float64, y []int) error {
	if err := e.ready(); err != nil {
		return err
	}
	N0 := e.s.Widths[0]
	if len(x) != len(y)*N0 {
		return errors.Errorf("compare: EBP.Step: %d inputs for %d labels of width %d", len(x), len(y), N0)
	}
	for n, lab := range y {
		if err := e.setTarget(lab); err != nil {
			return errors.Wrapf(err, "compare: EBP.Step: example %d", n)
		}
		in := x[n*N0 : (n+1)*N0]
		e.forward(in)
		e.backward()
		for l, ly := range e.layers {
			ebpAccumulate(ly.acc, ly.delta, e.input(l, in))
		}
	}
	for _, ly := range e.layers {
		ebpApply(ly.h, ly.wbar, ly.w2, ly.s2w, ly.acc)
	}
	e.prog.Stats.Steps++
	return nil
}

// setTarget fills e.target with the ±1 targets of label y.
func (e *EBP) setTarget(y int) error {
	C := len(e.target)
	if err := checkLabel(y, C); err != nil {
		return err
	}
	if C == 1 {
		e.target[0] = float64(y)
		return nil
	}
	for k := range e.target {
		e.target[k] = -1
	}
	e.target[y] = 1
	return nil
}

// input returns the mean input vbar_{l−1} of layer l (x for l = 0).
func (e *EBP) input(l int, x []float64) []float64 {
	if l == 0 {
		return x
	}
	return e.layers[l-1].vbar
}

// forward runs the moment propagation of BASELINES §2.2 for input x:
// vbar_0 = x, <v_0²> = x², then ebpMoments layer by layer with <v_l²> = 1.
func (e *EBP) forward(x []float64) {
	for j, v := range x {
		e.x2[j] = v * v
	}
	xbar, x2 := x, e.x2
	for _, ly := range e.layers {
		ebpMoments(ly.mu, ly.s2, ly.vbar, ly.wbar, ly.w2, xbar, x2)
		xbar, x2 = ly.vbar, ly.ones
	}
}

// backward computes delta_L from the targets, then delta_{l−1} from delta_l.
func (e *EBP) backward() {
	L := len(e.layers)
	out := e.layers[L-1]
	ebpOutputDelta(out.delta, out.mu, out.s2, e.target)
	for l := L - 1; l >= 1; l-- {
		below := e.layers[l-1]
		ebpBackward(below.delta, e.layers[l].delta, e.layers[l].wbar, below.mu, below.s2)
	}
}

// CheckFinite returns a *mpnet.NonFiniteError for the first NaN or Inf in
// the fields (or means) of any layer; Fit calls it after every epoch.
func (e *EBP) CheckFinite() error {
	if err := e.ready(); err != nil {
		return err
	}
	for l, ly := range e.layers {
		for i, v := range ly.h {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return &mpnet.NonFiniteError{Layer: l, Field: "h", Index: i}
			}
		}
	}
	return nil
}
