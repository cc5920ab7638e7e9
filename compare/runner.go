package compare

import (
	"context"
	"math"
	"sort"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
)

// Fitter is a trainer the side-by-side runner can drive: the PasP trainer
// (*pasp.Trainer), *BinaryNet and *EBP all are.
type Fitter interface {
	Fit(ctx context.Context, train, test *data.Set) (*pasp.Result, error)
	SetRecorder(pasp.Recorder)
}

// Job is one training run of a comparison: an algorithm with one seed.
type Job struct {
	Algo string
	Seed uint64
	// New builds the trainer; it is called when the job starts.
	New func() (Fitter, error)
}

// Run is the outcome of one job: its evaluation after every epoch
// (epoch 0 first).
type Run struct {
	Algo   string      `json:"algo"`
	Seed   uint64      `json:"seed"`
	Epochs []pasp.Eval `json:"epochs"`
	Status pasp.Status `json:"-"`
	Stats  pasp.Stats  `json:"-"`
}

// Results holds every run of a comparison, in job order.
type Results struct {
	Runs []*Run
}

// collector is the recorder that keeps a run's evaluations, forwarding
// every event to the user's recorder.
type collector struct {
	run  *Run
	next pasp.Recorder
}

func (c *collector) Init(s *pasp.Stats) error {
	if c.next != nil {
		return c.next.Init(s)
	}
	return nil
}

func (c *collector) Record(ev pasp.Event, s *pasp.Stats) error {
	if ev == pasp.EpochEnd {
		e := s.Eval
		e.Q0 = append([]float64(nil), e.Q0...)
		e.Qab = append([]float64(nil), e.Qab...)
		c.run.Epochs = append(c.run.Epochs, e)
	}
	if c.next != nil {
		return c.next.Record(ev, s)
	}
	return nil
}

// RunAll trains every job in turn on the same data and collects the
// results. progress, if not nil, returns the recorder to use for a job
// (for example a pasp.Printer); it may return nil. A job that fails stops
// the comparison with an error naming it.
func RunAll(ctx context.Context, jobs []Job, train, test *data.Set, progress func(Job) pasp.Recorder) (*Results, error) {
	res := &Results{}
	for _, j := range jobs {
		f, err := j.New()
		if err != nil {
			return nil, errors.Wrapf(err, "compare: %s, seed %d", j.Algo, j.Seed)
		}
		run := &Run{Algo: j.Algo, Seed: j.Seed}
		var next pasp.Recorder
		if progress != nil {
			next = progress(j)
		}
		f.SetRecorder(&collector{run: run, next: next})
		r, err := f.Fit(ctx, train, test)
		if err != nil {
			return nil, errors.Wrapf(err, "compare: %s, seed %d", j.Algo, j.Seed)
		}
		run.Status, run.Stats = r.Status, r.Stats
		res.Runs = append(res.Runs, run)
		if r.Status == pasp.Interrupted {
			return res, nil
		}
	}
	return res, nil
}

// Summary is the mean and standard deviation over seeds of an algorithm's
// final numbers.
type Summary struct {
	Algo                     string
	Seeds                    int
	Epochs                   int
	TestError, TestErrorStd  float64 // point-wise, %
	TestBayes, TestBayesStd  float64 // Bayesian, %; NaN when the algorithm has none
	TrainError, TrainErrStd  float64
	EpochSeconds, EpochSecSD float64 // mean over the epochs of every run
}

// Summaries returns one Summary per algorithm, in order of first appearance.
func (r *Results) Summaries(hasBayes func(algo string) bool) []Summary {
	var order []string
	byAlgo := map[string][]*Run{}
	for _, run := range r.Runs {
		if _, ok := byAlgo[run.Algo]; !ok {
			order = append(order, run.Algo)
		}
		byAlgo[run.Algo] = append(byAlgo[run.Algo], run)
	}
	var out []Summary
	for _, a := range order {
		runs := byAlgo[a]
		var te, tb, tr, es []float64
		epochs := 0
		for _, run := range runs {
			if len(run.Epochs) == 0 {
				continue
			}
			last := run.Epochs[len(run.Epochs)-1]
			epochs = last.Epoch
			te = append(te, last.TestError)
			tb = append(tb, last.TestErrorBayes)
			tr = append(tr, last.TrainError)
			var sec []float64
			for _, e := range run.Epochs[1:] {
				sec = append(sec, e.EpochSeconds)
			}
			m, _ := meanStd(sec)
			es = append(es, m)
		}
		s := Summary{Algo: a, Seeds: len(te), Epochs: epochs}
		s.TestError, s.TestErrorStd = meanStd(te)
		s.TrainError, s.TrainErrStd = meanStd(tr)
		s.EpochSeconds, s.EpochSecSD = meanStd(es)
		if hasBayes == nil || hasBayes(a) {
			s.TestBayes, s.TestBayesStd = meanStd(tb)
		} else {
			s.TestBayes, s.TestBayesStd = math.NaN(), math.NaN()
		}
		out = append(out, s)
	}
	return out
}

// meanStd returns the mean and the sample standard deviation (0 for one value).
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

// algos returns the distinct algorithm names, sorted by first appearance.
func (r *Results) algos() []string {
	seen := map[string]int{}
	for i, run := range r.Runs {
		if _, ok := seen[run.Algo]; !ok {
			seen[run.Algo] = i
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return seen[out[i]] < seen[out[j]] })
	return out
}
