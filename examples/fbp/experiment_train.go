package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// permStream is the PCG stream of the pixel permutations of the
// continual-learning tasks, drawn from the run's seed.
const permStream = 0x7065726d75746521

// expTasks holds the permuted tasks of a continual-learning run: one pixel
// permutation per task, every test set, and the training set of the task
// being trained (built when needed, to keep one permuted copy in memory).
type expTasks struct {
	perms [][]int
	tests []*data.Set
	train *data.Set
}

func newExpTasks(train, test *data.Set, n int, seed uint64) (*expTasks, error) {
	rng := rand.New(rand.NewPCG(seed, permStream))
	ts := &expTasks{train: train}
	for range n {
		p, err := data.PixelPermutation(rng, train.N)
		if err != nil {
			return nil, err
		}
		pt, err := data.Permute(test, p)
		if err != nil {
			return nil, err
		}
		ts.perms = append(ts.perms, p)
		ts.tests = append(ts.tests, pt)
	}
	return ts, nil
}

// expRecorder keeps a run's evaluations, checkpoints message-passing runs
// after every epoch and forwards the events to the progress printer.
type expRecorder struct {
	r     *expRunner
	j     *expJob
	h     *expFitter
	rec   *expRecord
	tasks *expTasks
	save  bool // checkpoint after every epoch
	next  pasp.Recorder
}

func (c *expRecorder) Init(s *pasp.Stats) error { return c.next.Init(s) }

func (c *expRecorder) Record(ev pasp.Event, s *pasp.Stats) error {
	if ev != pasp.EpochEnd {
		return c.next.Record(ev, s)
	}
	e := s.Eval
	e.Q0 = append([]float64(nil), e.Q0...)
	e.Qab = append([]float64(nil), e.Qab...)
	c.rec.Epochs = append(c.rec.Epochs, e)
	if c.tasks != nil {
		t1 := c.tasks.tests[0]
		pw, _, err := c.h.errors(t1.X, t1.Y)
		if err != nil {
			return err
		}
		c.rec.Task1 = append(c.rec.Task1, taskPoint{Epoch: e.Epoch, TestError: pw})
	}
	if c.j.Overlaps {
		c.rec.Layers = append(c.rec.Layers, c.h.layerPoint(e.Epoch))
	}
	if e.Epoch > 0 {
		c.r.sum.epochs++
		if c.save {
			if err := writeJSON(c.r.partialPath(c.j), c.rec); err != nil {
				return err
			}
			if err := c.h.tr.SaveFile(c.r.ckptPath(c.j)); err != nil {
				return err
			}
		}
	}
	if err := c.next.Record(ev, s); err != nil {
		return err
	}
	if c.r.onEpoch != nil {
		c.r.onEpoch(c.j, e.Epoch)
	}
	return nil
}

// truncate drops what rec holds beyond epoch done (a record written just
// before its checkpoint).
func (rec *expRecord) truncate(done, perTask int) {
	n := 0
	for n < len(rec.Epochs) && rec.Epochs[n].Epoch <= done {
		n++
	}
	rec.Epochs = rec.Epochs[:n]
	n = 0
	for n < len(rec.Task1) && rec.Task1[n].Epoch <= done {
		n++
	}
	rec.Task1 = rec.Task1[:n]
	n = 0
	for n < len(rec.Layers) && rec.Layers[n].Epoch <= done {
		n++
	}
	rec.Layers = rec.Layers[:n]
	if perTask > 0 {
		rec.TaskErrors = rec.TaskErrors[:min(len(rec.TaskErrors), done/perTask)]
	}
}

