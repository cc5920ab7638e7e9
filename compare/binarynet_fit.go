package compare

import (
	"context"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// BinaryNet is a model of package train's epoch loop.
var _ train.Model = (*BinaryNet)(nil)

// Fit trains for Settings.Epochs epochs on train with the epoch loop of
// package train (train.Fit), exactly as pasp.Trainer.Fit does: it evaluates
// the point-wise errors on train and test before the first epoch (epoch 0,
// only on a fresh network) and after each; the Recorder gets Init, then
// StepEnd after every mini-batch and EpochEnd after every evaluation, so
// pasp.Printer and pasp.JSONRecorder work unchanged. Every epoch draws a
// fresh permutation of train from data.OrderSource(Seed) and drops the
// last incomplete mini-batch. Fit stops early when Runtime is exceeded or
// ctx is cancelled (after the current mini-batch); the Result's Status
// says why. test may be nil. Invalid sets give an error, a batch larger
// than the training set a *BinaryNetSettingsError.
func (bn *BinaryNet) Fit(ctx context.Context, trainSet, test *data.Set) (*pasp.Result, error) {
	if err := bn.ready(); err != nil {
		return nil, err
	}
	res, err := train.Fit(ctx, bn, trainSet, test, &train.Settings{BatchSize: bn.rv.batch, Epochs: bn.rv.epochs,
		Runtime: bn.s.Runtime, TrainEval: bn.s.TrainEval, Recorder: bn.s.Recorder, Name: "compare"})
	var se *train.SettingsError
	if errors.As(err, &se) {
		return nil, &BinaryNetSettingsError{se.Field, se.Err}
	}
	return res, err
}

// Progress returns the run state that Fit advances (train.Model): the
// counters Stats returns and the source of the epoch orders.
func (bn *BinaryNet) Progress() *train.Progress {
	if bn == nil {
		return nil
	}
	return &bn.prog
}

// TrainBatch is Step without the loss (train.Model).
func (bn *BinaryNet) TrainBatch(x []float64, y []int) error {
	_, err := bn.Step(x, y)
	return err
}

// Evaluate returns the point-wise error rate, in percent, on the samples x
// with labels y (Errors), and 0 for the Bayesian one, which BinaryNet does
// not have (train.Model).
func (bn *BinaryNet) Evaluate(x []float64, y []int) (pointwise, bayes float64, err error) {
	pointwise, err = bn.Errors(x, y)
	return pointwise, 0, err
}

// Errors returns the point-wise error rate, in percent, on the samples x
// (M×N_0) with labels y (±1 or class indices); an invalid label is an
// error.
func (bn *BinaryNet) Errors(x []float64, y []int) (float64, error) {
	if err := bn.ready(); err != nil {
		return 0, err
	}
	if len(y) == 0 {
		return 0, errors.New("compare: BinaryNet.Errors: no samples")
	}
	for n, v := range y {
		if err := checkLabel(v, bn.widths[bn.L()]); err != nil {
			return 0, errors.Wrapf(err, "compare: BinaryNet.Errors: sample %d", n)
		}
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
	if err := bn.ready(); err != nil {
		return err
	}
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
