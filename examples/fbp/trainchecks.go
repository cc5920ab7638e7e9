package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// maxRho is the largest PasP exponent ρ that fbp train accepts: the
// paper's grids stay within 1 ± 0.1, and ρ > 1 multiplies the prior field
// by ρ at every mini-batch, so that a much larger ρ overflows within an
// epoch.
const maxRho = 2

// maxEpsInit is the largest -eps-init accepted: initial fields of a
// larger spread gain nothing (tanh saturates beyond a few units) and
// overflow in the first sweep.
const maxEpsInit = 1e6

// overflowHint adds to a non-finite state found during training the flags
// that can drive the fields to overflow.
func overflowHint(err error) error {
	var nf *mpnet.NonFiniteError
	if !errors.As(err, &nf) {
		return err
	}
	return errors.Wrap(err, "the fields overflowed; the flags that scale them are -rho (ρ > 1 multiplies the prior field at every mini-batch), "+
		"-eps-init, -r with -rstep, and -focus-y: try values closer to the defaults")
}

// parseInts and parseFloats parse comma-separated list flags.
var (
	parseInts   = experiments.ParseInts
	parseFloats = experiments.ParseFloats
)

// checkRho refuses a ρ outside [0, maxRho] with the flag's name.
func checkRho(flagValue string, rho []float64) error {
	for _, r := range rho {
		if !(r >= 0 && r <= maxRho) {
			return errors.Errorf("-rho %q: ρ = %v is outside the accepted range [0, %d]", flagValue, r, maxRho)
		}
	}
	return nil
}

// checkDensity refuses densities that keep less than one weight per unit
// on average: a layer with N inputs needs a density ≥ 1/N.
func checkDensity(flagValue string, cfg *mpnet.Config) error {
	for l := 0; l < cfg.L() && len(cfg.Density) > 0; l++ {
		d, N := cfg.Density[min(l, len(cfg.Density)-1)], cfg.Widths[l]
		if d*float64(N) < 1 {
			return errors.Errorf("-density %q: layer %d would keep %.3g of its %d inputs per unit; want a density ≥ 1/%d = %.3g (at least one weight per unit)",
				flagValue, l, d*float64(N), N, N, 1/float64(N))
		}
	}
	return nil
}

// checkBatch refuses a mini-batch larger than the training set.
func checkBatch(batch int, train *data.Set, source string) error {
	if batch > train.M {
		return errors.Errorf("-batch %d: larger than the training set (%d samples of -data %s); want at most %d", batch, train.M, source, train.M)
	}
	return nil
}

// checkMemory refuses a network that needs more than -max-mem to train,
// naming the flags that size it.
func checkMemory(o *trainOptions, cfg mpnet.Config, batch int) error {
	what := fmt.Sprintf("-hidden %v -batch %d", strings.Trim(fmt.Sprint(cfg.Widths[1:cfg.L()]), "[]"), batch)
	if o.resume != "" {
		what = fmt.Sprintf("-resume %s (widths %v, batch %d)", o.resume, cfg.Widths, batch)
	}
	return memlimit.Check(what, cfg.MemoryBytes(batch), int64(o.maxMem))
}

// checkWritable checks that a file can be created at path, so that a bad
// output path fails before any computing rather than after it. The probe
// file is named like a checkpoint's temporary file, so that a kill at this
// moment leaves nothing that the next save does not remove.
func checkWritable(flagName, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.Errorf("%s %s: is a directory; want a file name", flagName, path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return errors.Errorf("%s %s: the directory %s does not exist; create it or name a file in an existing directory", flagName, path, dir)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		why := "cannot create a file there"
		if errors.Is(err, fs.ErrPermission) {
			why = "no permission to write in " + dir
		}
		return errors.Errorf("%s %s: %s", flagName, path, why)
	}
	f.Close()
	return os.Remove(f.Name())
}

// resumeFlags are the flags of fbp train that the checkpoint of -resume
// fixes: giving one with another value than the checkpoint's is an error.
var resumeFlags = []string{"hidden", "layer", "float", "density", "batch", "seed", "rho", "psi", "r", "rstep",
	"focus-y", "focus-prior", "taumax", "eps-init", "train-eval"}

// resumeConflicts returns an error listing the flags given on the command
// line whose values differ from those of the checkpoint t, with the
// checkpoint's values; nil if there are none.
func resumeConflicts(o *trainOptions, t *pasp.Trainer) error {
	rc, rs := t.Network().Config(), t.Settings()
	L := rc.L()
	perLayer := func(a, b []float64, def float64) (bool, string) {
		return slices.Equal(expand(a, L, def), expand(b, L, def)), joinList(expand(b, L, def))
	}
	type check struct {
		same bool
		ck   string // the checkpoint's value
	}
	checks := map[string]check{
		"hidden":      {slices.Equal(o.hidden, rc.Widths[1:L]), joinList(rc.Widths[1:L])},
		"layer":       {slices.Equal(o.kinds, rc.Kinds), joinList(rc.Kinds)},
		"float":       {o.cfg.Dtype == rc.Dtype, fmt.Sprint(8 * rc.Dtype.Size())},
		"batch":       {o.s.BatchSize == rs.BatchSize, fmt.Sprint(rs.BatchSize)},
		"seed":        {o.s.Seed == rs.Seed, fmt.Sprint(rs.Seed)},
		"rstep":       {o.s.RStep == rs.RStep, fmt.Sprint(rs.RStep)},
		"focus-prior": {o.s.FocusPrior == rs.FocusPrior, fmt.Sprint(rs.FocusPrior)},
		"taumax":      {max(o.s.TauMax, 1) == max(rs.TauMax, 1), fmt.Sprint(max(rs.TauMax, 1))},
		"eps-init":    {o.s.EpsInit == rs.EpsInit, fmt.Sprint(rs.EpsInit)},
		"train-eval":  {o.s.TrainEval == rs.TrainEval, fmt.Sprint(rs.TrainEval)},
	}
	for _, v := range []struct {
		name   string
		a, b   []float64
		defVal float64
	}{{"density", o.cfg.Density, rc.Density, 1}, {"rho", o.s.Rho, rs.Rho, 1}, {"psi", o.s.Psi, rs.Psi, 0},
		{"r", o.s.R, rs.R, 0}, {"focus-y", o.s.FocusY, rs.FocusY, 0}} {
		same, ck := perLayer(v.a, v.b, v.defVal)
		checks[v.name] = check{same, ck}
	}
	var bad []string
	for _, name := range resumeFlags {
		if c := checks[name]; o.given[name] && !c.same {
			bad = append(bad, fmt.Sprintf("-%s (the checkpoint has %s)", name, c.ck))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return errors.Errorf("-resume %s: the checkpoint fixes the network and its hyper-parameters, and these flags ask for other values: %s; "+
		"leave them out or give the checkpoint's values (only -epochs and the output flags may change on resume)", o.resume, strings.Join(bad, ", "))
}

// joinList formats a list as a flag value: comma-separated.
func joinList[T any](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// expand returns the per-layer values of a setting with one value for
// every layer, one for all, or none (def for all).
func expand(v []float64, L int, def float64) []float64 {
	switch len(v) {
	case 0:
		return slices.Repeat([]float64{def}, L)
	case 1:
		return slices.Repeat(v, L)
	}
	return v
}

// isTerminal reports whether w is a terminal (a character device; a
// progress bar drawn elsewhere would fill a log with control codes).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
