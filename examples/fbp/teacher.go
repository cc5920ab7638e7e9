package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/mpnet/teacher"
)

// maxRuns bounds the runs of "fbp teacher" (-runs) and the instances of
// "fbp committee" (-instances), whose results are kept per run.
const maxRuns = 1 << 20

// teacherOptions are the parsed flags of "fbp teacher".
type teacherOptions struct {
	cfg         teacher.Config
	kinS, koutS int // student non-zeros per row (0: the teacher's)
	ms          []int
	modes       []teacher.Mode
	s           teacher.Settings
	seed        uint64
	runs        int
	out         string
	progress    bool
	command     string
}

func parseTeacher(args []string, stderr io.Writer) (*teacherOptions, error) {
	fs := flag.NewFlagSet("fbp teacher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &teacherOptions{command: "fbp teacher " + strings.Join(args, " ")}
	sizes := fs.String("sizes", "1000,1000,1000", "layer widths N_in,N_hidden,N_out")
	fs.IntVar(&o.cfg.KIn, "kin", 2, "teacher non-zeros per row of W_in (inputs per hidden unit)")
	fs.IntVar(&o.cfg.KOut, "kout", 2, "teacher non-zeros per row of W_out (hidden units per output)")
	act := fs.String("act", "tanh", "activation of both layers: tanh (tanh(z-b)) or leakyrelu (max(z, a z))")
	b := fs.Float64("b", 0.1, "shift b of tanh(z-b)")
	a := fs.Float64("a", 0.1, "slope a of the leaky ReLU, in [0,1)")
	fs.IntVar(&o.kinS, "student-kin", 0, "student non-zeros per row of W_in (0: the teacher's; larger: ternary mismatched student)")
	fs.IntVar(&o.koutS, "student-kout", 0, "student non-zeros per row of W_out (0: the teacher's; larger: ternary mismatched student)")
	ms := fs.String("m", "1,2,3,4,6,8,12,16", "numbers of samples m, comma-separated")
	modes := fs.String("mode", "offline,batch,online", "learning modes, comma-separated: offline, batch, online")
	fs.IntVar(&o.s.Batch, "batch", 4, "mini-batch size of -mode batch")
	algo := fs.String("algo", "sum-product", "factor update: sum-product, max-product or max-sum")
	fs.IntVar(&o.s.MaxIter, "iters", 200, "message-passing iterations per batch at most")
	fs.Float64Var(&o.s.Damping, "damping", 0.3, "damping α in [0,1): new = α old + (1-α) update")
	fs.Float64Var(&o.s.Tol, "tol", 1e-10, "convergence threshold on the factor-to-variable messages")
	fs.Float64Var(&o.s.Reinforcement, "r", 0, "reinforcement r ≥ 0")
	fs.Float64Var(&o.s.Beta, "beta", 0, "inverse temperature of soft factors (0: hard constraints)")
	fs.IntVar(&o.s.Workers, "workers", 0, "goroutines (0: GOMAXPROCS)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed; run k uses the PCG stream (seed, k)")
	fs.IntVar(&o.runs, "runs", 10, "independent teachers per point")
	fs.StringVar(&o.out, "out", "", "results directory for runs.csv, summary.csv, summary.json, wrong.png and wrong-log.png (log axis; left out when every mean is 0) (empty: none)")
	fs.BoolVar(&o.progress, "progress", true, "print one line per run on stderr")
	maxMem := memlimit.Flag(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	o.cfg.MaxMemory, o.s.MaxMemory = maxMem.Setting(), maxMem.Setting()
	if err := o.network(*sizes, *act, *b, *a); err != nil {
		return nil, err
	}
	if err := o.finish(*ms, *modes, *algo); err != nil {
		return nil, err
	}
	if err := o.checkMemory(*sizes, int64(*maxMem)); err != nil {
		return nil, err
	}
	return o, checkOut(o.out) // before any work
}

// checkMemory compares the memory estimate of one run at the largest -m
// (and the 50 test samples) with the limit before any run starts, and
// blames -sizes when even one sample does not fit, -m otherwise.
func (o *teacherOptions) checkMemory(sizes string, limit int64) error {
	need := func(m int64) int64 { return o.cfg.Memory(int(m)+50, o.kinS, o.koutS) }
	maxM := int64(slices.Max(o.ms))
	if memlimit.Check("", need(maxM), limit) == nil {
		return nil
	}
	if err := memlimit.Check("-sizes "+sizes, need(1), limit); err != nil {
		return errors.Errorf("%v; lower -sizes (or -kin, -kout, -student-kin, -student-kout)", err)
	}
	err := memlimit.Check(fmt.Sprintf("-m %d", maxM), need(maxM), limit)
	return errors.Errorf("%v; at these -sizes, -m up to %d fits", err, memlimit.Largest(maxM, limit, need))
}

// network sets the teacher configuration from the -sizes and -act flags.
func (o *teacherOptions) network(sizes, act string, b, a float64) error {
	w, err := parseInts("-sizes", sizes)
	if err != nil {
		return err
	}
	if len(w) != 3 {
		return errors.Errorf("-sizes %q: want three widths N_in,N_hidden,N_out", sizes)
	}
	o.cfg.NIn, o.cfg.NHidden, o.cfg.NOut = w[0], w[1], w[2]
	switch act {
	case "tanh":
		o.cfg.Act = teacher.Tanh{B: b}
	case "leakyrelu":
		o.cfg.Act = teacher.LeakyReLU{A: a}
	default:
		return errors.Errorf("-act %q: want tanh or leakyrelu", act)
	}
	if err := o.cfg.Validate(); err != nil {
		return errors.Wrap(err, "-sizes/-kin/-kout/-act")
	}
	return nil
}

// finish parses -m, -mode and -algo and checks the remaining flags.
func (o *teacherOptions) finish(ms, modes, algo string) error {
	var err error
	if o.ms, err = parseInts("-m", ms); err != nil {
		return err
	}
	for _, m := range o.ms {
		if m < 1 {
			return errors.Errorf("-m %q: %d samples, want ≥ 1", ms, m)
		}
	}
	if o.modes, err = parseModes(modes); err != nil {
		return err
	}
	switch algo {
	case "sum-product":
		o.s.Algorithm = teacher.SumProduct
	case "max-product":
		o.s.Algorithm = teacher.MaxProduct
	case "max-sum":
		o.s.Algorithm = teacher.MaxSum
	default:
		return errors.Errorf("-algo %q: want sum-product, max-product or max-sum", algo)
	}
	if o.s.Batch < 1 {
		return errors.Errorf("-batch %d: want ≥ 1", o.s.Batch)
	}
	if o.runs < 1 || o.runs > maxRuns {
		return errors.Errorf("-runs %d: want 1 to %d", o.runs, maxRuns)
	}
	if (o.kinS != 0 && o.kinS < o.cfg.KIn) || (o.koutS != 0 && o.koutS < o.cfg.KOut) {
		return errors.Errorf("-student-kin %d, -student-kout %d: want 0 or at least the teacher's -kin %d, -kout %d",
			o.kinS, o.koutS, o.cfg.KIn, o.cfg.KOut)
	}
	s := o.s
	s.Mode = teacher.Batch
	if err := s.Validate(); err != nil {
		return errors.Wrap(err, "flags")
	}
	return nil
}

func parseModes(v string) ([]teacher.Mode, error) {
	var out []teacher.Mode
	for _, f := range strings.Split(v, ",") {
		switch strings.TrimSpace(f) {
		case "offline":
			out = append(out, teacher.Offline)
		case "batch":
			out = append(out, teacher.Batch)
		case "online":
			out = append(out, teacher.Online)
		default:
			return nil, errors.Errorf("-mode %q: unknown mode %q (want offline, batch, online)", v, f)
		}
	}
	return out, nil
}

// teacherRun is one row of runs.csv.
type teacherRun struct {
	Mode        string  `json:"mode"`
	M           int     `json:"m"`
	Run         int     `json:"run"`
	Wrong       float64 `json:"wrong"`
	Topo        float64 `json:"topology_error"`
	Gen         float64 `json:"generalization_error"`
	Iterations  int     `json:"iterations"`
	Unconverged int     `json:"unconverged_batches"`
	Contra      int     `json:"contradictions"`
	Seconds     float64 `json:"seconds"`
}

// teacherPoint is the mean over runs at one mode and m.
type teacherPoint struct {
	Mode      string  `json:"mode"`
	M         int     `json:"m"`
	Runs      int     `json:"runs"`
	Wrong     float64 `json:"wrong_mean"`
	WrongStd  float64 `json:"wrong_std"`
	WrongMax  float64 `json:"wrong_max"`
	Perfect   int     `json:"runs_with_zero_wrong"`
	Topo      float64 `json:"topology_error_mean"`
	Gen       float64 `json:"generalization_error_mean"`
	Seconds   float64 `json:"seconds_mean"`
	Unconverg float64 `json:"unconverged_batches_mean"`
}

func teacherCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTeacher(args, stderr)
	if err != nil {
		return err
	}
	var runs []teacherRun
	var points []teacherPoint
	for _, mode := range o.modes {
		for _, m := range o.ms {
			var pr []teacherRun
			for k := 0; k < o.runs; k++ {
				if ctx.Err() != nil {
					return errInterrupted
				}
				r, err := o.one(mode, m, k)
				if err != nil {
					return err
				}
				if o.progress {
					fmt.Fprintf(stderr, "%s m=%d run %d: wrong %.4f, %d iterations, %.2fs\n", r.Mode, m, k, r.Wrong, r.Iterations, r.Seconds)
				}
				pr = append(pr, r)
			}
			p := summarise(pr)
			fmt.Fprintf(stdout, "%-7s m=%-4d wrong %.4f ± %.4f (max %.4f, %d/%d perfect)  topology %.4f  gen %.3g  %.2fs/run\n",
				p.Mode, p.M, p.Wrong, p.WrongStd, p.WrongMax, p.Perfect, p.Runs, p.Topo, p.Gen, p.Seconds)
			runs, points = append(runs, pr...), append(points, p)
		}
	}
	summary := map[string]any{"command": o.command, "algorithm": o.s.Algorithm.String(),
		"sizes": []int{o.cfg.NIn, o.cfg.NHidden, o.cfg.NOut}, "kin": o.cfg.KIn, "kout": o.cfg.KOut,
		"activation": o.cfg.Act.String(), "batch": o.s.Batch, "damping": o.s.Damping, "points": points}
	js, err := json.MarshalIndent(summary, "", " ")
	if err != nil {
		return errors.Wrap(err, "summary")
	}
	fmt.Fprintln(stdout, string(js))
	if o.out == "" {
		return nil
	}
	title := fmt.Sprintf("%s, %d-%d-%d, K_in=%d, K_out=%d, %s, batch %d", o.s.Algorithm, o.cfg.NIn, o.cfg.NHidden,
		o.cfg.NOut, o.cfg.KIn, o.cfg.KOut, o.cfg.Act, o.s.Batch)
	return writeTeacherDir(o.out, title, runs, points, js)
}

// one draws teacher k, its first m samples and 50 test samples, and infers.
func (o *teacherOptions) one(mode teacher.Mode, m, k int) (teacherRun, error) {
	rng := rand.New(rand.NewPCG(o.seed, uint64(k)))
	tc, err := teacher.New(o.cfg, rng)
	if err != nil {
		return teacherRun{}, err
	}
	maxM := 0
	for _, v := range o.ms {
		maxM = max(maxM, v)
	}
	train, err := tc.Generate(maxM, rng)
	if err != nil {
		return teacherRun{}, err
	}
	test, err := tc.Generate(50, rng)
	if err != nil {
		return teacherRun{}, err
	}
	st := teacher.BayesStudent(tc)
	if o.kinS > tc.KIn || o.koutS > tc.KOut {
		if st, err = teacher.MismatchedStudent(tc, max(o.kinS, tc.KIn), max(o.koutS, tc.KOut), rng); err != nil {
			return teacherRun{}, errors.Wrap(err, "-student-kin/-student-kout")
		}
	}
	s := o.s
	s.Mode = mode
	if mode == teacher.Online {
		s.Batch = 1
	}
	res, err := teacher.Infer(st, train.Slice(0, m), &s)
	if err != nil {
		return teacherRun{}, err
	}
	return teacherRun{Mode: mode.String(), M: m, Run: k, Wrong: tc.WrongFraction(st, res.WIn, res.WOut),
		Topo: tc.TopologyError(st, res.WIn, res.WOut), Gen: st.GenError(res.WIn, res.WOut, test),
		Iterations: res.Iterations, Unconverged: res.Unconverged, Contra: res.Contradictions,
		Seconds: res.Runtime.Seconds()}, nil
}

func summarise(rs []teacherRun) teacherPoint {
	p := teacherPoint{Mode: rs[0].Mode, M: rs[0].M, Runs: len(rs)}
	w := make([]float64, len(rs))
	for i, r := range rs {
		w[i] = r.Wrong
		p.WrongMax = math.Max(p.WrongMax, r.Wrong)
		if r.Wrong == 0 {
			p.Perfect++
		}
		p.Topo += r.Topo / float64(len(rs))
		p.Gen += r.Gen / float64(len(rs))
		p.Seconds += r.Seconds / float64(len(rs))
		p.Unconverg += float64(r.Unconverged) / float64(len(rs))
	}
	p.Wrong = stat.Mean(w, nil)
	if len(w) > 1 {
		p.WrongStd = stat.StdDev(w, nil)
	}
	return p
}

// writeTeacherDir writes runs.csv, summary.csv, summary.json, wrong.png
// and wrong-log.png.
func writeTeacherDir(dir, title string, runs []teacherRun, points []teacherPoint, js []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "-out")
	}
	ff := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	var rows [][]string
	rows = append(rows, []string{"mode", "m", "run", "wrong", "topology_error", "generalization_error", "iterations", "unconverged_batches", "contradictions", "seconds"})
	for _, r := range runs {
		rows = append(rows, []string{r.Mode, strconv.Itoa(r.M), strconv.Itoa(r.Run), ff(r.Wrong), ff(r.Topo), ff(r.Gen),
			strconv.Itoa(r.Iterations), strconv.Itoa(r.Unconverged), strconv.Itoa(r.Contra), ff(r.Seconds)})
	}
	if err := writeCSVFile(filepath.Join(dir, "runs.csv"), rows); err != nil {
		return err
	}
	rows = [][]string{{"mode", "m", "runs", "wrong_mean", "wrong_std", "wrong_max", "runs_with_zero_wrong", "topology_error_mean", "generalization_error_mean", "seconds_mean"}}
	for _, p := range points {
		rows = append(rows, []string{p.Mode, strconv.Itoa(p.M), strconv.Itoa(p.Runs), ff(p.Wrong), ff(p.WrongStd), ff(p.WrongMax),
			strconv.Itoa(p.Perfect), ff(p.Topo), ff(p.Gen), ff(p.Seconds)})
	}
	if err := writeCSVFile(filepath.Join(dir, "summary.csv"), rows); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), append(js, '\n'), 0o644); err != nil {
		return errors.Wrap(err, "summary.json")
	}
	return plotWrong(dir, title, points)
}

