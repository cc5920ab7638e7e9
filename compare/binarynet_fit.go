package compare

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// Fit trains for Settings.Epochs epochs on train, evaluating the point-wise
// errors on train and test before the first epoch (epoch 0, only on a fresh
// network) and after each, exactly as pasp.Trainer.Fit does: the Recorder
// gets Init, then StepEnd after every mini-batch and EpochEnd after every
// evaluation, so pasp.Printer and pasp.JSONRecorder work unchanged. Every
// epoch draws a fresh permutation of train from the run's random source and
// drops the last incomplete mini-batch. Fit stops early when Runtime is
// exceeded or ctx is cancelled (after the current mini-batch); the Result's
// Status says why. test may be nil. Invalid sets give an error.
func (bn *BinaryNet) Fit(ctx context.Context, train, test *data.Set) (*pasp.Result, error) {
	if err := bn.checkSet("training", train); err != nil {
		return nil, err
	}
	if test != nil {
		if err := bn.checkSet("test", test); err != nil {
			return nil, err
		}
	}
	B := bn.rv.batch
	if B > train.M {
		return nil, &BinaryNetSettingsError{"BatchSize", errors.Errorf("%d is larger than the training set (%d samples)", B, train.M)}
	}
	rec := bn.s.Recorder
	if rec == nil {
		rec = bnNopRecorder{}
	}
	bn.stats.StepsPerEpoch = train.M / B
	if err := rec.Init(&bn.stats); err != nil {
		return nil, errors.Wrap(err, "compare: recorder")
	}
	start := time.Now()
	if bn.stats.Epoch == 0 && bn.stats.Steps == 0 {
		if err := bn.evaluate(train, test, 0); err != nil {
			return nil, err
		}
		if err := rec.Record(pasp.EpochEnd, &bn.stats); err != nil {
			return nil, errors.Wrap(err, "compare: recorder")
		}
	}
	N0 := train.N
	x := make([]float64, B*N0)
	y := make([]int, B)
	res := &pasp.Result{Status: pasp.EpochLimit}
	for range bn.rv.epochs {
		epochStart := time.Now()
		perm := rand.New(bn.order).Perm(train.M)
		bn.stats.Step = 0
		for b := 0; b+B <= train.M; b += B {
			if ctx.Err() != nil {
				res.Status = pasp.Interrupted
				res.Stats = bn.stats
				return res, nil
			}
			for n, idx := range perm[b : b+B] {
				copy(x[n*N0:(n+1)*N0], train.X[idx*N0:(idx+1)*N0])
				y[n] = train.Y[idx]
			}
			if _, err := bn.Step(x, y); err != nil {
				return nil, errors.Wrapf(err, "compare: epoch %d, mini-batch %d", bn.stats.Epoch+1, bn.stats.Step+1)
			}
			bn.stats.Step++
			if err := rec.Record(pasp.StepEnd, &bn.stats); err != nil {
				return nil, errors.Wrap(err, "compare: recorder")
			}
		}
		bn.stats.Epoch++
		bn.stats.Step = 0
		elapsed := time.Since(epochStart)
		bn.stats.Runtime += elapsed
		if err := bn.evaluate(train, test, elapsed.Seconds()); err != nil {
			return nil, err
		}
		if err := rec.Record(pasp.EpochEnd, &bn.stats); err != nil {
			return nil, errors.Wrap(err, "compare: recorder")
		}
		if bn.s.Runtime > 0 && time.Since(start) > bn.s.Runtime {
			res.Status = pasp.RuntimeLimit
			break
		}
	}
	res.Stats = bn.stats
	return res, nil
}

type bnNopRecorder struct{}

func (bnNopRecorder) Init(*pasp.Stats) error               { return nil }
func (bnNopRecorder) Record(pasp.Event, *pasp.Stats) error { return nil }

// checkSet validates a data set against the network.
func (bn *BinaryNet) checkSet(name string, s *data.Set) error {
	if s == nil {
		return errors.Errorf("compare: %s set is nil", name)
	}
	if err := s.Validate(); err != nil {
		return errors.Wrapf(err, "compare: %s set", name)
	}
	N0, C := bn.widths[0], bn.widths[bn.L()]
	switch {
	case s.M == 0:
		return errors.Errorf("compare: %s set is empty", name)
	case s.N != N0:
		return errors.Errorf("compare: %s set has %d features per sample, the network's input width is %d", name, s.N, N0)
	case C == 1 && s.Classes != 2:
		return errors.Errorf("compare: %s set has %d classes; a one-output network needs the ±1 labels of a 2-class set", name, s.Classes)
	case C > 1 && (s.Classes != C || s.Classes == 2):
		return errors.Errorf("compare: %s set has %d classes (±1 labels when 2), the network has %d outputs (use one output for 2 classes)", name, s.Classes, C)
	}
	return nil
}

