package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
)

// Fit trains for EBPSettings.Epochs epochs on train, reporting through
// the Recorder exactly as pasp does: Init, then EpochEnd for epoch 0 (only
// on a fresh trainer), StepEnd after every mini-batch and EpochEnd after
// every epoch, with Stats.Eval holding point-wise and Bayesian errors in
// percent on train and test and, in Q0, the mean of Wbar² per layer. Every
// epoch draws a fresh permutation of train from the run's random source.
// Fit stops early when Runtime is exceeded or ctx is cancelled (after the
// current mini-batch); the Result's Status says why. test may be nil.
func (e *EBP) Fit(ctx context.Context, train, test *data.Set) (*pasp.Result, error) {
	if err := e.checkSet("training", train); err != nil {
		return nil, err
	}
	if test != nil {
		if err := e.checkSet("test", test); err != nil {
			return nil, err
		}
	}
	B := e.batch
	if B > train.M {
		return nil, &EBPSettingsError{"BatchSize", errors.Errorf("%d is larger than the training set (%d samples)", B, train.M)}
	}
	rec := e.s.Recorder
	if rec == nil {
		rec = ebpNopRecorder{}
	}
	e.stats.StepsPerEpoch = train.M / B
	if err := rec.Init(&e.stats); err != nil {
		return nil, errors.Wrap(err, "compare: EBP recorder")
	}
	start := time.Now()
	if e.stats.Epoch == 0 && e.stats.Steps == 0 {
		if err := e.evaluate(train, test, 0); err != nil {
			return nil, err
		}
		if err := rec.Record(pasp.EpochEnd, &e.stats); err != nil {
			return nil, errors.Wrap(err, "compare: EBP recorder")
		}
	}
	N0 := train.N
	x, y := make([]float64, B*N0), make([]int, B)
	res := &pasp.Result{Status: pasp.EpochLimit}
	for range e.epochs {
		epochStart := time.Now()
		perm := rand.New(e.order).Perm(train.M)
		e.stats.Step = 0
		for b := 0; b+B <= train.M; b += B {
			if ctx.Err() != nil {
				res.Status, res.Stats = pasp.Interrupted, e.stats
				return res, nil
			}
			for n, idx := range perm[b : b+B] {
				copy(x[n*N0:(n+1)*N0], train.Row(idx))
				y[n] = train.Y[idx]
			}
			if err := e.Step(x, y); err != nil {
				return nil, errors.Wrapf(err, "compare: EBP epoch %d, mini-batch %d", e.stats.Epoch+1, e.stats.Step+1)
			}
			e.stats.Step++
			if err := rec.Record(pasp.StepEnd, &e.stats); err != nil {
				return nil, errors.Wrap(err, "compare: EBP recorder")
			}
		}
		if err := e.checkFinite(); err != nil {
			return nil, errors.Wrapf(err, "compare: EBP epoch %d", e.stats.Epoch+1)
		}
		e.stats.Epoch++
		e.stats.Step = 0
		elapsed := time.Since(epochStart)
		e.stats.Runtime += elapsed
		if err := e.evaluate(train, test, elapsed.Seconds()); err != nil {
			return nil, err
		}
		if err := rec.Record(pasp.EpochEnd, &e.stats); err != nil {
			return nil, errors.Wrap(err, "compare: EBP recorder")
		}
		if e.s.Runtime > 0 && time.Since(start) > e.s.Runtime {
			res.Status = pasp.RuntimeLimit
			break
		}
	}
	res.Stats = e.stats
	return res, nil
}

type ebpNopRecorder struct{}

func (ebpNopRecorder) Init(*pasp.Stats) error               { return nil }
func (ebpNopRecorder) Record(pasp.Event, *pasp.Stats) error { return nil }

// checkSet validates a data set against the network.
func (e *EBP) checkSet(name string, s *data.Set) error {
	if s == nil {
		return errors.Errorf("compare: EBP: %s set is nil", name)
	}
	if err := s.Validate(); err != nil {
		return errors.Wrapf(err, "compare: EBP: %s set", name)
	}
	if s.M == 0 {
		return errors.Errorf("compare: EBP: %s set is empty", name)
	}
	if s.N != e.s.Widths[0] {
		return errors.Errorf("compare: EBP: %s set has %d features per sample, the input width is %d", name, s.N, e.s.Widths[0])
	}
	C := e.s.Widths[len(e.s.Widths)-1]
	for n, y := range s.Y {
		if (C == 1 && y != 1 && y != -1) || (C > 1 && (y < 0 || y >= C)) {
			return errors.Errorf("compare: EBP: %s set: label %d of sample %d does not fit an output of width %d", name, y, n, C)
		}
	}
	return nil
}

// evaluate fills e.stats.Eval for the current epoch.
func (e *EBP) evaluate(train, test *data.Set, epochSeconds float64) error {
	start := time.Now()
	ev := pasp.Eval{Epoch: e.stats.Epoch, EpochSeconds: epochSeconds}
	x, y := train.X, train.Y
	if n := e.s.TrainEval; n > 0 && n < len(y) {
		x, y = x[:n*train.N], y[:n]
	}
	var err error
	if ev.TrainError, ev.TrainErrorBayes, err = e.Errors(x, y); err != nil {
		return errors.Wrap(err, "compare: EBP: evaluating on the training set")
	}
	if test != nil {
		if ev.TestError, ev.TestErrorBayes, err = e.Errors(test.X, test.Y); err != nil {
			return errors.Wrap(err, "compare: EBP: evaluating on the test set")
		}
	}
	for _, ly := range e.layers {
		var q float64
		for _, w := range ly.wbar {
			q += w * w
		}
		ev.Q0 = append(ev.Q0, q/float64(len(ly.wbar)))
	}
	ev.EvalSeconds = time.Since(start).Seconds()
	e.stats.Eval = ev
	return nil
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
