package experiments

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/ops"
	"github.com/fbpgo/fbp/pasp"
)

// Options say where and how an experiment runs; they do not change its
// results.
type Options struct {
	// Out is the results directory. Running again with the same Out and
	// Params reuses the finished runs and continues the checkpointed ones.
	Out string
	// DataDir is the directory of fetched data (data.DefaultDir when empty).
	DataDir string
	// Stdout and Stderr receive the progress (nil: discarded); Progress
	// draws progress bars and messages on Stderr.
	Stdout, Stderr io.Writer
	Progress       bool
	// Command is the command line recorded in README.md and command.txt.
	Command string
	// Changed lists the flags that differ from the paper's protocol, as
	// given ("-epochs 2"), for the README.
	Changed []string
	// OnEpoch, if not nil, is called after every evaluation of a run.
	OnEpoch func(id string, epoch int)
	// MaxMem is the memory limit in bytes: Run refuses, before it starts,
	// parameters whose estimate (Needs) exceeds it. Zero means
	// memlimit.Default (half the machine's memory), negative no limit.
	MaxMem int64
}

// Summary says what Run did.
type Summary struct {
	Trained, Reused int // runs trained, finished runs reused
	Retrained       int // finished runs trained again: their data changed
	Epochs          int // epochs trained
	Records         []*Record
}

// ErrInterrupted is returned by Run when the context was cancelled: the
// same call continues from the last finished epoch.
var ErrInterrupted = compare.ErrInterrupted

// runEnv is what the plans of one Run share.
type runEnv struct {
	data *dataCache
	dev  ops.Device
	rev  string
}

// revision returns the git revision, looked up once.
func (e *runEnv) revision() string {
	if e.rev == "" {
		e.rev = GitRevision()
	}
	return e.rev
}

// Run runs every job of experiment e with parameters p (checked with
// CheckParams), resuming what an earlier call left in o.Out, and writes
// the results directory: runs.csv, runs.json, runs/ (the finished runs),
// the experiment's tables and figures, README.md and command.txt.
// Before any work it checks the memory estimate against o.MaxMem and that
// o.Out is a writable directory. A finished run is reused only if its
// settings and its data (Job.Fingerprint) are the same; a run whose data
// files were replaced is trained again.
func Run(ctx context.Context, e Experiment, p *Params, o *Options) (*Summary, error) {
	if err := CheckParams(e, p); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, errors.New("experiments: Run: nil Options (Out is needed)")
	}
	limit := o.MaxMem
	if limit == 0 {
		limit = memlimit.Default()
	}
	if err := CheckNeeds(limit, Needs(e, p)...); err != nil {
		return nil, err
	}
	if err := compare.CheckDir("-out", o.Out); err != nil {
		return nil, err
	}
	stdout, stderr := orDiscard(o.Stdout), orDiscard(o.Stderr)
	env := &runEnv{data: &dataCache{dir: o.DataDir, sets: map[string][2]*data.Set{}}}
	if p.Device == "cuda" {
		dev, err := ops.OpenCUDA()
		if err != nil {
			return nil, errors.Wrap(err, "-device cuda")
		}
		defer dev.Close()
		env.dev = dev
	}
	jobs, plans := completeJobs(e.Jobs(p), p.Device, env)
	r := &compare.Runner{Dir: o.Out,
		Progress: func(j compare.Job) pasp.Recorder {
			fmt.Fprintf(stdout, "== %s\n", j.Plan.ID())
			return &pasp.Printer{W: stdout, Bar: stderr, Progress: o.Progress}
		}}
	if o.Progress {
		r.Logf = func(format string, args ...any) { fmt.Fprintf(stderr, "fbp: "+format+"\n", args...) }
	}
	if o.OnEpoch != nil {
		r.OnEpoch = func(j compare.Job, epoch int) { o.OnEpoch(j.Plan.ID(), epoch) }
	}
	if _, err := r.Run(ctx, jobs, nil, nil); err != nil {
		return nil, err
	}
	sum := &Summary{Trained: r.Trained, Reused: r.Reused, Retrained: r.Retrained, Epochs: r.Epochs}
	for _, pl := range plans {
		sum.Records = append(sum.Records, pl.rec)
	}
	rep := &Report{Exp: e, Params: p, Records: sum.Records, Dir: o.Out, b: &strings.Builder{}}
	return sum, rep.write(o)
}

// completeJobs sets what every experiment's jobs share: the device of the
// message-passing runs, and ρ and ψ from pasp.DefaultSettings where the
// experiment keeps them; it returns the runner's jobs and their plans.
func completeJobs(js []Job, device string, env *runEnv) ([]compare.Job, []*plan) {
	var jobs []compare.Job
	var plans []*plan
	for i := range js {
		j := &js[i]
		if j.MessagePassing() {
			if device == "cuda" {
				j.Device = "cuda"
			}
			if _, s, err := compare.PaspSettings(j.Kind, j.settings()); err == nil {
				if j.Rho == nil {
					j.Rho = s.Rho
				}
				if j.Psi == nil {
					j.Psi = s.Psi
				}
			}
		}
		pl := &plan{job: j, env: env}
		plans = append(plans, pl)
		jobs = append(jobs, compare.Job{Algo: j.Algo, Seed: j.Seed, New: pl.newFitter, Plan: pl})
	}
	return jobs, plans
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// GitRevision returns `git rev-parse --short HEAD`, or a note why not.
func GitRevision() string {
	rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (git rev-parse failed: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(rev))
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
