package compare

import (
	"context"
	"math"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// EBP is a model of package train's epoch loop, with diagnostics and a
// finiteness check.
var (
	_ train.Model         = (*EBP)(nil)
	_ train.Overlapper    = (*EBP)(nil)
	_ train.FiniteChecker = (*EBP)(nil)
)

// Fit trains for EBPSettings.Epochs epochs on train with the epoch loop of
// package train (train.Fit), reporting through the Recorder exactly as
// pasp does: Init, then EpochEnd for epoch 0 (only on a fresh trainer),
// StepEnd after every mini-batch and EpochEnd after every epoch, with
// Stats.Eval holding point-wise and Bayesian errors in percent on train
// and test and, in Q0, the mean of Wbar² per layer. Every epoch draws a
// fresh permutation of train from data.OrderSource(Seed); a NaN or ±Inf in
// the fields after an epoch stops the run with an error. Fit stops early
// when Runtime is exceeded or ctx is cancelled (after the current
// mini-batch); the Result's Status says why. test may be nil.
func (e *EBP) Fit(ctx context.Context, trainSet, test *data.Set) (*pasp.Result, error) {
	if err := e.ready(); err != nil {
		return nil, err
	}
	res, err := train.Fit(ctx, e, trainSet, test, &train.Settings{BatchSize: e.batch, Epochs: e.epochs,
		Runtime: e.s.Runtime, TrainEval: e.s.TrainEval, Recorder: e.s.Recorder, Name: "compare: EBP"})
	var se *train.SettingsError
	if errors.As(err, &se) {
		return nil, &EBPSettingsError{se.Field, se.Err}
	}
	return res, err
}

// Widths returns a copy of the layer widths V_0 … V_L (train.Model).
func (e *EBP) Widths() []int {
	if e.ready() != nil {
		return nil
	}
	return append([]int(nil), e.s.Widths...)
}

// Progress returns the run state that Fit advances (train.Model): the
// counters Stats returns and the source of the epoch orders.
func (e *EBP) Progress() *train.Progress {
	if e == nil {
		return nil
	}
	return &e.prog
}

// TrainBatch is Step (train.Model).
func (e *EBP) TrainBatch(x []float64, y []int) error { return e.Step(x, y) }

// Evaluate is Errors (train.Model).
func (e *EBP) Evaluate(x []float64, y []int) (pointwise, bayes float64, err error) {
	return e.Errors(x, y)
}

// Overlaps returns, per layer, the mean of Wbar² in q0 and no qab
// (train.Overlapper).
func (e *EBP) Overlaps() (q0, qab []float64) {
	if e.ready() != nil {
		return nil, nil
	}
	for _, ly := range e.layers {
		var q float64
		for _, w := range ly.wbar {
			q += w * w
		}
		q0 = append(q0, q/float64(len(ly.wbar)))
	}
	return q0, nil
}

// Errors returns the point-wise and Bayesian error rates, in percent, on
// the samples x (one per row) with labels y (BASELINES §2.3):
//
//	point-wise: weights sign(h) (binary) or mu (Gaussian), sign forward
//	            pass, output sign (one unit) or argmax (one unit per class);
//	Bayesian:   the forward moment pass, output sign(vbar_L) or argmax_k vbar_L[k].
//
// It uses the layers' scratch state and must not run concurrently with Step.
func (e *EBP) Errors(x []float64, y []int) (pointwise, bayes float64, err error) {
	if err := e.ready(); err != nil {
		return 0, 0, err
	}
	N0 := e.s.Widths[0]
	if len(y) == 0 || len(x) != len(y)*N0 {
		return 0, 0, errors.Errorf("compare: EBP.Errors: %d inputs for %d labels of width %d", len(x), len(y), N0)
	}
	for n, lab := range y {
		if err := e.setTarget(lab); err != nil {
			return 0, 0, errors.Wrapf(err, "compare: EBP.Errors: sample %d", n)
		}
	}
	w := make([][]float64, len(e.layers))
	widest := 0
	for l, ly := range e.layers {
		w[l] = make([]float64, len(ly.h))
		for i, h := range ly.h {
			if ly.s2w == nil {
				w[l][i] = ebpSign(h)
			} else {
				w[l][i] = h
			}
		}
		widest = max(widest, ly.K)
	}
	wrong := make([]int, len(y))
	ebpParallel(len(y), 2*len(e.layers[0].h), func(lo, hi int) {
		a, b := make([]float64, widest), make([]float64, widest)
		for n := lo; n < hi; n++ {
			in := x[n*N0 : (n+1)*N0]
			for l, ly := range e.layers {
				out := a[:ly.K]
				ebpSignForward(out, w[l], in, l == len(e.layers)-1)
				in, a, b = out, b, a
			}
			if !ebpCorrect(in, y[n]) {
				wrong[n] = 1
			}
		}
	})
	var nPoint, nBayes int
	for n := range y {
		nPoint += wrong[n]
		e.forward(x[n*N0 : (n+1)*N0])
		if !ebpCorrect(e.layers[len(e.layers)-1].vbar, y[n]) {
			nBayes++
		}
	}
	M := float64(len(y))
	return 100 * float64(nPoint) / M, 100 * float64(nBayes) / M, nil
}

// ebpCorrect reports whether the output out predicts label y: sign(out[0])
// = y for one output unit, argmax_k out[k] = y (first maximum) otherwise.
func ebpCorrect(out []float64, y int) bool {
	if len(out) == 1 {
		return ebpSign(out[0]) == float64(y)
	}
	best := 0
	for k, v := range out {
		if v > out[best] || math.IsNaN(out[best]) {
			best = k
		}
	}
	return best == y
}
