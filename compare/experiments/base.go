package experiments

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// base implements Info and Defaults from values, and the Flags and Check
// of an experiment without parameters of its own.
type base struct {
	info     Info
	defaults Params
}

// newBase returns the base of an experiment described by info with the
// paper's protocol defaults.
func newBase(info Info, defaults Params) base { return base{info: info, defaults: defaults} }

func (b base) Info() Info { return b.info }

// Defaults returns a copy of the paper's protocol: the caller may change it.
func (b base) Defaults() Params {
	p := b.defaults
	p.Data = append([]string(nil), p.Data...)
	p.Tasks = append([]string(nil), p.Tasks...)
	p.Algos = append([]string(nil), p.Algos...)
	p.Hidden = append([]int(nil), p.Hidden...)
	p.Seeds = append([]uint64(nil), p.Seeds...)
	p.Sparsity = append([]float64(nil), p.Sparsity...)
	p.LRs = append([]float64(nil), p.LRs...)
	p.Batches = append([]int(nil), p.Batches...)
	p.Flips = append([]float64(nil), p.Flips...)
	return p
}

func (base) Flags(*flag.FlagSet, *Params) func() error { return noFlags }
func (base) Check(*Params) error                       { return nil }

// protocol returns the parameters most experiments share: five seeds,
// 100 epochs of batch 128, BinaryNet with Adam at 10⁻³, on the CPU.
func protocol(data, tasks, algos []string, hidden ...int) Params {
	return Params{Data: data, Tasks: tasks, Algos: algos, Hidden: hidden, Seeds: paperSeeds,
		Epochs: 100, Batch: 128, LR: 1e-3, Optimizer: "adam", Device: "cpu"}
}

// listFlag adds a comma-separated list flag with default def and returns
// the function that parses it into dst with parse.
func listFlag[T any](fs *flag.FlagSet, name string, def []T, usage string, dst *[]T,
	parse func(flagName, v string) ([]T, error)) func() error {
	v := fs.String(name, strings.Trim(strings.ReplaceAll(fmt.Sprint(def), " ", ","), "[]"), usage)
	return func() error {
		out, err := parse("-"+name, *v)
		*dst = out
		return err
	}
}

// ParseInts parses a comma-separated list of integers given to flagName;
// an empty list or an empty item ("11,,11") is an error.
func ParseInts(flagName, v string) ([]int, error) {
	if strings.TrimSpace(v) == "" {
		return nil, errors.Errorf("%s %q: no values", flagName, v)
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, errors.Errorf("%s %q: empty item (want integers separated by single commas)", flagName, v)
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, errors.Errorf("%s %q: %q is not an integer", flagName, v, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// ParseFloats parses a comma-separated list of finite numbers given to
// flagName; an empty value gives nil.
func ParseFloats(flagName, v string) ([]float64, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.Errorf("%s %q: %q is not a finite number", flagName, v, f)
		}
		out = append(out, x)
	}
	return out, nil
}