// train trains job j, continuing from its checkpoint when it has one, and
// returns its record. Only message-passing runs on the CPU checkpoint;
// other runs that were interrupted start again.
func (r *expRunner) train(ctx context.Context, j *expJob, train, test *data.Set) (*expRecord, error) {
	rec := &expRecord{Job: *j}
	save := j.messagePassing() && r.dev == nil
	ckpt := ""
	if save {
		part, err := readRecord(r.partialPath(j))
		if err != nil {
			return nil, err
		}
		if _, serr := os.Stat(r.ckptPath(j)); part != nil && serr == nil && sameJob(&part.Job, j) {
			ckpt, rec = r.ckptPath(j), part
		}
	}
	h, err := r.newFitter(j, ckpt)
	if err != nil {
		return nil, err
	}
	done := 0
	if h.tr != nil {
		done = h.tr.Stats().Epoch
	}
	if ckpt != "" {
		r.progress("resuming %s after epoch %d", j.ID, done)
	}
	rec.truncate(done, j.Epochs*min(j.Tasks, 1))
	c := &expRecorder{r: r, j: j, h: h, rec: rec, save: save,
		next: &pasp.Printer{W: r.stdout, Bar: r.stderr, Progress: r.o.progress}}
	h.f.SetRecorder(c)
	fit := func(n int, train, test *data.Set) error {
		if h.tr != nil {
			if err := h.tr.SetEpochs(n); err != nil {
				return err
			}
		}
		res, err := h.f.Fit(ctx, train, test)
		if err != nil {
			return err
		}
		if res.Status == pasp.Interrupted {
			return errInterrupted
		}
		return nil
	}
	if j.Tasks == 0 {
		if done < j.Epochs {
			if err := fit(j.Epochs-done, train, test); err != nil {
				return nil, err
			}
		}
	} else if err := r.continual(j, h, c, done, fit, train, test); err != nil {
		return nil, err
	}
	if len(j.Flips) > 0 {
		x, y := train.X, train.Y
		if n := j.TrainEval; n > 0 && n < train.M {
			x, y = x[:n*train.N], y[:n]
		}
		if rec.Energy, err = localEnergy(h, j, x, y); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// continual trains the tasks of a continual-learning run in turn, after
// done epochs, and records after each task the test error on every task.
func (r *expRunner) continual(j *expJob, h *expFitter, c *expRecorder, done int, fit func(int, *data.Set, *data.Set) error, train, test *data.Set) error {
	ts, err := newExpTasks(train, test, j.Tasks, j.Seed)
	if err != nil {
		return err
	}
	c.tasks = ts
	for t := 0; t < j.Tasks; t++ {
		if in := min(max(done-t*j.Epochs, 0), j.Epochs); in < j.Epochs {
			r.progress("task %d of %d", t+1, j.Tasks)
			tr, err := data.Permute(ts.train, ts.perms[t])
			if err != nil {
				return err
			}
			if err := fit(j.Epochs-in, tr, ts.tests[t]); err != nil {
				return err
			}
		}
		if len(c.rec.TaskErrors) > t {
			continue
		}
		var errs []float64
		for _, te := range ts.tests {
			pw, _, err := h.errors(te.X, te.Y)
			if err != nil {
				return err
			}
			errs = append(errs, pw)
		}
		c.rec.TaskErrors = append(c.rec.TaskErrors, errs)
		if c.save {
			if err := writeJSON(r.partialPath(j), c.rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *expRunner) progress(format string, args ...any) {
	if r.o.progress {
		fmt.Fprintf(r.stderr, "fbp: "+format+"\n", args...)
	}
}

// layerPoint computes the overlap diagnostics of every layer at epoch.
func (h *expFitter) layerPoint(epoch int) layerPoint {
	p := layerPoint{Epoch: epoch}
	widths := h.widths()
	if h.tr != nil {
		net := h.tr.Network()
		for l := 0; l < net.L(); l++ {
			q0, off, abs := pointOverlaps(net.M(l), widths[l+1], widths[l])
			p.Q0 = append(p.Q0, q0)
			p.QabOff = append(p.QabOff, off)
			p.QabAbs = append(p.QabAbs, abs)
		}
	}
	for l, w := range h.pointWeights() {
		q0, off, abs := pointOverlaps(w, widths[l+1], widths[l])
		p.Q0Point = append(p.Q0Point, q0)
		p.QabOffPoint = append(p.QabOffPoint, off)
		p.QabAbsPoint = append(p.QabAbsPoint, abs)
	}
	return p
}

// widths returns N_0 … N_L of the fitter's network.
func (h *expFitter) widths() []int {
	if h.tr != nil {
		return h.tr.Network().Config().Widths
	}
	if h.bn != nil {
		return h.bn.Widths()
	}
	return h.ebp.Settings().Widths
}

// pointOverlaps returns, for the K×N weights or means w with
// q = w wᵀ / N (mpnet.Overlaps, ALGORITHMS §13), mean_k q[k,k] and the
// means of q[k,p] and |q[k,p]| over k ≠ p (0 for K = 1).
func pointOverlaps(w []float64, K, N int) (q0, off, abs float64) {
	q := make([]float64, K*K)
	a := blas64.General{Rows: K, Cols: N, Stride: N, Data: w}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1/float64(N), a, a, 0, blas64.General{Rows: K, Cols: K, Stride: K, Data: q})
	for k := 0; k < K; k++ {
		for p := 0; p < K; p++ {
			if v := q[k*K+p]; k == p {
				q0 += v
			} else {
				off += v
				abs += math.Abs(v)
			}
		}
	}
	q0 /= float64(K)
	if K > 1 {
		off /= float64(K * (K - 1))
		abs /= float64(K * (K - 1))
	}
	return q0, off, abs
}

// energyStream is the PCG stream of the weight flips of the local energy.
const energyStream = 0x656e65726779

// localEnergy returns the training error (%) on x, y of the point-wise
// weights of h with each non-zero weight flipped independently with
// probability p, for p = 0 (once) and every p of j.Flips (j.Repeats draws
// each), EXPERIMENTS §I.8. At p = 0 it checks that its forward pass
// agrees with the trainer's own point-wise error.
func localEnergy(h *expFitter, j *expJob, x []float64, y []int) ([]energyPoint, error) {
	ws := h.pointWeights()
	if ws == nil {
		return nil, errors.Errorf("local energy: %s has no point-wise binary weights", j.Kind)
	}
	widths := h.widths()
	want, _, err := h.errors(x, y)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(j.Seed, energyStream))
	var out []energyPoint
	for _, p := range append([]float64{0}, j.Flips...) {
		n := j.Repeats
		if p == 0 {
			n = 1
		}
		pt := energyPoint{P: p, Samples: len(y)}
		for range n {
			flipped := make([][]float64, len(ws))
			for l, w := range ws {
				f := append([]float64(nil), w...)
				for i := range f {
					if f[i] != 0 && rng.Float64() < p {
						f[i] = -f[i]
					}
				}
				flipped[l] = f
			}
			e := pointErrors(flipped, widths, x, y)
			if p == 0 && math.Abs(e-want) > 1e-9 {
				return nil, errors.Errorf("local energy: forward pass gives %v %% at p = 0, the trainer %v %%", e, want)
			}
			pt.Errors = append(pt.Errors, e)
		}
		pt.Mean, pt.Std = meanStd(pt.Errors)
		out = append(out, pt)
	}
	return out, nil
}

// pointErrors returns the error rate (%) of the sign network with K×N
// weights ws on x (M×N_0) and labels y: hidden units sign(a + 1e-10), the
// output sign(a + 1e-10) or the first maximum, as mpnet.Network.Predict.
func pointErrors(ws [][]float64, widths []int, x []float64, y []int) float64 {
	const chunk, tie = 1024, 1e-10
	N0, M := widths[0], len(y)
	pred := make([]int, chunk)
	wrong := 0
	for lo := 0; lo < M; lo += chunk {
		hi := min(lo+chunk, M)
		r := hi - lo
		h := x[lo*N0 : hi*N0]
		for l, w := range ws {
			N, K := widths[l], widths[l+1]
			z := make([]float64, r*K)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1,
				blas64.General{Rows: r, Cols: N, Stride: N, Data: h},
				blas64.General{Rows: K, Cols: N, Stride: N, Data: w},
				0, blas64.General{Rows: r, Cols: K, Stride: K, Data: z})
			if l < len(ws)-1 {
				for i, v := range z {
					z[i] = mpnet.Sign(v + tie)
				}
			}
			h = z
		}
		mpnet.Decide(pred[:r], h, widths[len(widths)-1], tie)
		for n, p := range pred[:r] {
			if p != y[lo+n] {
				wrong++
			}
		}
	}
	return 100 * float64(wrong) / float64(M)
}

// meanStd returns the mean and the sample standard deviation (0 for one
// value, NaN for none).
func meanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)-1))
}
