package compare

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
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

// ErrInterrupted is returned by Runner.Run when the context was cancelled
// during a run.
var ErrInterrupted = errors.New("compare: interrupted")

// ErrOtherJob is returned by Plan.Restore for a record that another job
// (other settings) stored under the same ID.
var ErrOtherJob = errors.New("compare: record of another job")

// ErrOtherData is returned by Plan.Restore for a record of the same
// settings trained on other data (the data files were replaced): the run
// is trained again.
var ErrOtherData = errors.New("compare: record of the same job on other data")

// Job is one training run: an algorithm with one seed.
type Job struct {
	Algo string
	Seed uint64
	// New builds the trainer; it is called when the job starts.
	New func() (Fitter, error)
	// Plan, if not nil, supplies the job's data, trains it beyond one Fit
	// and makes it resumable in Runner.Dir. Nil: one Fit on the runner's
	// data sets.
	Plan Plan
}

// Plan is how a Runner trains and stores one job: the experiments of
// package compare/experiments are plans.
type Plan interface {
	// ID names the run's files in Runner.Dir: runs/ID.json holds the
	// finished run (its done-marker, which a later runner reuses), and
	// checkpoints/ID.ckpt with checkpoints/ID.json the last epoch of an
	// unfinished one.
	ID() string
	// Data returns the run's training and test sets.
	Data() (train, test *data.Set, err error)
	// Checkpoints reports whether the run is checkpointed after every
	// epoch (only *pasp.Trainer runs are).
	Checkpoints() bool
	// Restore takes a record the runner stored under ID and returns its
	// evaluations and whether the run was finished; ErrOtherJob for a
	// record of other settings, ErrOtherData for one of other data.
	// Restoring a record makes it the plan's.
	Restore(b []byte) (epochs []pasp.Eval, done bool, err error)
	// Resume builds the trainer from a checkpoint file the runner wrote.
	Resume(ckpt string) (Fitter, error)
	// Train trains the run, calling s.Fit once or more.
	Train(s *Session) error
	// Epoch is called after every evaluation (epoch 0 first), once the
	// runner has kept it.
	Epoch(e pasp.Eval) error
	// Record returns the value the runner stores for the run (JSON), with
	// its evaluations so far; done is set for the finished run.
	Record(run *Run, done bool) any
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

// Runner trains jobs one after another and collects their evaluations.
// It is the one loop behind RunAll ("fbp compare") and the resumable
// experiments of compare/experiments.
type Runner struct {
	// Dir, if not empty, is the results directory of jobs with a Plan:
	// their finished runs are stored there and reused by a later runner,
	// and checkpointed runs continue from their last finished epoch.
	Dir string
	// Progress, if not nil, returns the recorder to use for a job (for
	// example a pasp.Printer); it may return nil. It is called when the
	// job starts training.
	Progress func(Job) pasp.Recorder
	// Logf, if not nil, receives progress messages (resuming, tasks).
	Logf func(format string, args ...any)
	// OnEpoch, if not nil, is called after every evaluation.
	OnEpoch func(j Job, epoch int)

	// Trained and Reused count the runs trained and the finished runs
	// reused; Retrained counts the finished runs trained again because
	// their data changed (they count as trained too); Epochs counts the
	// epochs trained.
	Trained, Reused, Retrained, Epochs int
}

// RunAll trains every job in turn on the same data and collects the
// results. progress, if not nil, returns the recorder to use for a job
// (for example a pasp.Printer); it may return nil. A job that fails stops
// the comparison with an error naming it; an interrupted job ends it
// without error, its run included.
func RunAll(ctx context.Context, jobs []Job, train, test *data.Set, progress func(Job) pasp.Recorder) (*Results, error) {
	res, err := (&Runner{Progress: progress}).Run(ctx, jobs, train, test)
	if errors.Is(err, ErrInterrupted) {
		return res, nil
	}
	return res, err
}

// Run trains every job in turn, on train and test unless its Plan has
// data of its own, and returns the runs in job order. A failing job stops
// with an error naming it; an interrupted one with ErrInterrupted and the
// runs so far, its own included. A nil ctx means context.Background().
func (r *Runner) Run(ctx context.Context, jobs []Job, train, test *data.Set) (*Results, error) {
	if r == nil {
		return nil, errors.New("compare: nil Runner")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if r.Dir != "" {
		for _, d := range []string{"runs", "checkpoints"} {
			if err := os.MkdirAll(filepath.Join(r.Dir, d), 0o755); err != nil {
				return nil, errors.Wrap(err, "compare: results directory")
			}
		}
	}
	res := &Results{}
	for _, j := range jobs {
		run, err := r.run(ctx, j, train, test)
		if run != nil {
			res.Runs = append(res.Runs, run)
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func (r *Runner) path(j Job, dir, ext string) string {
	return filepath.Join(r.Dir, dir, j.Plan.ID()+ext)
}

// name names a job in errors.
func (j Job) name() string {
	if j.Plan != nil {
		return "run " + j.Plan.ID()
	}
	return fmt.Sprintf("compare: %s, seed %d", j.Algo, j.Seed)
}

// run trains one job, or returns its stored finished run.
func (r *Runner) run(ctx context.Context, j Job, train, test *data.Set) (*Run, error) {
	s := &Session{r: r, j: j, run: &Run{Algo: j.Algo, Seed: j.Seed}}
	if j.Plan != nil {
		if r.Dir != "" {
			if done, err := s.restoreDone(); done || err != nil {
				return s.run, err
			}
		}
		var err error
		if train, test, err = j.Plan.Data(); err != nil {
			return nil, err
		}
	}
	s.ctx, s.Train, s.Test = ctx, train, test
	var next pasp.Recorder
	if r.Progress != nil {
		next = r.Progress(j)
	}
	if err := s.start(next); err != nil {
		return nil, errors.Wrap(err, j.name())
	}
	var err error
	if j.Plan == nil {
		err = s.Fit(0, train, test)
	} else {
		err = j.Plan.Train(s)
	}
	if err != nil {
		if errors.Is(err, ErrInterrupted) {
			return s.run, err
		}
		return nil, errors.Wrap(err, j.name())
	}
	if err := s.finish(); err != nil {
		return nil, err
	}
	r.Trained++
	return s.run, nil
}

// Session is a job being trained: what Plan.Train gets.
type Session struct {
	// Fitter is the job's trainer.
	Fitter Fitter
	// Done is the number of epochs the trainer had trained before: those
	// of the checkpoint it continues from, 0 for a fresh run.
	Done int
	// Resumed reports whether the run continues from a checkpoint.
	Resumed bool
	// Train and Test are the job's data sets.
	Train, Test *data.Set

	ctx  context.Context
	r    *Runner
	j    Job
	run  *Run
	save bool // checkpoint after every epoch
}

// Fit trains n more epochs on train, evaluating on test; n = 0 keeps the
// trainer's own count (only a *pasp.Trainer can change it). It returns
// ErrInterrupted when the context was cancelled.
func (s *Session) Fit(n int, train, test *data.Set) error {
	if s == nil || s.Fitter == nil || s.run == nil {
		return errors.New("compare: Session.Fit: the Session is nil or a zero value: a Runner makes it")
	}
	if tr, ok := s.Fitter.(*pasp.Trainer); ok && n > 0 {
		if err := tr.SetEpochs(n); err != nil {
			return err
		}
	}
	res, err := s.Fitter.Fit(s.ctx, train, test)
	if err != nil {
		return err
	}
	s.run.Status, s.run.Stats = res.Status, res.Stats
	if res.Status == pasp.Interrupted {
		return ErrInterrupted
	}
	return nil
}

// Save stores the plan's record of the run so far, when the run is
// checkpointed; the next epoch's checkpoint goes with it.
func (s *Session) Save() error {
	if s == nil {
		return errors.New("compare: Session.Save: nil Session")
	}
	if !s.save {
		return nil
	}
	return writeJSON(s.r.path(s.j, "checkpoints", ".json"), s.j.Plan.Record(s.run, false))
}

// Logf passes a progress message to the runner's Logf.
func (s *Session) Logf(format string, args ...any) {
	if s != nil && s.r != nil && s.r.Logf != nil {
		s.r.Logf(format, args...)
	}
}

// restoreDone reuses the job's stored finished run, if there is one.
func (s *Session) restoreDone() (bool, error) {
	path := s.r.path(s.j, "runs", ".json")
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	epochs, done, err := s.j.Plan.Restore(b)
	if errors.Is(err, ErrOtherJob) {
		return false, errors.Errorf("%s holds run %s with other settings; use another -out or remove the file", path, s.j.Plan.ID())
	}
	if errors.Is(err, ErrOtherData) {
		s.Logf("%s was trained on other data (the data files changed): training it again", s.j.Plan.ID())
		s.r.Retrained++
		return false, nil
	}
	if err != nil || !done {
		return false, errors.Wrapf(err, "%s", path)
	}
	s.run.Epochs = epochs
	s.r.Reused++
	return true, nil
}

// start builds the trainer, from the job's checkpoint when it has one, and
// sets its recorder.
func (s *Session) start(next pasp.Recorder) error {
	j := s.j
	s.save = s.r.Dir != "" && j.Plan != nil && j.Plan.Checkpoints()
	ckpt := ""
	if s.save {
		var err error
		if ckpt, err = s.restorePartial(); err != nil {
			return err
		}
	}
	var err error
	switch {
	case ckpt != "":
		s.Fitter, err = j.Plan.Resume(ckpt)
		s.Resumed = true
	case j.New == nil:
		return errors.New("the job has no New function")
	default:
		s.Fitter, err = j.New()
	}
	if err != nil {
		return err
	}
	tr, ok := s.Fitter.(*pasp.Trainer)
	s.save = s.save && ok
	if ok {
		s.Done = tr.Stats().Epoch
	}
	if ckpt != "" {
		s.Logf("resuming %s after epoch %d", j.Plan.ID(), s.Done)
	}
	n := 0
	for n < len(s.run.Epochs) && s.run.Epochs[n].Epoch <= s.Done {
		n++
	}
	s.run.Epochs = s.run.Epochs[:n]
	s.Fitter.SetRecorder(&collector{s: s, next: next})
	return nil
}

// restorePartial returns the job's checkpoint file when it and the record
// stored with it belong to the job, else "".
func (s *Session) restorePartial() (string, error) {
	path, ckpt := s.r.path(s.j, "checkpoints", ".json"), s.r.path(s.j, "checkpoints", ".ckpt")
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(ckpt); err != nil {
		return "", nil
	}
	epochs, _, err := s.j.Plan.Restore(b)
	if errors.Is(err, ErrOtherJob) || errors.Is(err, ErrOtherData) {
		return "", nil
	}
	if err != nil {
		return "", errors.Wrapf(err, "%s", path)
	}
	s.run.Epochs = epochs
	return ckpt, nil
}

// finish stores the finished run and removes its checkpoint.
func (s *Session) finish() error {
	if s.j.Plan == nil || s.r.Dir == "" {
		return nil
	}
	if err := writeJSON(s.r.path(s.j, "runs", ".json"), s.j.Plan.Record(s.run, true)); err != nil {
		return err
	}
	os.Remove(s.r.path(s.j, "checkpoints", ".ckpt"))
	os.Remove(s.r.path(s.j, "checkpoints", ".json"))
	return nil
}

// collector is the recorder that keeps a run's evaluations, lets the plan
// see them, checkpoints and forwards every event to the user's recorder.
type collector struct {
	s    *Session
	next pasp.Recorder
}

func (c *collector) Init(st *pasp.Stats) error {
	if c.next != nil {
		return c.next.Init(st)
	}
	return nil
}

func (c *collector) Record(ev pasp.Event, st *pasp.Stats) error {
	if st == nil {
		return errors.New("compare: Record: nil Stats")
	}
	if ev == pasp.EpochEnd {
		if err := c.epoch(st.Eval); err != nil {
			return err
		}
	}
	if c.next != nil {
		if err := c.next.Record(ev, st); err != nil {
			return err
		}
	}
	if r := c.s.r; ev == pasp.EpochEnd && r.OnEpoch != nil {
		r.OnEpoch(c.s.j, st.Eval.Epoch)
	}
	return nil
}

// epoch keeps the evaluation e and checkpoints after a trained epoch.
func (c *collector) epoch(e pasp.Eval) error {
	s := c.s
	e.Q0 = append([]float64(nil), e.Q0...)
	e.Qab = append([]float64(nil), e.Qab...)
	s.run.Epochs = append(s.run.Epochs, e)
	if s.j.Plan != nil {
		if err := s.j.Plan.Epoch(e); err != nil {
			return err
		}
	}
	if e.Epoch == 0 {
		return nil
	}
	s.r.Epochs++
	if !s.save {
		return nil
	}
	if err := s.Save(); err != nil {
		return err
	}
	return s.Fitter.(*pasp.Trainer).SaveFile(s.r.path(s.j, "checkpoints", ".ckpt"))
}

// MeanStd returns the mean and the sample standard deviation of v: 0 for
// one value, NaN for none.
func MeanStd(v []float64) (mean, std float64) {
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

// algos returns the distinct algorithm names, sorted by first appearance.
func (r *Results) algos() []string {
	seen := map[string]int{}
	for i, run := range r.runs() {
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
