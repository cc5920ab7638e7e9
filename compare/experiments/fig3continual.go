package experiments

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/internal/plots"
)

// fig3Continual is Figure 3, EXPERIMENTS §I.7: continual learning of
// permuted MNIST tasks, trained in turn; BinaryNet with plain SGD at
// several learning rates.
type fig3Continual struct{ base }

func init() {
	p := protocol([]string{"mnist"}, []string{"10class"}, []string{"bpi", "binarynet"}, 2001, 2001)
	p.Epochs, p.LR, p.Optimizer = 40, 0, "sgd"
	p.LRs, p.NTasks = []float64{0.1, 1, 10}, 6
	Register(fig3Continual{newBase(Info{Name: "fig3-continual", Title: "Figure 3: continual learning on permuted MNIST",
		Section: "EXPERIMENTS §I.7",
		Claim:   "Claim: BP keeps good accuracy on all six tasks; BinaryNet forgets the early tasks for every learning rate 0.1, 1, 10 (no numbers in the text)."},
		p)})
}

func (fig3Continual) Flags(fs *flag.FlagSet, p *Params) func() error {
	fs.IntVar(&p.NTasks, "ntasks", p.NTasks, "number of permuted tasks")
	return listFlag(fs, "lrs", p.LRs, "BinaryNet learning rates (plain SGD), comma-separated", &p.LRs, ParseFloats)
}

func (fig3Continual) Check(p *Params) error {
	if err := checkList("-lrs", p.LRs, fmt.Sprintf("rates in (0, %v]", MaxLR), ValidLR); err != nil {
		return err
	}
	switch {
	case p.NTasks < 1 || p.NTasks > 100:
		return errors.Errorf("-ntasks %d: want a count in [1, 100]", p.NTasks)
	case p.Device == "cuda":
		return errors.New("-device cuda: fig3-continual runs on the CPU only")
	}
	return nil
}

// Jobs: per data set (first task), every algorithm and seed on NTasks
// permuted tasks; BinaryNet and SGD once per learning rate of LRs.
func (fig3Continual) Jobs(p *Params) []Job {
	g := &grid{p: p, hyper: plainRho}
	for _, src := range p.Data {
		group := "permuted " + srcLabel(src)
		for _, a := range p.Algos {
			for _, s := range p.Seeds {
				if a != "binarynet" && a != "sgd" {
					g.add(group, src, p.Tasks[0], a, a, s, func(j *Job) { j.Tasks = p.NTasks })
					continue
				}
				for _, lr := range p.LRs {
					g.add(group, src, p.Tasks[0], fmt.Sprintf("%s lr=%g", a, lr), a, s, func(j *Job) {
						j.Tasks, j.LR, j.Optimizer = p.NTasks, lr, "sgd"
					})
				}
			}
		}
	}
	return g.jobs
}

// Report writes the accuracy on every task after the last task, the
// task-1 accuracy per epoch (tasks.csv, task1.csv) and their figures.
func (fig3Continual) Report(r *Report) ([]string, error) {
	T := r.Params.NTasks
	r.Printf("Test accuracy (%%) on every task after training on all tasks in turn, mean ± std over seeds:\n\n| algorithm | seeds |")
	for t := 1; t <= T; t++ {
		r.Printf(" task %d |", t)
	}
	r.b.WriteString("\n|---|---|" + strings.Repeat("---|", T) + "\n")
	rows := [][]string{{"algo", "seed", "after_task", "task", "test_error"}}
	rows1 := [][]string{{"algo", "seed", "epoch", "task1_test_error"}}
	for _, g := range r.groups() {
		r.Printf("| %s | %d |", g.algo, len(g.recs))
		for t := 0; t < T; t++ {
			var v []float64
			for _, rec := range g.recs {
				if n := len(rec.TaskErrors); n > 0 && t < len(rec.TaskErrors[n-1]) {
					v = append(v, 100-rec.TaskErrors[n-1][t])
				}
			}
			r.Printf(" %s |", pm(compare.MeanStd(v)))
		}
		r.Printf("\n")
		for _, rec := range g.recs {
			seed := strconv.FormatUint(rec.Job.Seed, 10)
			for after, errs := range rec.TaskErrors {
				for t, e := range errs {
					rows = append(rows, []string{g.algo, seed, strconv.Itoa(after + 1), strconv.Itoa(t + 1), ff(e)})
				}
			}
			for _, p := range rec.Task1 {
				rows1 = append(rows1, []string{g.algo, seed, strconv.Itoa(p.Epoch), ff(p.TestError)})
			}
		}
	}
	r.Printf("\n`tasks.csv`: test error on every task after each task; `task1.csv`: test error on task 1 after every epoch. Standard deviations over seeds (the paper's shading is the error of the mean, std/√runs).\n")
	if err := r.CSV("tasks.csv", rows); err != nil {
		return nil, err
	}
	if err := r.CSV("task1.csv", rows1); err != nil {
		return nil, err
	}
	return []string{"tasks.png", "task1.png"}, r.continualFigures()
}

// continualFigures draws the accuracy on every task after the last task
// and the task-1 accuracy per epoch.
func (r *Report) continualFigures() error {
	p := plots.New("accuracy on each task after all tasks", "task", "test accuracy (%)")
	q := plots.New("task 1 accuracy while training the tasks in turn", "epoch", "test accuracy on task 1 (%)")
	for i, g := range r.groups() {
		c := i
		after := meanOver(g, func(rec *Record) int {
			if len(rec.TaskErrors) == 0 {
				return 0
			}
			return len(rec.TaskErrors[len(rec.TaskErrors)-1])
		}, func(_ *Record, i int) float64 { return float64(i + 1) },
			func(rec *Record, i int) float64 { return 100 - rec.TaskErrors[len(rec.TaskErrors)-1][i] })
		if err := plots.Line(p, g.algo, after, c, nil); err != nil {
			return err
		}
		t1 := meanOver(g, func(rec *Record) int { return len(rec.Task1) },
			func(rec *Record, i int) float64 { return float64(rec.Task1[i].Epoch) },
			func(rec *Record, i int) float64 { return 100 - rec.Task1[i].TestError })
		if err := plots.Line(q, g.algo, t1, c, nil); err != nil {
			return err
		}
	}
	if err := r.save(p, "tasks.png"); err != nil {
		return err
	}
	return r.save(q, "task1.png")
}
