package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/mpnet/committee"
)

// committeeOptions are the parsed flags of "fbp committee".
type committeeOptions struct {
	K, N       int
	alphas     []float64
	instances  int
	seed       uint64
	s          committee.Settings
	rsgd       bool
	rsgdEpochs int
	workers    int
	every      int
	thermo     bool
	out        string
}

// committeeFlags maps the fields named by committee.ParamError to flags.
var committeeFlags = map[string]string{
	"K": "-K", "N": "-N", "alpha": "-alpha", "Damping": "-damping", "Epsilon": "-epsilon",
	"MaxIters": "-max-iters", "MaxSteps": "-max-steps", "InitNoise": "-noise", "FirstLayer": "-first",
	"Kind": "-protocol", "Step": "-step", "X": "-x", "Y": "-y", "GammaStart": "-gamma0", "GammaStop": "-gamma1",
	"Steps": "-free", "MaxMemory": "-max-mem",
}

func parseCommittee(args []string, stderr io.Writer) (*committeeOptions, error) {
	fs := flag.NewFlagSet("fbp committee", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &committeeOptions{}
	fs.IntVar(&o.K, "K", 5, "hidden units (odd)")
	fs.IntVar(&o.N, "N", 321, "inputs per unit (odd); N·K synapses")
	alphas := fs.String("alpha", "0.3,0.4,0.5,0.6", "loads α = M/(N·K), comma-separated")
	fs.IntVar(&o.instances, "instances", 10, "random instances per α")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the instances (instance i: PCG(seed, i)); run i uses seed+i")
	protocol := fs.String("protocol", "standard", "focusing protocol: standard, scoping, pseudo or free")
	fs.Float64Var(&o.s.Protocol.Step, "step", 0.01, "protocol step: dx (standard), dρ (pseudo), dγ (scoping)")
	fs.Float64Var(&o.s.Protocol.X, "x", 0.5, "pseudo-reinforcement exponent x")
	fs.Float64Var(&o.s.Protocol.Y, "y", 3, "scoping: fixed y")
	fs.Float64Var(&o.s.Protocol.GammaStart, "gamma0", 0, "scoping: first γ")
	fs.Float64Var(&o.s.Protocol.GammaStop, "gamma1", 5, "scoping: last γ")
	free := fs.String("free", "", "free scoping: steps γ:y, comma-separated (inf allowed)")
	fs.IntVar(&o.s.MaxIters, "max-iters", 1, "sweeps per focusing step at most")
	fs.IntVar(&o.s.MaxSteps, "max-steps", 0, "focusing steps at most (0: the whole protocol)")
	fs.Float64Var(&o.s.Damping, "damping", 0.5, "damping λ in [0, 1)")
	fs.Float64Var(&o.s.InitNoise, "noise", 0.1, "initial message noise (magnetizations uniform in ±noise)")
	fs.Float64Var(&o.s.Epsilon, "epsilon", 1e-3, "a focusing step ends when no message changes by more than this")
	first := fs.String("first", "gaussian", "first-layer node: gaussian or exact")
	fs.BoolVar(&o.rsgd, "compare-rsgd", false, "also run replicated SGD (compare.DefaultRSGDSettings) on the same instances")
	fs.IntVar(&o.rsgdEpochs, "rsgd-epochs", 1000, "replicated SGD: epoch limit")
	fs.IntVar(&o.workers, "workers", 1, "instances run in parallel")
	fs.IntVar(&o.every, "progress", 0, "print fBP progress every this many focusing steps (0: none)")
	fs.BoolVar(&o.thermo, "thermo", false, "run the whole protocol (no stop at zero errors) and record q, S, Φ and the local entropy after every step (thermo.csv)")
	fs.StringVar(&o.out, "out", "", "write runs.csv, summary.csv, solved.png, time.png and README.md into this directory")
	maxMem := memlimit.Flag(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	var err error
	if o.s.Protocol.Kind, err = committee.ParseProtocolKind(*protocol); err != nil {
		return nil, errors.Errorf("-protocol %q: want standard, scoping, pseudo or free", *protocol)
	}
	if o.alphas, err = parseFloats("-alpha", *alphas); err != nil {
		return nil, err
	}
	if o.s.Protocol.Steps, err = parseFreeSteps(*free); err != nil {
		return nil, err
	}
	switch *first {
	case "gaussian":
		o.s.FirstLayer = committee.Gaussian
	case "exact":
		o.s.FirstLayer = committee.Exact
	default:
		return nil, errors.Errorf("-first %q: want gaussian or exact", *first)
	}
	switch {
	case len(o.alphas) == 0:
		return nil, errors.Errorf("-alpha %q: want at least one load", *alphas)
	case o.every < 0:
		return nil, errors.Errorf("-progress %d: want a count ≥ 0", o.every)
	case o.instances > maxRuns:
		return nil, errors.Errorf("-instances %d: want at most %d", o.instances, maxRuns)
	}
	for _, c := range []struct {
		flag string
		v    int
	}{{"-instances", o.instances}, {"-rsgd-epochs", o.rsgdEpochs}, {"-workers", o.workers}, {"-max-iters", o.s.MaxIters}} {
		if c.v < 1 {
			return nil, errors.Errorf("%s %d: want at least 1", c.flag, c.v)
		}
	}
	o.s.MaxMemory = maxMem.Setting()
	if err := o.s.Validate(); err != nil {
		return nil, committeeFlagError(err)
	}
	if err := o.checkMemory(int64(*maxMem)); err != nil {
		return nil, err
	}
	return o, checkOut(o.out) // before any work
}

// largestLoad checks that every load can be drawn and returns the largest
// number of patterns M with its load.
func (o *committeeOptions) largestLoad() (M int, alpha float64, err error) {
	for _, a := range o.alphas {
		m, err := committee.Patterns(o.K, o.N, a)
		if err != nil {
			return 0, 0, committeeFlagError(err)
		}
		if m > M {
			M, alpha = m, a
		}
	}
	return M, alpha, nil
}

// checkMemory checks the loads and the memory that -workers instances at
// the largest load are estimated to need against limit, before any run,
// with the rows that -thermo keeps for every step of every run. The
// settings must be valid.
func (o *committeeOptions) checkMemory(limit int64) error {
	M, alpha, err := o.largestLoad()
	if err != nil {
		return err
	}
	one, err := committee.Memory(o.K, o.N, M, &o.s)
	if err != nil {
		return committeeFlagError(err)
	}
	var rows int64
	what := fmt.Sprintf("-K %d -N %d -alpha %v -workers %d (M = %d patterns)", o.K, o.N, alpha, o.workers, M)
	if o.thermo {
		sched, _ := o.s.Protocol.Schedule()
		rows = memlimit.Product(int64(len(sched)), int64(unsafe.Sizeof(thermoRow{})), int64(o.instances), int64(len(o.alphas)))
		what += fmt.Sprintf(" -thermo (%d steps, %d runs)", len(sched), o.instances*len(o.alphas))
	}
	need := func(w int64) int64 { return memlimit.Sum(memlimit.Product(one, w), rows) }
	par := int64(min(o.workers, o.instances))
	err = memlimit.Check(what, need(par), limit)
	if err == nil {
		return nil
	}
	if w := memlimit.Largest(par, limit, need); w >= 1 {
		return errors.Errorf("%v; -workers up to %d fits", err, w)
	}
	return errors.Errorf("%v; one instance alone needs about %s: lower -N, -K or -alpha (or -instances, -step with -thermo)",
		err, memlimit.Format(need(1)))
}

func committeeFlagError(err error) error {
	var pe *committee.ParamError
	if errors.As(err, &pe) {
		field := pe.Field
		if i := strings.IndexByte(field, '['); i >= 0 {
			field = field[:i]
		}
		if f, ok := committeeFlags[field]; ok {
			return errors.Errorf("%s %v: want %s", f, pe.Value, pe.Want)
		}
	}
	return err
}

// parseFreeSteps parses "γ:y,γ:y,…".
func parseFreeSteps(v string) ([]committee.Step, error) {
	var out []committee.Step
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		g, y, ok := strings.Cut(f, ":")
		gv, err1 := strconv.ParseFloat(strings.TrimSpace(g), 64)
		yv, err2 := strconv.ParseFloat(strings.TrimSpace(y), 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, errors.Errorf("-free %q: %q is not γ:y", v, f)
		}
		out = append(out, committee.Step{Gamma: gv, Y: yv})
	}
	return out, nil
}

// committeeRun is the outcome of one method on one instance.
type committeeRun struct {
	Method   string  `json:"method"`
	Alpha    float64 `json:"alpha"`
	M        int     `json:"M"`
	Instance int     `json:"instance"`
	Solved   bool    `json:"solved"`
	Errors   int     `json:"errors"` // training errors at the end (RSGD: minimum over replicas and centre)
	Steps    int     `json:"steps"`  // fBP: focusing steps; RSGD: epochs
	Sweeps   int     `json:"sweeps"` // fBP only
	Seconds  float64 `json:"seconds"`

	thermo []thermoRow // fBP with -thermo: one row per focusing step
}

// thermoRow is the state after one focusing step of an fBP run.
type thermoRow struct {
	Index     int
	Th        committee.Thermo
	Errors    int
	Converged bool
}

// committeeCmd runs "fbp committee": fBP (and replicated SGD with
// -compare-rsgd) on random instances at every α, one line per instance,
// then a JSON summary on stdout.
func committeeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseCommittee(args, stderr)
	if err != nil {
		return err
	}
	var runs []committeeRun
	for _, alpha := range o.alphas {
		rs, err := committeeAlpha(ctx, o, alpha, stdout)
		if err != nil {
			return err
		}
		runs = append(runs, rs...)
	}
	sum := summarize(runs)
	if o.out != "" {
		command := "fbp committee " + strings.Join(args, " ")
		rev := ""
		if b, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			rev = strings.TrimSpace(string(b))
		}
		title := fmt.Sprintf("binary committee machine K = %d, N = %d (N·K = %d), %d instances per α", o.K, o.N, o.K*o.N, o.instances)
		if err := writeCommitteeDir(o.out, title, command, rev, runs, sum); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "results in %s\n", o.out)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(sum)
}

