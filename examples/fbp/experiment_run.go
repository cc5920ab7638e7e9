package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"gorgonia.org/tensor"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/ops"
	"github.com/fbpgo/fbp/pasp"
)

// expJob is one training run of an experiment: everything that decides its
// outcome. Its JSON form is stored with the run, so that a results
// directory is only resumed with the same settings.
type expJob struct {
	ID          string    `json:"id"`    // file name of the run
	Group       string    `json:"group"` // row of the tables: data set and task, sparsity, batch size
	Source      string    `json:"data"`
	Task        string    `json:"task"`
	Algo        string    `json:"algo"` // label in tables and plots
	Kind        string    `json:"kind"` // bpi, binarynet, ebp, …
	Seed        uint64    `json:"seed"`
	Widths      []int     `json:"widths"`
	Density     float64   `json:"density"`
	Batch       int       `json:"batch"`
	Epochs      int       `json:"epochs"`          // per task when Tasks > 0
	Tasks       int       `json:"tasks,omitempty"` // permuted tasks (continual learning)
	Rho         []float64 `json:"rho,omitempty"`
	Psi         []float64 `json:"psi,omitempty"`
	LR          float64   `json:"lr,omitempty"`
	Optimizer   string    `json:"optimizer,omitempty"`
	TrainSubset int       `json:"train_subset"`
	TrainEval   int       `json:"train_eval"`
	Overlaps    bool      `json:"overlaps,omitempty"` // record point-wise overlaps every epoch
	Flips       []float64 `json:"flips,omitempty"`    // local energy: flip probabilities
	Repeats     int       `json:"repeats,omitempty"`
	Device      string    `json:"device,omitempty"`
}

// messagePassing reports whether the job trains by PasP.
func (j *expJob) messagePassing() bool {
	switch j.Kind {
	case "bp", "bpi", "mf", "amp", "amp-unmasked", "cbpi":
		return true
	}
	return false
}

// layerPoint holds the overlap diagnostics of every layer after one epoch
// (ALGORITHMS §13): mean_k q0[k] and the mean of qab[k,p] and of |qab[k,p]|
// over k ≠ p, from
// the marginal means m (message passing only) and from the point-wise
// weights sign(m)·mask or sign(W)·mask.
type layerPoint struct {
	Epoch       int       `json:"epoch"`
	Q0          []float64 `json:"q0,omitempty"`
	QabOff      []float64 `json:"qab_offdiag,omitempty"`
	QabAbs      []float64 `json:"qab_abs_offdiag,omitempty"` // mean over k ≠ p of |qab[k,p]|
	Q0Point     []float64 `json:"q0_pointwise"`
	QabOffPoint []float64 `json:"qab_offdiag_pointwise"`
	QabAbsPoint []float64 `json:"qab_abs_offdiag_pointwise,omitempty"`
}

// energyPoint is the training error of the point-wise solution with every
// weight flipped with probability P, over Repeats draws (EXPERIMENTS §I.8).
type energyPoint struct {
	P       float64   `json:"p"`
	Errors  []float64 `json:"train_errors"`
	Mean    float64   `json:"mean"`
	Std     float64   `json:"std"`
	Samples int       `json:"samples"`
}

// taskPoint is the test error on the first task after an epoch.
type taskPoint struct {
	Epoch     int     `json:"epoch"`
	TestError float64 `json:"test_error"`
}

// expRecord is the stored outcome of a job. A record with Done set is the
// run's done-marker: a later invocation reuses it and trains nothing.
type expRecord struct {
	Job        expJob        `json:"job"`
	Done       bool          `json:"done"`
	Revision   string        `json:"revision,omitempty"` // git revision of the binary's checkout when trained
	Load       []float64     `json:"load,omitempty"`     // 1-minute load average at the start and end of training (Linux)
	Epochs     []pasp.Eval   `json:"epochs"`
	Task1      []taskPoint   `json:"task1,omitempty"`
	TaskErrors [][]float64   `json:"task_errors,omitempty"` // [t][j]: after task t, test error on task j
	Layers     []layerPoint  `json:"layers,omitempty"`
	Energy     []energyPoint `json:"energy,omitempty"`
}

// expSummary counts what an invocation did.
type expSummary struct {
	trained, reused int
	epochs          int // epochs trained by this invocation
}

// expRunner runs the jobs of one experiment in a results directory.
type expRunner struct {
	o              *expOptions
	stdout, stderr io.Writer
	dev            ops.Device
	sets           map[string][2]*data.Set // source/task → train, test
	sum            expSummary
	rev            string // git revision, looked up once
	// onEpoch, if set, is called after every completed epoch (tests use it
	// to interrupt a run).
	onEpoch func(j *expJob, epoch int)
}

