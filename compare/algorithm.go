package compare

import (
	"strings"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
	"github.com/fbpgo/fbp/pasp"
)

// Algorithms lists the names NewAlgorithm accepts:
//
//	bp, bpi, mf, amp  message passing with the PasP rule (pasp.Trainer), every
//	                  hidden layer of that kind, an ArgMax output for C ≥ 3 classes
//	amp-unmasked      amp whose variances ignore the sparsity mask (mpnet.Config.AMPUnmaskedSigma)
//	cbpi              BPI with continuous Gaussian weights
//	binarynet         BinaryNet: binary weights, straight-through estimators
//	sgd               the same network with continuous weights
//	ebp, ebp-gauss    Expectation Backpropagation, binary or Gaussian weights
var Algorithms = []string{"bp", "bpi", "mf", "amp", "amp-unmasked", "cbpi", "binarynet", "sgd", "ebp", "ebp-gauss"}

// EBPBatch is the number of examples EBP accumulates before an update when
// built by NewAlgorithm: 10, the "b10" of the reference's result files
// (BASELINES §2.4).
const EBPBatch = 10

// AlgorithmSettings configures NewAlgorithm. The zero value of every field
// but Widths is a documented default.
type AlgorithmSettings struct {
	// Widths are N_0 … N_L. The last is 1 for two classes (one sign
	// output) and the number of classes C ≥ 3 otherwise.
	Widths []int
	// Density is the fraction of non-zero weights of every layer, in (0, 1].
	// Zero or 1 means dense layers. EBP has no sparse layers.
	Density float64
	// BatchSize is the mini-batch size of message passing, BinaryNet and
	// SGD; zero means the trainer's default. EBP uses EBPBatch.
	BatchSize int
	// Epochs is the number of epochs of one Fit; zero means 1.
	Epochs int
	// Seed seeds the run: the same seed gives a bit-identical run on the CPU.
	Seed uint64
	// TrainEval limits the end-of-epoch training error to the first
	// TrainEval training samples; zero evaluates the whole training set.
	TrainEval int
	// Rho and Psi override ρ and ψ per layer (one value or one per layer)
	// of message passing. Nil takes pasp.DefaultSettings for the kind, the
	// depth and the number of classes.
	Rho, Psi []float64
	// LR and Optimizer ("adam" or "sgd") are the learning rate and the
	// optimizer of BinaryNet and SGD; zero values take the defaults of
	// BinaryNetSettings.
	LR        float64
	Optimizer string
	// Dtype is the float type of message passing, BinaryNet and SGD (EBP is
	// float64). The zero value is float64, or float32 with a Device.
	Dtype tensor.Dtype
	// Device, if not nil, holds the messages of a message-passing network
	// (dense mask storage, as the GPU kernels are dense). The other
	// algorithms run on the CPU and ignore it. The caller closes it.
	Device ops.Device
}

// MessagePassing reports whether the algorithm name trains by PasP.
func MessagePassing(name string) bool {
	switch name {
	case "bp", "bpi", "mf", "amp", "amp-unmasked", "cbpi":
		return true
	}
	return false
}

// HasBayes reports whether the algorithm name makes Bayesian predictions
// (message passing and EBP do; BinaryNet and SGD do not).
func HasBayes(name string) bool { return name != "binarynet" && name != "sgd" }

// NewAlgorithm builds the trainer of the algorithm name (one of Algorithms)
// with the settings s. It returns an error naming the algorithm or the
// setting for an unknown name or invalid settings.
func NewAlgorithm(name string, s *AlgorithmSettings) (Fitter, error) {
	if s == nil {
		return nil, errors.New("compare: NewAlgorithm: nil settings (Widths are needed)")
	}
	switch name {
	case "binarynet", "sgd":
		bs := &BinaryNetSettings{LR: s.LR, Optimizer: s.Optimizer, BatchSize: s.BatchSize, Epochs: s.Epochs,
			Seed: s.Seed, Binary: name == "binarynet", TrainEval: s.TrainEval, Dtype: s.Dtype}
		if s.Density > 0 && s.Density < 1 {
			bs.Density = []float64{s.Density}
		}
		return NewBinaryNet(s.Widths, bs)
	case "ebp", "ebp-gauss":
		if s.Density > 0 && s.Density < 1 {
			return nil, errors.New("EBP has no sparse layers")
		}
		w := EBPBinary
		if name == "ebp-gauss" {
			w = EBPGaussian
		}
		return NewEBP(&EBPSettings{Widths: s.Widths, Weights: w, BatchSize: EBPBatch,
			Epochs: s.Epochs, Seed: s.Seed, TrainEval: s.TrainEval})
	}
	cfg, ps, err := PaspSettings(name, s)
	if err != nil {
		return nil, err
	}
	tr, err := pasp.New(cfg, ps)
	if err != nil {
		return nil, err
	}
	if s.Device != nil {
		if err := tr.Network().To(s.Device); err != nil {
			return nil, errors.Wrap(err, "compare: device")
		}
	}
	return tr, nil
}

// PaspSettings returns the network configuration and the trainer settings
// NewAlgorithm uses for the message-passing algorithm name: the
// hyper-parameters of pasp.DefaultSettings with the overrides of s.
func PaspSettings(name string, s *AlgorithmSettings) (mpnet.Config, *pasp.Settings, error) {
	if !MessagePassing(name) {
		return mpnet.Config{}, nil, errors.Errorf("compare: unknown algorithm %q (want %s)", name, strings.Join(Algorithms, ", "))
	}
	if s == nil {
		return mpnet.Config{}, nil, errors.New("compare: PaspSettings: nil settings (Widths are needed)")
	}
	if len(s.Widths) < 2 {
		return mpnet.Config{}, nil, errors.Errorf("compare: widths %v: want an input width and at least one layer", s.Widths)
	}
	kindName := name
	if name == "amp-unmasked" {
		kindName = "amp"
	}
	kind, err := mpnet.ParseKind(kindName)
	if err != nil {
		return mpnet.Config{}, nil, err
	}
	L := len(s.Widths) - 1
	classes := max(s.Widths[L], 2) // one sign output for two classes
	cfg := mpnet.Config{Widths: s.Widths, Kinds: mpnet.Kinds(kind, L, classes), Dtype: s.Dtype,
		AMPUnmaskedSigma: name == "amp-unmasked"}
	if s.Density > 0 && s.Density < 1 {
		cfg.Density = []float64{s.Density}
	}
	if s.Device != nil {
		cfg.DenseStorage = true
		if s.Dtype == (tensor.Dtype{}) {
			cfg.Dtype = tensor.Float32
		}
	}
	ps := pasp.DefaultSettings(kind, L, classes)
	if s.Rho != nil {
		ps.Rho = s.Rho
	}
	if s.Psi != nil {
		ps.Psi = s.Psi
	}
	ps.Seed, ps.Epochs, ps.BatchSize, ps.TrainEval = s.Seed, s.Epochs, s.BatchSize, s.TrainEval
	return cfg, ps, nil
}
