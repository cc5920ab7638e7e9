package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// writeExperimentTables writes the experiment's tables into b and its
// figures and extra CSV files into o.out; it returns the figure files.
func writeExperimentTables(b *strings.Builder, o *expOptions, recs []*expRecord) ([]string, error) {
	var figs []string
	switch o.spec.name {
	case "fig3-continual":
		return continualTables(b, o, recs)
	case "local-energy":
		writeSummary(b, o, recs)
		f, err := energyTables(b, o, recs)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
		if f, err = overlapTables(b, o, recs); err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	case "overlaps":
		writeSummary(b, o, recs)
		f, err := overlapTables(b, o, recs)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	case "timing":
		return timingTables(b, o, recs)
	case "fig1-sparse":
		writeSummary(b, o, recs)
		f, err := sparsityFigure(o, recs)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	default:
		writeSummary(b, o, recs)
	}
	if o.spec.name != "fig1-sparse" && o.spec.name != "timing" {
		f, err := curveFigures(o, recs)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	}
	return figs, nil
}

// continualTables writes the accuracy on every task after the last task,
// the task-1 accuracy per epoch (tasks.csv, task1.csv) and their figures.
func continualTables(b *strings.Builder, o *expOptions, recs []*expRecord) ([]string, error) {
	T := o.ntasks
	b.WriteString("Test accuracy (%) on every task after training on all tasks in turn, mean ± std over seeds:\n\n| algorithm | seeds |")
	for t := 1; t <= T; t++ {
		fmt.Fprintf(b, " task %d |", t)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", T) + "\n")
	rows := [][]string{{"algo", "seed", "after_task", "task", "test_error"}}
	rows1 := [][]string{{"algo", "seed", "epoch", "task1_test_error"}}
	for _, g := range byGroupAlgo(recs) {
		fmt.Fprintf(b, "| %s | %d |", g.algo, len(g.recs))
		for t := 0; t < T; t++ {
			var v []float64
			for _, r := range g.recs {
				if n := len(r.TaskErrors); n > 0 && t < len(r.TaskErrors[n-1]) {
					v = append(v, 100-r.TaskErrors[n-1][t])
				}
			}
			m, s := meanStd(v)
			fmt.Fprintf(b, " %s |", pm(m, s))
		}
		b.WriteString("\n")
		for _, r := range g.recs {
			seed := strconv.FormatUint(r.Job.Seed, 10)
			for after, errs := range r.TaskErrors {
				for t, e := range errs {
					rows = append(rows, []string{g.algo, seed, strconv.Itoa(after + 1), strconv.Itoa(t + 1), ff(e)})
				}
			}
			for _, p := range r.Task1 {
				rows1 = append(rows1, []string{g.algo, seed, strconv.Itoa(p.Epoch), ff(p.TestError)})
			}
		}
	}
	b.WriteString("\n`tasks.csv`: test error on every task after each task; `task1.csv`: test error on task 1 after every epoch. Standard deviations over seeds (the paper's shading is the error of the mean, std/√runs).\n")
	if err := writeCSV(filepath.Join(o.out, "tasks.csv"), rows); err != nil {
		return nil, err
	}
	if err := writeCSV(filepath.Join(o.out, "task1.csv"), rows1); err != nil {
		return nil, err
	}
	if err := continualFigures(o, recs); err != nil {
		return nil, err
	}
	return []string{"tasks.png", "task1.png"}, nil
}

// energyTables writes the local-energy table (energy.csv, energy.png).
func energyTables(b *strings.Builder, o *expOptions, recs []*expRecord) ([]string, error) {
	ps := append([]float64{0}, o.flips...)
	b.WriteString("\nLocal energy: training error (%) of the point-wise solution after flipping every weight with probability p (mean ± std over the repeats; over seeds too when there are several):\n\n| group | algorithm |")
	for _, p := range ps {
		fmt.Fprintf(b, " p = %g |", p)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(ps)) + "\n")
	rows := [][]string{{"group", "algo", "seed", "p", "repeat", "train_error"}}
	for _, g := range byGroupAlgo(recs) {
		fmt.Fprintf(b, "| %s | %s |", g.group, g.algo)
		for i := range ps {
			var v []float64
			for _, r := range g.recs {
				if i < len(r.Energy) {
					v = append(v, r.Energy[i].Errors...)
				}
			}
			m, s := meanStd(v)
			fmt.Fprintf(b, " %s |", pm(m, s))
		}
		b.WriteString("\n")
		for _, r := range g.recs {
			for _, pt := range r.Energy {
				for k, e := range pt.Errors {
					rows = append(rows, []string{g.group, g.algo, strconv.FormatUint(r.Job.Seed, 10), ff(pt.P), strconv.Itoa(k), ff(e)})
				}
			}
		}
	}
	if err := writeCSV(filepath.Join(o.out, "energy.csv"), rows); err != nil {
		return nil, err
	}
	if err := energyFigure(o, recs); err != nil {
		return nil, err
	}
	return []string{"energy.png"}, nil
}