func (r *expRunner) runPath(j *expJob) string {
	return filepath.Join(r.o.out, "runs", j.ID+".json")
}
func (r *expRunner) ckptPath(j *expJob) string {
	return filepath.Join(r.o.out, "checkpoints", j.ID+".ckpt")
}
func (r *expRunner) partialPath(j *expJob) string {
	return filepath.Join(r.o.out, "checkpoints", j.ID+".json")
}

// data returns the standardised training and test sets of a job,
// relabelled for its task and cut to its training subset.
func (r *expRunner) data(j *expJob) (train, test *data.Set, err error) {
	key := j.Source + "/" + j.Task
	if s, ok := r.sets[key]; ok {
		return s[0], s[1], nil
	}
	train, test, err = loadData(&trainOptions{source: j.Source, dir: r.o.dir, task: j.Task})
	if err != nil {
		return nil, nil, err
	}
	if n := j.TrainSubset; n > 0 && n < train.M {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		if train, err = train.Subset(idx); err != nil {
			return nil, nil, err
		}
	}
	r.sets[key] = [2]*data.Set{train, test}
	return train, test, nil
}

// readRecord reads a stored record; a missing file is (nil, nil).
func readRecord(path string) (*expRecord, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec expRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, errors.Wrapf(err, "%s", path)
	}
	return &rec, nil
}

// writeJSON writes v to path atomically (temporary file, then rename).
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// sameJob reports whether two jobs have identical settings. The input
// width is set from the data when a run starts, so it is not compared.
func sameJob(a, b *expJob) bool {
	norm := func(j *expJob) []byte {
		c := *j
		c.Widths = append([]int{0}, j.Widths[1:]...)
		out, _ := json.Marshal(&c)
		return out
	}
	return len(a.Widths) > 0 && len(b.Widths) > 0 && bytes.Equal(norm(a), norm(b))
}

// run returns the finished record of job j: the stored one when j is done,
// else the record of training it (continuing from its checkpoint when
// there is one).
func (r *expRunner) run(ctx context.Context, j *expJob) (*expRecord, error) {
	done, err := readRecord(r.runPath(j))
	if err != nil {
		return nil, err
	}
	if done != nil {
		if !sameJob(&done.Job, j) {
			return nil, errors.Errorf("%s holds run %s with other settings; use another -out or remove the file", r.runPath(j), j.ID)
		}
		if done.Done {
			r.sum.reused++
			return done, nil
		}
	}
	train, test, err := r.data(j)
	if err != nil {
		return nil, err
	}
	j.Widths[0] = train.N
	fmt.Fprintf(r.stdout, "== %s\n", j.ID)
	load0 := loadAverage()
	rec, err := r.train(ctx, j, train, test)
	if err == errInterrupted {
		return nil, err
	}
	if err != nil {
		return nil, errors.Wrapf(err, "run %s", j.ID)
	}
	rec.Done = true
	if r.rev == "" {
		r.rev = gitRevision()
	}
	rec.Revision = r.rev
	if load1 := loadAverage(); load0 >= 0 && load1 >= 0 {
		rec.Load = []float64{load0, load1}
	}
	if err := writeJSON(r.runPath(j), rec); err != nil {
		return nil, err
	}
	os.Remove(r.ckptPath(j))
	os.Remove(r.partialPath(j))
	r.sum.trained++
	return rec, nil
}

// expFitter is a trainer of any kind with the views an experiment needs.
type expFitter struct {
	f   compare.Fitter
	tr  *pasp.Trainer
	bn  *compare.BinaryNet
	ebp *compare.EBP
}

// errors returns the point-wise and Bayesian error rates (%) on x, y; the
// Bayesian rate is 0 for BinaryNet and SGD, which have no Bayesian prediction.
func (h *expFitter) errors(x []float64, y []int) (pw, bayes float64, err error) {
	switch {
	case h.tr != nil:
		return h.tr.Network().Errors(x, y)
	case h.bn != nil:
		pw, err = h.bn.Errors(x, y)
		return pw, 0, err
	}
	return h.ebp.Errors(x, y)
}

