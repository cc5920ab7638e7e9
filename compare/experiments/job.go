package experiments

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/pasp"
)

// Job is one training run of an experiment: everything that decides its
// outcome. Its JSON form is stored with the run, so that a results
// directory is only resumed with the same settings.
type Job struct {
	ID          string    `json:"id"`    // file name of the run
	Group       string    `json:"group"` // row of the tables: data set and task, sparsity, batch size
	Source      string    `json:"data"`
	Task        string    `json:"task"`
	Algo        string    `json:"algo"` // label in tables and plots
	Kind        string    `json:"kind"` // the compare.Algorithms name: bpi, binarynet, ebp, …
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
	// Fingerprint identifies the data the run was trained on (set by Run
	// from the loaded data): a run on replaced data files is trained again.
	Fingerprint string `json:"data_fingerprint,omitempty"`
}

// MessagePassing reports whether the job trains by PasP.
func (j *Job) MessagePassing() bool { return j != nil && compare.MessagePassing(j.Kind) }

// settings returns the factory settings of the job.
func (j *Job) settings() *compare.AlgorithmSettings {
	return &compare.AlgorithmSettings{Widths: j.Widths, Density: j.Density, BatchSize: j.Batch, Epochs: j.Epochs,
		Seed: j.Seed, TrainEval: j.TrainEval, Rho: j.Rho, Psi: j.Psi, LR: j.LR, Optimizer: j.Optimizer}
}

// sameJob reports whether two jobs have identical settings and, if data
// is set, were trained on the same data. The input width is set from the
// data when a run starts, so it is not compared.
func sameJob(a, b *Job, data bool) bool {
	norm := func(j *Job) []byte {
		c := *j
		c.Widths = append([]int{0}, j.Widths[1:]...)
		if !data {
			c.Fingerprint = ""
		}
		out, _ := json.Marshal(&c)
		return out
	}
	return len(a.Widths) > 0 && len(b.Widths) > 0 && bytes.Equal(norm(a), norm(b))
}

// LayerPoint holds the overlap diagnostics of every layer after one epoch
// (ALGORITHMS §13): mean_k q0[k] and the means of qab[k,p] and of
// |qab[k,p]| over k ≠ p, from the marginal means m (message passing only)
// and from the point-wise weights sign(m)·mask or sign(W)·mask.
type LayerPoint struct {
	Epoch       int       `json:"epoch"`
	Q0          []float64 `json:"q0,omitempty"`
	QabOff      []float64 `json:"qab_offdiag,omitempty"`
	QabAbs      []float64 `json:"qab_abs_offdiag,omitempty"` // mean over k ≠ p of |qab[k,p]|
	Q0Point     []float64 `json:"q0_pointwise"`
	QabOffPoint []float64 `json:"qab_offdiag_pointwise"`
	QabAbsPoint []float64 `json:"qab_abs_offdiag_pointwise,omitempty"`
}

// EnergyPoint is the training error of the point-wise solution with every
// weight flipped with probability P, over Repeats draws (EXPERIMENTS §I.8).
type EnergyPoint struct {
	P       float64   `json:"p"`
	Errors  []float64 `json:"train_errors"`
	Mean    float64   `json:"mean"`
	Std     float64   `json:"std"`
	Samples int       `json:"samples"`
}

// TaskPoint is the test error on the first task after an epoch.
type TaskPoint struct {
	Epoch     int     `json:"epoch"`
	TestError float64 `json:"test_error"`
}

// Record is the stored outcome of a job. A record with Done set is the
// run's done-marker: a later invocation reuses it and trains nothing.
type Record struct {
	Job        Job           `json:"job"`
	Done       bool          `json:"done"`
	Revision   string        `json:"revision,omitempty"` // git revision of the checkout when trained
	Load       []float64     `json:"load,omitempty"`     // 1-minute load average at the start and end of training (Linux)
	Epochs     []pasp.Eval   `json:"epochs"`
	Task1      []TaskPoint   `json:"task1,omitempty"`
	TaskErrors [][]float64   `json:"task_errors,omitempty"` // [t][j]: after task t, test error on task j
	Layers     []LayerPoint  `json:"layers,omitempty"`
	Energy     []EnergyPoint `json:"energy,omitempty"`
}

// truncate drops what rec holds beyond epoch done (a record written just
// before its checkpoint); the runner truncates the evaluations.
func (rec *Record) truncate(done, perTask int) {
	n := 0
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

// grid builds the runs of an experiment in a fixed order.
type grid struct {
	p *Params
	// hyper returns ρ and ψ of a message-passing kind for an L-layer
	// network; nil keeps pasp.DefaultSettings.
	hyper func(kind string, L int) (rho, psi []float64)
	jobs  []Job
}

// add appends the run of algo (label) with kind and seed; mod, if not nil,
// changes it.
func (g *grid) add(group, source, task, algo, kind string, seed uint64, mod func(*Job)) {
	out := 10
	if task == "2class" {
		out = 1
	}
	p := g.p
	j := Job{Group: group, Source: source, Task: task, Algo: algo, Kind: kind, Seed: seed,
		Widths: append(append([]int{784}, p.Hidden...), out), Density: 1, Batch: p.Batch, Epochs: p.Epochs,
		TrainSubset: p.TrainSubset, TrainEval: p.TrainEval}
	if j.MessagePassing() && g.hyper != nil {
		j.Rho, j.Psi = g.hyper(kind, len(p.Hidden)+1)
	} else if kind == "binarynet" || kind == "sgd" {
		j.LR, j.Optimizer = p.LR, p.Optimizer
	}
	if mod != nil {
		mod(&j)
	}
	j.ID = slug(group) + "_" + slug(algo) + "_s" + strconv.FormatUint(seed, 10)
	g.jobs = append(g.jobs, j)
}

// each adds a run of every algorithm and seed to the group.
func (g *grid) each(group, source, task string, mod func(*Job)) {
	for _, a := range g.p.Algos {
		for _, s := range g.p.Seeds {
			g.add(group, source, task, a, a, s, mod)
		}
	}
}

// perTask adds a run of every algorithm and seed for every data set and
// task, in the group "DATA TASK".
func (g *grid) perTask(mod func(*Job)) []Job {
	for _, src := range g.p.Data {
		for _, task := range g.p.Tasks {
			g.each(srcLabel(src)+" "+task, src, task, mod)
		}
	}
	return g.jobs
}

// layers returns L values: hidden on the hidden layers, last on the last.
func layers(L int, hidden, last float64) []float64 {
	v := make([]float64, L)
	for l := range v {
		v[l] = hidden
	}
	v[L-1] = last
	return v
}

// srcLabel names a data source in tables: the last element of a directory.
func srcLabel(src string) string { return filepath.Base(src) }

// Slug turns a label into a file-name part: letters, digits, '-' and '.'.
func Slug(s string) string { return slug(s) }

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		case r == '%':
			b.WriteString("pct")
		default:
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
