package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/check"
	"github.com/fbpgo/fbp/internal/memlimit"
)

// annealOptions are the parsed flags of "fbp anneal".
type annealOptions struct {
	model     string
	sizes     []int
	alpha     float64
	instances int
	seed      uint64
	baseline  bool
	stall     int64   // per synapse: MaxStall = stall·K·N
	steps     float64 // per synapse: Steps = ⌈steps·K·N⌉
	out       string
	s         compare.AnnealSettings
}

func parseAnneal(args []string, stderr io.Writer) (*annealOptions, error) {
	fs := flag.NewFlagSet("fbp anneal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &annealOptions{}
	fs.StringVar(&o.model, "model", "perceptron", "perceptron or committee")
	K := fs.Int("K", 5, "hidden units of the committee machine (odd)")
	sizes := fs.String("N", "101,201,401,801", "inputs per unit, comma-separated (odd)")
	fs.Float64Var(&o.alpha, "alpha", 0.3, "patterns per synapse α = M/(K·N)")
	fs.IntVar(&o.instances, "instances", 10, "random instances per size")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the instances and of the runs")
	fs.IntVar(&o.s.Replicas, "y", 5, "replicas y")
	fs.Float64Var(&o.s.Beta0, "beta0", 1, "initial inverse temperature β₀")
	fs.Float64Var(&o.s.BetaFactor, "fbeta", 1.01, "annealing factor f_β applied every -steps accepted moves")
	fs.Float64Var(&o.s.Gamma0, "gamma", 1, "initial coupling γ₀ between the replicas (0: plain SA, y independent runs)")
	fs.Float64Var(&o.s.GammaFactor, "fgamma", 1.005, "scoping factor f_γ applied every -steps accepted moves")
	fs.Float64Var(&o.steps, "steps", 1, "accepted moves between updates of β and γ, per synapse: ⌈steps·K·N⌉ (the schedule slows with N)")
	fs.Int64Var(&o.stall, "stall", 20, "give up after stall·K·N consecutive non-improving moves (0: never)")
	fs.Int64Var(&o.s.MaxMoves, "max-moves", 10_000_000, "budget of attempted moves per run")
	fs.BoolVar(&o.baseline, "baseline", true, "also run plain SA (γ = 0, same y and schedule) on the same instances")
	fs.StringVar(&o.out, "out", "", "write runs.csv, summary.json and moves.png into this directory")
	maxMem := memlimit.Flag(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	switch o.model {
	case "perceptron":
		o.s.K = 1
	case "committee":
		o.s.K = *K
	default:
		return nil, errors.Errorf("-model %q: want perceptron or committee", o.model)
	}
	var err error
	if o.sizes, err = parseInts("-N", *sizes); err != nil {
		return nil, err
	}
	for _, n := range o.sizes {
		if n < 1 || n%2 == 0 {
			return nil, errors.Errorf("-N %q: sizes must be odd and ≥ 1", *sizes)
		}
	}
	switch {
	case !(o.alpha > 0) || o.alpha > 100:
		return nil, errors.Errorf("-alpha %v: want a value in (0, 100]", o.alpha)
	case o.instances < 1 || o.instances > maxRuns:
		return nil, errors.Errorf("-instances %d: want 1 to %d", o.instances, maxRuns)
	case !(o.steps > 0) || o.steps > 1e6:
		return nil, errors.Errorf("-steps %v: want a value in (0, 1e6]", o.steps)
	case o.stall < 0:
		return nil, errors.Errorf("-stall %d: want a count ≥ 0", o.stall)
	case o.s.MaxMoves < 1:
		return nil, errors.Errorf("-max-moves %d: want at least 1", o.s.MaxMoves)
	}
	o.s.Seed = o.seed
	if err := o.checkMemory(maxMem); err != nil {
		return nil, err
	}
	return o, checkOut(o.out) // before any work
}

// checkMemory validates the settings, then checks the shape and the memory
// estimate of every size before any run starts, and says which -N fits.
func (o *annealOptions) checkMemory(maxMem *memlimit.Value) error {
	o.s.MaxMemory = maxMem.Setting()
	if err := o.s.Validate(); err != nil {
		return settingsFlagError[compare.AnnealSettings](err, annealFlags)
	}
	limit := int64(*maxMem)
	need := func(N int64) int64 {
		b, err := compare.AnnealSolveMemory(&o.s, int(N), o.alpha, o.instances)
		if err != nil {
			return math.MaxInt64
		}
		return b
	}
	for _, N := range o.sizes {
		if _, err := compare.AnnealSolveMemory(&o.s, N, o.alpha, o.instances); err != nil {
			return errors.Wrapf(err, "-N %d, -alpha %v", N, o.alpha)
		}
		err := memlimit.Check(fmt.Sprintf("-N %d", N), need(int64(N)), limit)
		if err == nil {
			continue
		}
		at := fmt.Sprintf("at -alpha %v, -y %d and -instances %d", o.alpha, max(o.s.Replicas, 1), o.instances)
		if j := memlimit.Largest(int64(N)/2, limit, func(j int64) int64 { return need(2*j + 1) }); j >= 0 {
			return errors.Errorf("%v; %s, -N up to %d fits", err, at, 2*j+1)
		}
		return errors.Errorf("%v; %s, no -N fits", err, at)
	}
	return nil
}

// annealFlags maps AnnealSettings fields to the flags that set them.
var annealFlags = map[string]string{
	"K": "-K", "Replicas": "-y", "Beta0": "-beta0", "BetaFactor": "-fbeta", "Gamma0": "-gamma",
	"GammaFactor": "-fgamma", "MaxMoves": "-max-moves", "MaxMemory": "-max-mem",
}

// settingsFlagError names the flag (from flags, by field) behind an
// invalid field of the settings S.
func settingsFlagError[S any](err error, flags map[string]string) error {
	var se *check.Error[S]
	if errors.As(err, &se) {
		if f, ok := flags[se.Field]; ok {
			return fmt.Errorf("%s: %w", f, se.Err)
		}
	}
	return err
}

// annealCmd runs "fbp anneal": replicated SA (and, with -baseline, plain
// SA) on random instances of every size, one progress line per size and
// method, then a JSON summary on stdout.
func annealCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseAnneal(args, stderr)
	if err != nil {
		return err
	}
	methods := []compare.AnnealSeries{{Method: annealMethod(o.s), Settings: o.s}}
	if o.baseline && o.s.Gamma0 != 0 {
		sa := o.s
		sa.Gamma0 = 0
		methods = append(methods, compare.AnnealSeries{Method: annealMethod(sa), Settings: sa})
	}
	for i := range methods {
		m := &methods[i]
		for _, N := range o.sizes {
			s := m.Settings
			s.MaxStall = o.stall * int64(s.K*N)
			s.Steps = int(math.Ceil(o.steps * float64(s.K*N)))
			st, err := compare.AnnealSolve(ctx, &s, N, o.alpha, o.instances, o.seed)
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return errInterrupted
			}
			m.Stats = append(m.Stats, st)
			fmt.Fprintf(stdout, "%-8s K=%d N=%-5d M=%-5d solved %2d/%d  median moves %-10.0f  mean min E/M %.4f  %.2fs/instance\n",
				m.Method, st.K, N, st.M, st.Solved, st.Instances, st.MedianMoves, st.MeanMinEnergy, st.PerInstance.Seconds())
		}
	}
	if o.out != "" {
		title := fmt.Sprintf("%s, α = %v, %d instances per size", o.model, o.alpha, o.instances)
		if err := compare.WriteAnnealDir(o.out, title, methods); err != nil {
			return err
		}
		command := "fbp anneal " + strings.Join(args, " ")
		if rev, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			command += "   (git " + strings.TrimSpace(string(rev)) + ")"
		}
		fmt.Fprintf(stdout, "results in %s (%s)\n", o.out, command)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(methods)
}

// annealMethod names a setting: "RSA y=3" or "SA y=3".
func annealMethod(s compare.AnnealSettings) string {
	if s.Gamma0 == 0 {
		return fmt.Sprintf("SA y=%d", max(s.Replicas, 1))
	}
	return fmt.Sprintf("RSA y=%d", max(s.Replicas, 1))
}
