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
	if err := firstError(Distinct("-data", p.Data), Distinct("-tasks", p.Tasks), Distinct("-algos", p.Algos),
		Distinct("-seeds", p.Seeds)); err != nil {
		return err
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
	case d.LR > 0 && !ValidLR(p.LR):
		return errors.Errorf("-lr %v: want a rate in (0, %v]", p.LR, MaxLR)
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

// MaxLR is the largest learning rate of BinaryNet and SGD accepted (-lr,
// -lrs): larger steps only saturate the latent weights.
const MaxLR = 100

// ValidLR reports whether lr is a learning rate in (0, MaxLR].
func ValidLR(lr float64) bool { return lr > 0 && lr <= MaxLR }

// Distinct returns an error naming flagName and the value given twice in
// v, if any: a list flag (seeds, algorithms, sizes) that repeats a value
// would run, and report, the same run twice.
func Distinct[T comparable](flagName string, v []T) error {
	seen := make(map[T]bool, len(v))
	for _, x := range v {
		if seen[x] {
			return errors.Errorf("%s %q: %v is given twice (each value once)", flagName, joinList(v), x)
		}
		seen[x] = true
	}
	return nil
}

// checkList returns an error naming flagName when v is empty, holds a
// value that ok refuses (want says what is accepted) or a value twice.
func checkList[T comparable](flagName string, v []T, want string, ok func(T) bool) error {
	if len(v) == 0 {
		return errors.Errorf("%s: no values (want %s)", flagName, want)
	}
	for _, x := range v {
		if !ok(x) {
			return errors.Errorf("%s %q: %v: want %s", flagName, joinList(v), x, want)
		}
	}
	return Distinct(flagName, v)
}

// firstError returns the first non-nil error of errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// joinList writes v comma-separated, as on the command line.
func joinList[T any](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