// committeeAlpha runs every instance at one load, o.workers at a time, and
// returns the runs in instance order (fBP then RSGD).
func committeeAlpha(ctx context.Context, o *committeeOptions, alpha float64, stdout io.Writer) ([]committeeRun, error) {
	runs := make([][]committeeRun, o.instances)
	errs := make([]error, o.instances)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(o.workers, o.instances) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				runs[i], errs[i] = committeeInstance(ctx, o, alpha, i, &mu, stdout)
			}
		}()
	}
	for i := range o.instances {
		next <- i
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return nil, errInterrupted
	}
	var out []committeeRun
	for i, r := range runs {
		if errs[i] != nil {
			return nil, errors.Wrapf(errs[i], "α = %v, instance %d", alpha, i)
		}
		out = append(out, r...)
	}
	return out, nil
}

// committeeInstance runs fBP, and replicated SGD if asked, on instance i.
func committeeInstance(ctx context.Context, o *committeeOptions, alpha float64, i int, mu *sync.Mutex, stdout io.Writer) ([]committeeRun, error) {
	p, err := committee.RandomProblem(o.K, o.N, alpha, o.seed, uint64(i))
	if err != nil {
		return nil, err
	}
	s := o.s
	s.Seed = o.seed + uint64(i)
	rec := &committeeRecorder{mu: mu, w: stdout, every: o.every, thermo: o.thermo, prefix: fmt.Sprintf("α=%v #%d ", alpha, i)}
	s.Recorder, s.KeepGoing = rec, o.thermo
	sv, err := committee.New(p, &s)
	if err != nil {
		return nil, err
	}
	res, err := sv.Run(ctx)
	if err != nil {
		return nil, err
	}
	out := []committeeRun{{Method: "fBP", Alpha: alpha, M: p.Set.M, Instance: i, Solved: res.Status == committee.Solved,
		Errors: res.Errors, Steps: res.Steps, Sweeps: res.Sweeps, Seconds: res.Runtime.Seconds(), thermo: rec.rows}}
	if o.rsgd && ctx.Err() == nil {
		rs := compare.DefaultRSGDSettings(o.K)
		rs.Seed, rs.MaxEpochs = o.seed+uint64(i), o.rsgdEpochs
		r, err := compare.NewRSGD(p.Set, rs)
		if err != nil {
			return nil, err
		}
		rr, err := r.Run(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, committeeRun{Method: "RSGD", Alpha: alpha, M: p.Set.M, Instance: i, Solved: rr.Solved,
			Errors: rr.MinErrors, Steps: rr.Epochs, Seconds: rr.Runtime.Seconds()})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range out {
		unit := "steps"
		if r.Method == "RSGD" {
			unit = "epochs"
		}
		fmt.Fprintf(stdout, "%-4s α=%-5v M=%-4d instance %2d: solved %-5v errors %-4d %5d %s %8.2fs\n",
			r.Method, r.Alpha, r.M, r.Instance, r.Solved, r.Errors, r.Steps, unit, r.Seconds)
	}
	return out, nil
}

// committeeRecorder prints the progress of one fBP run every `every`
// steps (0: never) under mu, and collects its thermodynamics if asked.
type committeeRecorder struct {
	mu     *sync.Mutex
	w      io.Writer
	every  int
	thermo bool
	prefix string
	rows   []thermoRow
}

func (r *committeeRecorder) Init() error { return nil }

func (r *committeeRecorder) Record(s *committee.Solver, pr committee.Progress) error {
	if r.thermo {
		r.rows = append(r.rows, thermoRow{Index: pr.Index, Th: s.Thermo(), Errors: pr.Errors, Converged: pr.Converged})
	}
	if r.every == 0 || (pr.Index%r.every != 0 && pr.Errors != 0) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err := fmt.Fprintf(r.w, "%sstep %4d γ=%-6.3g y=%-8.4g Δ=%-9.3g errors %d (%v)\n", r.prefix, pr.Index,
		pr.Step.Gamma, pr.Step.Y, pr.Delta, pr.Errors, pr.Elapsed.Round(time.Millisecond))
	return err
}

// committeeSummary aggregates the runs of one method at one load.
type committeeSummary struct {
	Method    string  `json:"method"`
	Alpha     float64 `json:"alpha"`
	M         int     `json:"M"`
	Instances int     `json:"instances"`
	Solved    int     `json:"solved"`
	Fraction  float64 `json:"fraction_solved"`
	MeanSec   float64 `json:"mean_seconds_per_instance"`
	MeanSteps float64 `json:"mean_steps_solved"` // focusing steps (fBP) or epochs (RSGD) of the solved runs; 0 if none
	MeanErr   float64 `json:"mean_final_errors_per_pattern"`
}

func summarize(runs []committeeRun) []committeeSummary {
	var out []committeeSummary
	idx := map[string]int{}
	for _, r := range runs {
		key := fmt.Sprintf("%s/%v", r.Method, r.Alpha)
		j, ok := idx[key]
		if !ok {
			j = len(out)
			idx[key] = j
			out = append(out, committeeSummary{Method: r.Method, Alpha: r.Alpha, M: r.M})
		}
		s := &out[j]
		s.Instances++
		s.MeanSec += r.Seconds
		s.MeanErr += float64(r.Errors) / float64(r.M)
		if r.Solved {
			s.Solved++
			s.MeanSteps += float64(r.Steps)
		}
	}
	for j := range out {
		s := &out[j]
		s.Fraction = float64(s.Solved) / float64(s.Instances)
		s.MeanSec /= float64(s.Instances)
		s.MeanErr /= float64(s.Instances)
		if s.Solved > 0 {
			s.MeanSteps /= float64(s.Solved)
		}
		s.MeanSec = math.Round(s.MeanSec*1000) / 1000
	}
	return out
}