// pointWeights returns the point-wise weights of every layer (K×N
// row-major, pruned weights 0), or nil when the trainer has none.
func (h *expFitter) pointWeights() [][]float64 {
	var ws [][]float64
	switch {
	case h.tr != nil:
		net := h.tr.Network()
		for l := 0; l < net.L(); l++ {
			ws = append(ws, net.PointWeights(l))
		}
	case h.bn != nil:
		for l := 0; l < h.bn.L(); l++ {
			w, mask := h.bn.Weights(l), h.bn.Mask(l)
			for i, v := range w {
				w[i] = 1 // sign(0) = +1, as BinaryNet predicts
				if v < 0 {
					w[i] = -1
				}
				if mask != nil {
					w[i] *= mask[i]
				}
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// newFitter builds the trainer of a job, continuing from its checkpoint
// when one is given.
func (r *expRunner) newFitter(j *expJob, ckpt string) (*expFitter, error) {
	L := len(j.Widths) - 1
	classes := 2
	if j.Task == "10class" {
		classes = 10
	}
	if j.messagePassing() {
		if ckpt != "" {
			tr, err := pasp.LoadFile(ckpt)
			if err != nil {
				return nil, err
			}
			return &expFitter{f: tr, tr: tr}, nil
		}
		name := j.Kind
		if name == "amp-unmasked" {
			name = "amp"
		}
		kind, err := mpnet.ParseKind(name)
		if err != nil {
			return nil, err
		}
		cfg := mpnet.Config{Widths: j.Widths, Kinds: mpnet.Kinds(kind, L, classes), AMPUnmaskedSigma: j.Kind == "amp-unmasked"}
		if j.Density < 1 {
			cfg.Density = []float64{j.Density}
		}
		if j.Device == "cuda" {
			cfg.DenseStorage = true
			cfg.Dtype = tensor.Float32 // as fbp train -device cuda
		}
		s := pasp.DefaultSettings(kind, L, classes)
		if j.Rho != nil {
			s.Rho = j.Rho
		}
		if j.Psi != nil {
			s.Psi = j.Psi
		}
		s.Seed, s.Epochs, s.BatchSize, s.TrainEval = j.Seed, j.Epochs, j.Batch, j.TrainEval
		tr, err := pasp.New(cfg, s)
		if err != nil {
			return nil, err
		}
		if r.dev != nil {
			if err := tr.Network().To(r.dev); err != nil {
				return nil, errors.Wrap(err, "-device cuda")
			}
		}
		return &expFitter{f: tr, tr: tr}, nil
	}
	switch j.Kind {
	case "binarynet", "sgd":
		s := &compare.BinaryNetSettings{LR: j.LR, Optimizer: j.Optimizer, BatchSize: j.Batch, Epochs: j.Epochs,
			Seed: j.Seed, Binary: j.Kind == "binarynet", TrainEval: j.TrainEval}
		if j.Density < 1 {
			s.Density = []float64{j.Density}
		}
		bn, err := compare.NewBinaryNet(j.Widths, s)
		if err != nil {
			return nil, err
		}
		return &expFitter{f: bn, bn: bn}, nil
	case "ebp", "ebp-gauss":
		if j.Density < 1 {
			return nil, errors.New("EBP has no sparse layers")
		}
		w := compare.EBPBinary
		if j.Kind == "ebp-gauss" {
			w = compare.EBPGaussian
		}
		e, err := compare.NewEBP(&compare.EBPSettings{Widths: j.Widths, Weights: w, BatchSize: ebpBatch,
			Epochs: j.Epochs, Seed: j.Seed, TrainEval: j.TrainEval})
		if err != nil {
			return nil, err
		}
		return &expFitter{f: e, ebp: e}, nil
	}
	return nil, errors.Errorf("unknown algorithm %q", j.Kind)
}

// runExperiment runs every job of the experiment o (resuming what a
// previous invocation left) and writes the results directory.
func runExperiment(ctx context.Context, o *expOptions, stdout, stderr io.Writer) (*expSummary, error) {
	return (&expRunner{o: o, stdout: stdout, stderr: stderr}).all(ctx)
}

func (r *expRunner) all(ctx context.Context) (*expSummary, error) {
	r.sets = map[string][2]*data.Set{}
	jobs := expJobs(r.o)
	for _, d := range []string{"runs", "checkpoints"} {
		if err := os.MkdirAll(filepath.Join(r.o.out, d), 0o755); err != nil {
			return nil, errors.Wrap(err, "-out")
		}
	}
	if r.o.device == "cuda" {
		dev, err := ops.OpenCUDA()
		if err != nil {
			return nil, errors.Wrap(err, "-device cuda")
		}
		defer dev.Close()
		r.dev = dev
	}
	var recs []*expRecord
	for i := range jobs {
		rec, err := r.run(ctx, &jobs[i])
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if err := writeReport(r.o, recs); err != nil {
		return nil, err
	}
	return &r.sum, nil
}

// loadAverage returns the 1-minute load average of the machine, or −1 where
// /proc/loadavg cannot be read: epoch times mean little on a loaded machine.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