// overlapTables writes the final overlaps per layer (overlaps.csv,
// overlaps.png).
func overlapTables(b *strings.Builder, o *expOptions, recs []*expRecord) ([]string, error) {
	b.WriteString("\nPolarization and overlaps per layer after the last epoch (ALGORITHMS §13; mean ± std over seeds). q0 = mean_k (1/N) Σ_i m[k,i]², qab[k,p] = (1/N) Σ_i m[k,i] m[p,i], averaged over k ≠ p with its sign and in absolute value; \"marginals\" uses the means m of the message-passing posterior, \"point-wise\" the weights sign(m) or sign(W) (pruned weights 0):\n\n")
	b.WriteString("| group | algorithm | layer | q0 (marginals) | qab, k ≠ p (marginals) | abs qab, k ≠ p (marginals) | q0 (point-wise) | qab, k ≠ p (point-wise) | abs qab, k ≠ p (point-wise) |\n|---|---|---|---|---|---|---|---|---|\n")
	rows := [][]string{{"group", "algo", "seed", "epoch", "layer", "q0", "qab_offdiag", "qab_abs_offdiag", "q0_pointwise", "qab_offdiag_pointwise", "qab_abs_offdiag_pointwise"}}
	for _, g := range byGroupAlgo(recs) {
		L := len(g.recs[0].Job.Widths) - 1
		for l := 0; l < L; l++ {
			col := func(f func(p layerPoint) []float64) string {
				var v []float64
				for _, r := range g.recs {
					if n := len(r.Layers); n > 0 && l < len(f(r.Layers[n-1])) {
						v = append(v, f(r.Layers[n-1])[l])
					}
				}
				if len(v) == 0 {
					return "—"
				}
				m, s := meanStd(v)
				return fmt.Sprintf("%.4f ± %.4f", m, s)
			}
			fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |\n", g.group, g.algo, l+1,
				col(func(p layerPoint) []float64 { return p.Q0 }), col(func(p layerPoint) []float64 { return p.QabOff }),
				col(func(p layerPoint) []float64 { return p.QabAbs }),
				col(func(p layerPoint) []float64 { return p.Q0Point }), col(func(p layerPoint) []float64 { return p.QabOffPoint }),
				col(func(p layerPoint) []float64 { return p.QabAbsPoint }))
		}
		for _, r := range g.recs {
			for _, p := range r.Layers {
				for l := range p.Q0Point {
					at := func(v []float64) string {
						if l < len(v) {
							return ff(v[l])
						}
						return ""
					}
					rows = append(rows, []string{g.group, g.algo, strconv.FormatUint(r.Job.Seed, 10), strconv.Itoa(p.Epoch), strconv.Itoa(l + 1),
						at(p.Q0), at(p.QabOff), at(p.QabAbs), at(p.Q0Point), at(p.QabOffPoint), at(p.QabAbsPoint)})
				}
			}
		}
	}
	if err := writeCSV(filepath.Join(o.out, "overlaps.csv"), rows); err != nil {
		return nil, err
	}
	if err := overlapFigure(o, recs); err != nil {
		return nil, err
	}
	return []string{"overlaps.png"}, nil
}

// timingTables writes seconds per epoch per batch size and algorithm, next
// to the paper's GPU numbers (timing.png).
func timingTables(b *strings.Builder, o *expOptions, recs []*expRecord) ([]string, error) {
	device := "CPU (this machine)"
	if o.device == "cuda" {
		device = "GPU for the message-passing runs (-device cuda), CPU for BinaryNet"
	}
	samples := "the whole training set"
	if o.trainSubset > 0 {
		samples = fmt.Sprintf("the first %d training samples (-train-subset; the paper's epochs have 60,000)", o.trainSubset)
	}
	fmt.Fprintf(b, "Training seconds per epoch of %s (mean over epochs and seeds; evaluation excluded), measured on: %s. In brackets: the paper's GPU time per 60,000-sample epoch.\n\n| data, task, batch |", samples, device)
	for _, a := range o.algos {
		fmt.Fprintf(b, " %s |", a)
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(o.algos)) + "\n")
	groups := byGroupAlgo(recs)
	var order []string
	seen := map[string]bool{}
	for _, g := range groups {
		if !seen[g.group] {
			seen[g.group] = true
			order = append(order, g.group)
		}
	}
	for _, grp := range order {
		fmt.Fprintf(b, "| %s |", grp)
		for _, a := range o.algos {
			cell := "—"
			for _, g := range groups {
				if g.group != grp || g.algo != a {
					continue
				}
				var v []float64
				for _, r := range g.recs {
					for _, e := range r.Epochs[1:] {
						v = append(v, e.EpochSeconds)
					}
				}
				m, _ := meanStd(v)
				cell = fmt.Sprintf("%.3g", m)
				if p, ok := paperTiming[g.recs[0].Job.Batch][a]; ok {
					cell += " (" + p + ")"
				}
			}
			fmt.Fprintf(b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	writeSummary(b, o, recs)
	if err := timingFigure(o, recs); err != nil {
		return nil, err
	}
	return []string{"timing.png"}, nil
}