// evaluate fills bn.stats.Eval for the current epoch.
func (bn *BinaryNet) evaluate(train, test *data.Set, epochSeconds float64) error {
	start := time.Now()
	e := pasp.Eval{Epoch: bn.stats.Epoch, EpochSeconds: epochSeconds}
	x, y := train.X, train.Y
	if n := bn.s.TrainEval; n > 0 && n < len(y) {
		x, y = x[:n*train.N], y[:n]
	}
	var err error
	if e.TrainError, err = bn.Errors(x, y); err != nil {
		return errors.Wrap(err, "compare: evaluating on the training set")
	}
	if test != nil {
		if e.TestError, err = bn.Errors(test.X, test.Y); err != nil {
			return errors.Wrap(err, "compare: evaluating on the test set")
		}
	}
	e.EvalSeconds = time.Since(start).Seconds()
	bn.stats.Eval = e
	return nil
}

// Errors returns the point-wise error rate, in percent, on the samples x
// (M×N_0) with labels y (±1 or class indices).
func (bn *BinaryNet) Errors(x []float64, y []int) (float64, error) {
	if len(y) == 0 {
		return 0, errors.New("compare: BinaryNet.Errors: no samples")
	}
	pred := make([]int, len(y))
	if err := bn.Predict(pred, x); err != nil {
		return 0, err
	}
	wrong := 0
	for n, p := range pred {
		if p != y[n] {
			wrong++
		}
	}
	return 100 * float64(wrong) / float64(len(y)), nil
}

// bnPredictChunk is the number of samples propagated together by Predict.
const bnPredictChunk = 1024

// bnTieBreak is added to pre-activations before their sign, as in mpnet.
const bnTieBreak = 1e-10

// Predict writes the point-wise prediction of each of the M = len(dst)
// samples in x (M×N_0, one per row) into dst: ±1 for one output, the class
// index (first maximum) for C outputs. Weights are sign(W)·mask (sign(0) =
// +1) and hidden units sign(a + 1e-10) of the unscaled pre-activation a, as
// in mpnet.Network.Predict; in continuous mode (Binary false) the weights
// are W·mask. The products use gonum's BLAS in float64.
func (bn *BinaryNet) Predict(dst []int, x []float64) error {
	N0, M := bn.widths[0], len(dst)
	if len(x) != M*N0 {
		return errors.Errorf("compare: BinaryNet.Predict: %d samples need %d inputs, got %d", M, M*N0, len(x))
	}
	ws := make([][]float64, bn.L())
	for l, w := range bn.w {
		v := make([]float64, w.Shape().TotalSize())
		bnToFloat64s(v, w)
		for j, a := range v {
			if bn.s.Binary {
				v[j] = steSignOf(a)
			}
			if bn.mask[l] != nil {
				v[j] *= bnGet(bn.mask[l], j)
			}
		}
		ws[l] = v
	}
	wmax := 0
	for _, w := range bn.widths {
		wmax = max(wmax, w)
	}
	a := make([]float64, bnPredictChunk*wmax)
	b := make([]float64, bnPredictChunk*wmax)
	for lo := 0; lo < M; lo += bnPredictChunk {
		hi := min(lo+bnPredictChunk, M)
		bn.predictChunk(dst[lo:hi], x[lo*N0:hi*N0], ws, a, b)
	}
	return nil
}

// predictChunk predicts the r = len(dst) samples of x using the scratch
// buffers a and b (each at least r·max width long).
func (bn *BinaryNet) predictChunk(dst []int, x []float64, ws [][]float64, a, b []float64) {
	r, L := len(dst), bn.L()
	h := x
	for l := 0; l < L; l++ {
		N, K := bn.widths[l], bn.widths[l+1]
		z := a[:r*K]
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: r, Cols: N, Stride: N, Data: h},
			blas64.General{Rows: N, Cols: K, Stride: K, Data: ws[l]},
			0, blas64.General{Rows: r, Cols: K, Stride: K, Data: z})
		if l < L-1 {
			for j, v := range z {
				z[j] = mpnet.Sign(v + bnTieBreak)
			}
		}
		h, a, b = z, b, a
	}
	mpnet.Decide(dst, h, bn.widths[L], bnTieBreak)
}
