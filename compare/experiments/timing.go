package experiments

import (
	"flag"
	"fmt"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// timing is EXPERIMENTS §I.10: the training time per epoch against the
// batch size.
type timing struct{ base }

func init() {
	p := protocol([]string{"fashion"}, []string{"2class"}, []string{"binarynet", "bp", "bpi", "amp", "mf"}, 101, 101)
	p.Seeds, p.Epochs, p.Batch = []uint64{2}, 1, 0
	p.Batches = []int{1, 16, 128, 1024}
	Register(timing{newBase(Info{Name: "timing", Title: "Time per epoch vs batch size, Fashion-MNIST 2 classes",
		Section: "EXPERIMENTS §I.10",
		Claim:   "The paper's column is GPU seconds per epoch (EXPERIMENTS §I.10); ours are measured on the device named above."},
		p)})
}

// timingTrainEval is the training-set evaluation of the timing runs: their
// epoch time excludes evaluation, so it is cut to save time.
const timingTrainEval = 1000

// paperTiming holds the GPU seconds per epoch of EXPERIMENTS §I.10.
var paperTiming = map[int]map[string]string{
	1:    {"binarynet": "48", "bp": "118", "bpi": "91", "amp": "104", "mf": "96"},
	16:   {"binarynet": "3", "bp": "7.5", "bpi": "6.3", "amp": "6.5", "mf": "6.1"},
	128:  {"binarynet": "0.45", "bp": "2.5", "bpi": "1.2", "amp": "0.8", "mf": "0.7"},
	1024: {"binarynet": "0.2", "bp": "2.5", "bpi": "0.8", "amp": "0.3", "mf": "0.2"},
}

func (timing) Flags(fs *flag.FlagSet, p *Params) func() error {
	return listFlag(fs, "batches", p.Batches, "batch sizes, comma-separated", &p.Batches, ParseInts)
}

func (timing) Check(p *Params) error {
	return checkList("-batches", p.Batches, "sizes ≥ 1", func(b int) bool { return b >= 1 })
}

// notes says that the training error is taken on a subset.
func (timing) notes(p *Params) []string {
	if p.TrainEval != 0 {
		return nil
	}
	return []string{fmt.Sprintf("the training error after each epoch is taken on the first %d training samples only (-train-eval): the timing excludes evaluation, so this only saves time.", timingTrainEval)}
}

// Jobs: per batch size, data set and task, every algorithm and seed; the
// message-passing runs name their device.
func (timing) Jobs(p *Params) []Job {
	g := &grid{p: p, hyper: func(string, int) (rho, psi []float64) { return []float64{1 + 1e-5}, []float64{0.5} }}
	for _, b := range p.Batches {
		for _, src := range p.Data {
			for _, task := range p.Tasks {
				g.each(fmt.Sprintf("%s %s batch %d", srcLabel(src), task, b), src, task, func(j *Job) {
					j.Batch = b
					if j.MessagePassing() {
						j.Device = p.Device
					}
					if j.TrainEval == 0 {
						j.TrainEval = timingTrainEval
					}
				})
			}
		}
	}
	return g.jobs
}

// Report writes seconds per epoch per batch size and algorithm next to
// the paper's GPU numbers, the common table and timing.png.
func (timing) Report(r *Report) ([]string, error) {
	p := r.Params
	device := "CPU (this machine)"
	if p.Device == "cuda" {
		device = "GPU for the message-passing runs (-device cuda), CPU for BinaryNet"
	}
	samples := "the whole training set"
	if p.TrainSubset > 0 {
		samples = fmt.Sprintf("the first %d training samples (-train-subset; the paper's epochs have 60,000)", p.TrainSubset)
	}
	r.Printf("Training seconds per epoch of %s (mean over epochs and seeds; evaluation excluded), measured on: %s. In brackets: the paper's GPU time per 60,000-sample epoch.\n\n| data, task, batch |", samples, device)
	for _, a := range p.Algos {
		r.Printf(" %s |", a)
	}
	r.b.WriteString("\n|---|" + strings.Repeat("---|", len(p.Algos)) + "\n")
	for _, name := range r.groupNames() {
		r.Printf("| %s |", name)
		for _, a := range p.Algos {
			cell := "—"
			for _, g := range r.groups() {
				if g.name == name && g.algo == a {
					cell = fmt.Sprintf("%.3g", g.epochSeconds())
					if v, ok := paperTiming[g.recs[0].Job.Batch][a]; ok {
						cell += " (" + v + ")"
					}
				}
			}
			r.Printf(" %s |", cell)
		}
		r.Printf("\n")
	}
	r.Printf("\n")
	r.Summary(nil)
	return []string{"timing.png"}, r.timingFigure()
}

// epochSeconds returns the mean training time of the epochs of every run
// of g (epoch 0, the untrained network's evaluation, left out).
func (g *group) epochSeconds() float64 {
	var v []float64
	for _, rec := range g.recs {
		for _, e := range rec.Epochs[1:] {
			v = append(v, e.EpochSeconds)
		}
	}
	m, _ := compare.MeanStd(v)
	return m
}

// timingFigure draws seconds per epoch against the batch size (log-log).
func (r *Report) timingFigure() error {
	p := plots.New("training time per epoch", "batch size", "seconds per epoch")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	for i, a := range r.Params.Algos {
		var pts plotter.XYs
		for _, g := range r.groups() {
			if g.algo != a {
				continue
			}
			if m := g.epochSeconds(); m > 0 {
				pts = append(pts, plotter.XY{X: float64(g.recs[0].Job.Batch), Y: m})
			}
		}
		if err := plots.Line(p, a, pts, i, nil); err != nil {
			return err
		}
	}
	return r.save(p, "timing.png")
}
