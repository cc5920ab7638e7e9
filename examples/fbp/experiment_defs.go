package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// expJobs lists the runs of experiment o in a fixed order: group (data
// set and task, sparsity or batch size), then algorithm, then seed.
func expJobs(o *expOptions) []expJob {
	var jobs []expJob
	L := len(o.hidden) + 1
	add := func(group, source, task, algo, kind string, seed uint64, mod func(*expJob)) {
		out := 10
		if task == "2class" {
			out = 1
		}
		classes := 10
		if task == "2class" {
			classes = 2
		}
		j := expJob{Group: group, Source: source, Task: task, Algo: algo, Kind: kind, Seed: seed,
			Widths: append(append([]int{784}, o.hidden...), out), Density: 1, Batch: o.batch, Epochs: o.epochs,
			TrainSubset: o.trainSubset, TrainEval: o.trainEval}
		if j.messagePassing() {
			j.Rho, j.Psi = expHyper(o.spec.name, kind, L, classes)
		} else if kind == "binarynet" || kind == "sgd" {
			j.LR, j.Optimizer = o.lr, o.opt
		}
		if mod != nil {
			mod(&j)
		}
		j.ID = slug(group) + "_" + slug(algo) + "_s" + strconv.FormatUint(seed, 10)
		jobs = append(jobs, j)
	}
	each := func(group, source, task string, mod func(*expJob)) {
		for _, a := range o.algos {
			for _, s := range o.seeds {
				add(group, source, task, a, a, s, mod)
			}
		}
	}
	switch o.spec.name {
	case "fig1-sparse":
		for _, sp := range o.sparsity {
			d := 1 - sp/100
			for _, src := range o.sources {
				each(fmt.Sprintf("%s sparsity %g%%", srcLabel(src), sp), src, o.tasks[0], func(j *expJob) { j.Density = d })
			}
		}
	case "fig3-continual":
		for _, src := range o.sources {
			group := "permuted " + srcLabel(src)
			for _, a := range o.algos {
				for _, s := range o.seeds {
					if a != "binarynet" && a != "sgd" {
						add(group, src, o.tasks[0], a, a, s, func(j *expJob) { j.Tasks = o.ntasks })
						continue
					}
					for _, lr := range o.lrs {
						add(group, src, o.tasks[0], fmt.Sprintf("%s lr=%g", a, lr), a, s, func(j *expJob) {
							j.Tasks, j.LR, j.Optimizer = o.ntasks, lr, "sgd"
						})
					}
				}
			}
		}
	case "timing":
		for _, b := range o.batches {
			for _, src := range o.sources {
				for _, task := range o.tasks {
					each(fmt.Sprintf("%s %s batch %d", srcLabel(src), task, b), src, task, func(j *expJob) {
						j.Batch, j.Device = b, ""
						if j.messagePassing() {
							j.Device = o.device
						}
						if j.TrainEval == 0 {
							j.TrainEval = timingTrainEval
						}
					})
				}
			}
		}
	default:
		for _, src := range o.sources {
			for _, task := range o.tasks {
				each(srcLabel(src)+" "+task, src, task, func(j *expJob) {
					switch o.spec.name {
					case "local-energy":
						j.Flips, j.Repeats, j.Overlaps = o.flips, o.repeats, true
					case "overlaps":
						j.Overlaps = true
					}
				})
			}
		}
	}
	if o.device == "cuda" && o.spec.name != "timing" {
		// Message passing on the GPU; BinaryNet, SGD and EBP stay on the CPU.
		for k := range jobs {
			if jobs[k].messagePassing() {
				jobs[k].Device = "cuda"
			}
		}
	}
	return jobs
}

// timingTrainEval is the training-set evaluation of the timing runs: their
// epoch time excludes evaluation, so it is cut to save time.
const timingTrainEval = 1000

// expHyper returns ρ and ψ per layer of a message-passing run of the
// experiment (EXPERIMENTS §I.2); table1 and overlaps use
// pasp.DefaultSettings (rows 1–2).
func expHyper(exp, kind string, L, classes int) (rho, psi []float64) {
	layers := func(hidden, last float64) []float64 {
		v := make([]float64, L)
		for l := range v {
			v[l] = hidden
		}
		v[L-1] = last
		return v
	}
	switch exp {
	case "fig1-arch", "fig3-continual":
		return layers(1, 0.9), []float64{0.8}
	case "fig1-sparse":
		switch kind {
		case "amp", "amp-unmasked":
			return layers(1, 0), layers(0.8, 0.99)
		case "mf":
			return layers(1+1e-4, 0.9), []float64{0.8}
		}
		return layers(1, 0.9), []float64{0.8}
	case "fig2-bayes":
		if kind == "cbpi" {
			return layers(1, 0.9), []float64{0.8}
		}
		rho = layers(0.999, 0.9)
		if L > 1 {
			rho[0] = 0.9999
		}
		return rho, []float64{0.8}
	case "local-energy":
		if kind == "mf" {
			return layers(1+1e-4, 0), []float64{0.8}
		}
		return layers(1+1e-4, 0.9), []float64{0.8}
	case "timing":
		return []float64{1 + 1e-5}, []float64{0.5}
	}
	if kind == "amp-unmasked" {
		kind = "amp"
	}
	k, err := mpnet.ParseKind(kind)
	if err != nil {
		return nil, nil // reported when the run starts
	}
	s := pasp.DefaultSettings(k, L, classes)
	return s.Rho, s.Psi
}

// srcLabel names a data source in tables: the last element of a directory.
func srcLabel(src string) string { return filepath.Base(src) }

// slug turns a label into a file-name part: letters, digits, '-' and '.'.
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
