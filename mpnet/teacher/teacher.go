package teacher

import (
	"math"
	"math/rand/v2"
)

// Config describes a sparse two-layer teacher (EXPERIMENTS §III.1):
//
//	y = φ( W_out · φ( W_in · x ) ),   x ∈ {±1}^NIn
//
// with W_in of shape NHidden×NIn and W_out of shape NOut×NHidden, each the
// adjacency of a random biregular bipartite graph whose non-zero entries are
// i.i.d. uniform in {±1}. The zero value of every field but the sizes is the
// thesis' base case.
type Config struct {
	NIn, NHidden, NOut int // layer widths, each ≥ 1

	// KIn is the number of non-zeros per row of W_in (inputs per hidden
	// unit); each input then feeds NHidden·KIn/NIn hidden units, which must
	// be an integer. Zero means 2.
	KIn int
	// KOut is the number of non-zeros per row of W_out (hidden units per
	// output); each hidden unit then feeds NOut·KOut/NHidden outputs, which
	// must be an integer. Zero means 2.
	KOut int
	// Act is the non-linearity of both layers. Nil means Tanh{B: 0.1}.
	Act Activation
}

// withDefaults returns c with its zero fields replaced by their defaults.
func (c Config) withDefaults() Config {
	if c.KIn == 0 {
		c.KIn = 2
	}
	if c.KOut == 0 {
		c.KOut = 2
	}
	if c.Act == nil {
		c.Act = Tanh{B: 0.1}
	}
	return c
}

// Validate returns a *FieldError when a size is below 1, a degree is
// negative or larger than the width it indexes, a column degree is not an
// integer, or the activation's parameter is out of its domain.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, err := checkBiregular(c.NHidden, c.NIn, c.KIn, nil); err != nil {
		return relabel(err, "Config.KIn", "Config.NHidden", "Config.NIn")
	}
	if _, err := checkBiregular(c.NOut, c.NHidden, c.KOut, nil); err != nil {
		return relabel(err, "Config.KOut", "Config.NOut", "Config.NHidden")
	}
	if err := c.Act.Validate(); err != nil {
		return invalid("Config.Act", c.Act, "%v", err)
	}
	return nil
}

// relabel renames the generic fields of a checkBiregular error.
func relabel(err error, k, rows, cols string) error {
	fe, ok := err.(*FieldError)
	if !ok {
		return err
	}
	switch fe.Field {
	case "non-zeros per row":
		fe.Field = k
	case "rows":
		fe.Field = rows
	case "columns":
		fe.Field = cols
	}
	return fe
}

// Teacher is a drawn sparse two-layer network. WIn and WOut hold the ±1
// weights in the slot order of In and Out (see Support). All fields are
// read-only after New.
type Teacher struct {
	Config    // with defaults filled in
	In, Out   *Support
	WIn, WOut []int8
}

// New draws a teacher: first the support of W_in, then that of W_out (see
// Biregular), then the signs of W_in and of W_out in slot order, all from
// rng. It returns the error of cfg.Validate, or ErrGraph.
func New(cfg Config, rng *rand.Rand) (*Teacher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	in, err := Biregular(cfg.NHidden, cfg.NIn, cfg.KIn, nil, rng)
	if err != nil {
		return nil, err
	}
	out, err := Biregular(cfg.NOut, cfg.NHidden, cfg.KOut, nil, rng)
	if err != nil {
		return nil, err
	}
	t := &Teacher{Config: cfg, In: in, Out: out, WIn: make([]int8, len(in.Idx)), WOut: make([]int8, len(out.Idx))}
	for _, w := range [][]int8{t.WIn, t.WOut} {
		for i := range w {
			w[i] = int8(2*rng.IntN(2) - 1)
		}
	}
	return t, nil
}

// Data is a set of M input–output pairs: X (M×NIn, entries ±1) and Y
// (M×NOut), row-major.
type Data struct {
	M, NIn, NOut int
	X            []int8
	Y            []float64
}

// Slice returns the pairs lo … hi−1 as a Data sharing the storage of d;
// nil unless 0 ≤ lo ≤ hi ≤ M and d holds them.
func (d *Data) Slice(lo, hi int) *Data {
	if d == nil || lo < 0 || hi < lo || hi > d.M || hi*d.NIn > len(d.X) || hi*d.NOut > len(d.Y) {
		return nil
	}
	return &Data{M: hi - lo, NIn: d.NIn, NOut: d.NOut, X: d.X[lo*d.NIn : hi*d.NIn], Y: d.Y[lo*d.NOut : hi*d.NOut]}
}

// Generate draws m inputs with i.i.d. uniform ±1 entries (row by row from
// rng) and labels them with the teacher. It returns a *FieldError for m < 1,
// for m·NIn above 2^31 inputs and for a nil rng.
func (t *Teacher) Generate(m int, rng *rand.Rand) (*Data, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	if m < 1 || m > maxSamples/max(t.NIn, t.NOut, 1) {
		return nil, invalid("m", m, "want ≥ 1 samples, at most %d inputs in all", maxSamples)
	}
	if rng == nil {
		return nil, invalid("rng", nil, "want a random source")
	}
	d := &Data{M: m, NIn: t.NIn, NOut: t.NOut, X: make([]int8, m*t.NIn), Y: make([]float64, m*t.NOut)}
	for i := range d.X {
		d.X[i] = int8(2*rng.IntN(2) - 1)
	}
	h := make([]float64, t.NHidden)
	for n := 0; n < m; n++ {
		forward(d.Y[n*t.NOut:(n+1)*t.NOut], h, d.X[n*t.NIn:(n+1)*t.NIn], t.In, t.Out, t.WIn, t.WOut, t.Act)
	}
	return d, nil
}

// forward computes y = φ(W_out φ(W_in x)) into y, using h (NHidden) as
// scratch. The sums run over the slots in order, the order in which the
// factor tables of the student add the same terms.
func forward(y, h []float64, x []int8, in, out *Support, wIn, wOut []int8, act Activation) {
	for r := range h {
		var z float64
		for k, s := range in.Row(r) {
			z += float64(wIn[r*in.K+k]) * float64(x[s])
		}
		h[r] = act.Eval(z)
	}
	for a := range y {
		var z float64
		for k, r := range out.Row(a) {
			z += float64(wOut[a*out.K+k]) * h[r]
		}
		y[a] = act.Eval(z)
	}
}

// checkData returns a *FieldError when d does not fit a network with nIn
// inputs and nOut outputs, holds an input other than ±1, or a label that is
// not finite.
func checkData(d *Data, nIn, nOut int) error {
	switch {
	case d == nil:
		return invalid("data", nil, "want a data set")
	case d.M < 1:
		return invalid("Data.M", d.M, "want ≥ 1 samples")
	case d.NIn != nIn || d.NOut != nOut:
		return invalid("Data.NIn×NOut", [2]int{d.NIn, d.NOut}, "want %d inputs and %d outputs", nIn, nOut)
	case len(d.X) != d.M*d.NIn || len(d.Y) != d.M*d.NOut:
		return invalid("len(Data.X), len(Data.Y)", [2]int{len(d.X), len(d.Y)}, "want %d and %d", d.M*d.NIn, d.M*d.NOut)
	}
	for i, v := range d.X {
		if v != 1 && v != -1 {
			return invalid("Data.X", v, "entry %d, want ±1", i)
		}
	}
	for i, v := range d.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return invalid("Data.Y", v, "entry %d, want finite", i)
		}
	}
	return nil
}
