package experiments

import (
	"encoding/json"
	"math/rand/v2"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
)

// plan is the compare.Plan of one job: its data, its resumable record and
// the measurements beyond the evaluations (task 1 error, overlaps, local
// energy, continual learning).
type plan struct {
	job   *Job
	env   *runEnv
	rec   *Record
	h     *view
	tasks *permTasks
	load0 float64
}

var _ compare.Plan = (*plan)(nil)

func (p *plan) ID() string { return p.job.ID }

func (p *plan) Data() (train, test *data.Set, err error) {
	train, test, err = p.env.data.get(p.job)
	if err != nil {
		return nil, nil, err
	}
	if p.job.Fingerprint, err = p.env.data.fingerprint(p.job); err != nil {
		return nil, nil, err
	}
	p.job.Widths[0] = train.N
	return train, test, nil
}

// Checkpoints: message-passing runs on the CPU.
func (p *plan) Checkpoints() bool { return p.job.MessagePassing() && p.job.Device != "cuda" }

func (p *plan) Restore(b []byte) ([]pasp.Eval, bool, error) {
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, false, err
	}
	if !sameJob(&rec.Job, p.job, false) {
		return nil, false, compare.ErrOtherJob
	}
	var err error
	if p.job.Fingerprint, err = p.env.data.fingerprint(p.job); err != nil {
		return nil, false, err
	}
	if !sameJob(&rec.Job, p.job, true) {
		return nil, false, compare.ErrOtherData
	}
	p.rec = &rec
	return rec.Epochs, rec.Done, nil
}

func (p *plan) Resume(ckpt string) (compare.Fitter, error) { return pasp.LoadFile(ckpt) }

// newFitter builds the job's trainer with the algorithm factory.
func (p *plan) newFitter() (compare.Fitter, error) {
	s := p.job.settings()
	if p.job.Device == "cuda" {
		s.Device = p.env.dev
	}
	return compare.NewAlgorithm(p.job.Kind, s)
}

func (p *plan) Train(s *compare.Session) error {
	p.load0 = loadAverage()
	j := p.job
	if !s.Resumed {
		p.rec = &Record{Job: *j}
	}
	var err error
	if p.h, err = newView(s.Fitter); err != nil {
		return err
	}
	p.rec.truncate(s.Done, j.Epochs*min(j.Tasks, 1))
	if j.Tasks > 0 {
		err = p.continual(s)
	} else if s.Done < j.Epochs {
		err = s.Fit(j.Epochs-s.Done, s.Train, s.Test)
	}
	if err != nil || len(j.Flips) == 0 {
		return err
	}
	x, y := s.Train.X, s.Train.Y
	if n := j.TrainEval; n > 0 && n < s.Train.M {
		x, y = x[:n*s.Train.N], y[:n]
	}
	p.rec.Energy, err = localEnergy(p.h, j, x, y)
	return err
}

func (p *plan) Epoch(e pasp.Eval) error {
	if p.tasks != nil {
		t1 := p.tasks.tests[0]
		pw, _, err := p.h.errors(t1.X, t1.Y)
		if err != nil {
			return err
		}
		p.rec.Task1 = append(p.rec.Task1, TaskPoint{Epoch: e.Epoch, TestError: pw})
	}
	if p.job.Overlaps {
		p.rec.Layers = append(p.rec.Layers, p.h.layerPoint(e.Epoch))
	}
	return nil
}

func (p *plan) Record(run *compare.Run, done bool) any {
	p.rec.Epochs = run.Epochs
	if done {
		p.rec.Done = true
		p.rec.Revision = p.env.revision()
		if load1 := loadAverage(); p.load0 >= 0 && load1 >= 0 {
			p.rec.Load = []float64{p.load0, load1}
		}
	}
	return p.rec
}

// permStream is the PCG stream of the pixel permutations of the
// continual-learning tasks, drawn from the run's seed.
const permStream = 0x7065726d75746521

// permTasks holds the permuted tasks of a continual-learning run: one
// pixel permutation per task and every test set; the training set of a
// task is built when it is trained, to keep one permuted copy in memory.
type permTasks struct {
	perms [][]int
	tests []*data.Set
}

func newPermTasks(train, test *data.Set, n int, seed uint64) (*permTasks, error) {
	rng := rand.New(rand.NewPCG(seed, permStream))
	ts := &permTasks{}
	for range n {
		perm, err := data.PixelPermutation(rng, train.N)
		if err != nil {
			return nil, err
		}
		pt, err := data.Permute(test, perm)
		if err != nil {
			return nil, err
		}
		ts.perms = append(ts.perms, perm)
		ts.tests = append(ts.tests, pt)
	}
	return ts, nil
}

// continual trains the tasks of a continual-learning run in turn, after
// the epochs already done, and records after each task the test error on
// every task.
func (p *plan) continual(s *compare.Session) error {
	j := p.job
	ts, err := newPermTasks(s.Train, s.Test, j.Tasks, j.Seed)
	if err != nil {
		return err
	}
	p.tasks = ts
	for t := 0; t < j.Tasks; t++ {
		if in := min(max(s.Done-t*j.Epochs, 0), j.Epochs); in < j.Epochs {
			s.Logf("task %d of %d", t+1, j.Tasks)
			pt, err := data.Permute(s.Train, ts.perms[t])
			if err != nil {
				return err
			}
			if err := s.Fit(j.Epochs-in, pt, ts.tests[t]); err != nil {
				return err
			}
		}
		if len(p.rec.TaskErrors) > t {
			continue
		}
		var errs []float64
		for _, te := range ts.tests {
			pw, _, err := p.h.errors(te.X, te.Y)
			if err != nil {
				return err
			}
			errs = append(errs, pw)
		}
		p.rec.TaskErrors = append(p.rec.TaskErrors, errs)
		if err := s.Save(); err != nil {
			return err
		}
	}
	return nil
}
