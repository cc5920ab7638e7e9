package experiments

import (
	"fmt"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare"
)

// CheckParams returns an error naming the first invalid parameter of p for
// experiment e (the flag of the same name): the parameters every
// experiment has, then e's own (Experiment.Check).
func CheckParams(e Experiment, p *Params) error {
	if e == nil || p == nil {
		return errors.New("experiments: CheckParams: nil experiment or parameters")
	}
	d := e.Defaults()
	if len(p.Data) == 0 {
		return errors.Errorf("-data %q: no data set", strings.Join(p.Data, ","))
	}
	for _, t := range p.Tasks {
		if t != "2class" && t != "10class" {
			return errors.Errorf("-tasks: %q: want 2class or 10class", t)
		}
	}
	if len(p.Tasks) == 0 {
		return errors.New("-tasks \"\": no task")
	}
	if err := checkAlgos(p.Algos); err != nil {
		return err
	}
	if len(p.Hidden) == 0 {
		return errors.New("-hidden \"\": no values")
	}
	for _, w := range p.Hidden {
		if w < 1 {
			return errors.Errorf("-hidden %q: widths must be ≥ 1", joinList(p.Hidden))
		}
	}
	if len(p.Seeds) == 0 {
		return errors.New("-seeds \"\": no values")
	}
	switch {
	case p.Epochs < 1:
		return errors.Errorf("-epochs %d: want at least 1", p.Epochs)
	case d.Batch > 0 && p.Batch < 1:
		return errors.Errorf("-batch %d: want a size ≥ 1", p.Batch)
	case p.TrainSubset < 0:
		return errors.Errorf("-train-subset %d: want a count ≥ 0", p.TrainSubset)
	case p.TrainEval < 0:
		return errors.Errorf("-train-eval %d: want a count ≥ 0", p.TrainEval)
	case d.LR > 0 && !(p.LR > 0):
		return errors.Errorf("-lr %v: want a rate > 0", p.LR)
	case p.Optimizer != "adam" && p.Optimizer != "sgd":
		return errors.Errorf("-optimizer %q: want adam or sgd", p.Optimizer)
	case p.Device != "cpu" && p.Device != "cuda":
		return errors.Errorf("-device %q: want cpu or cuda", p.Device)
	}
	return e.Check(p)
}

// checkAlgos checks the algorithm names.
func checkAlgos(algos []string) error {
	for _, a := range algos {
		ok := false
		for _, k := range compare.Algorithms {
			ok = ok || a == k
		}
		if !ok {
			return errors.Errorf("-algos: unknown algorithm %q (want %s)", a, strings.Join(compare.Algorithms, ", "))
		}
	}
	if len(algos) == 0 {
		return errors.New("-algos \"\": no algorithm")
	}
	return nil
}

// joinInts writes v comma-separated, as on the command line.
func joinList[T any](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