func writeCSVFile(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return errors.Wrap(err, "-out")
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return errors.Wrap(err, path)
	}
	return errors.Wrap(f.Close(), path)
}

// plotWrong draws the mean fraction of wrong teacher weights against m,
// one line per mode, on a linear axis (wrong.png) and on a log axis
// without the points at zero (wrong-log.png).
func plotWrong(dir, title string, points []teacherPoint) error {
	for _, logY := range []bool{false, true} {
		p := plot.New()
		p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "samples m", "fraction of teacher weights wrong"
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		name := "wrong.png"
		if logY {
			p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
			p.Y.Label.Text += " (zeros left out)"
			name = "wrong-log.png"
		}
		var modes []string
		byMode := map[string]plotter.XYs{}
		for _, pt := range points {
			if _, ok := byMode[pt.Mode]; !ok {
				modes = append(modes, pt.Mode)
				byMode[pt.Mode] = nil
			}
			if !logY || pt.Wrong > 0 {
				byMode[pt.Mode] = append(byMode[pt.Mode], plotter.XY{X: float64(pt.M), Y: pt.Wrong})
			}
		}
		for i, mode := range modes {
			if len(byMode[mode]) == 0 {
				continue
			}
			l, s, err := plotter.NewLinePoints(byMode[mode])
			if err != nil {
				return errors.Wrap(err, name)
			}
			l.Color, s.Color = plotutil.Color(i), plotutil.Color(i)
			l.Dashes = plotutil.Dashes(i)
			s.Shape = plotutil.Shape(i)
			p.Add(l, s)
			p.Legend.Add(mode, l, s)
		}
		if logY {
			// Fix the range: gonum/plot pads a one-value range down to ≤ 0.
			lo, hi := math.Inf(1), 0.0
			for _, pts := range byMode {
				for _, pt := range pts {
					lo, hi = math.Min(lo, pt.Y), math.Max(hi, pt.Y)
				}
			}
			if hi == 0 {
				continue // every point is zero: nothing to draw on a log axis
			}
			p.Y.Min, p.Y.Max = lo/2, hi*2
		}
		if err := p.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(dir, name)); err != nil {
			return errors.Wrap(err, name)
		}
	}
	return nil
}
