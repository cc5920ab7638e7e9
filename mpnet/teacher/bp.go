package teacher

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"
)

// Infer runs message passing for the student st on the data d with the
// settings s and returns the estimated weights and beliefs.
//
// The factor graph has one factor per output unit a, ξ_a of thesis eq. 2.5
// (hard) or exp(−β H_a) of eq. 3.1 (soft), over the slots of row a of W_out
// and of the rows of W_in feeding its hidden units, and one variable per
// student slot. Each iteration t updates, in parallel over factors and then
// over variables (a flooding schedule, so the result does not depend on
// Settings.Workers):
//
//	μ̂_a→i ← α μ̂_a→i + (1 − α) U_a(μ_·→a)_i          (U: sumProduct, maxProduct or maxSum)
//	b_i(w) ∝ π_i(w) (b_i^old(w))^{r t} Π_{a∈∂i} μ̂_a→i(w)
//	μ_i→a(w) ∝ π_i(w) (b_i^old(w))^{r t} Π_{b∈∂i∖a} μ̂_b→i(w)
//
// (for MaxSum products are sums, powers are products and normalisation
// sets the maximum to 0). π_i is the prior: uniform for the first batch and,
// in Batch and Online modes, the belief after the previous batch (PasP with
// ρ = 1, thesis eq. 2.11). Factor messages restart uniform at each batch.
// The weights of W_out are leaves: their messages to the factors are their
// priors, as in section 2.1.1 of the thesis, so iterating them costs no accuracy.
//
// A nil s means the zero Settings. Infer returns a *FieldError when st is
// incomplete, s is invalid, d does not fit st, or a factor has more than
// 2^18 configurations, or when its estimated memory exceeds s.MaxMemory;
// otherwise the error of s.Recorder, if any. st and d
// are not modified.
func Infer(st *Student, d *Data, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := checkStudent(st); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(d, st.In.Cols, st.Out.Rows); err != nil {
		return nil, err
	}
	set := s.withDefaults(runtime.GOMAXPROCS(0))
	g := newGraph(st)
	if g.configs() == 0 {
		return nil, invalid("Student", fmt.Sprintf("%d weights per factor", g.n),
			"a factor has %d^%d configurations, more than the %d exact enumeration allows", g.q, g.n, maxConfigs)
	}
	bs := set.Batch
	if set.Mode == Offline {
		bs = d.M
	}
	need := inferBytes(st.In.Rows, st.Out.Rows, st.In.K, st.Out.K, g.q, bs, set.Workers)
	if err := checkMemory("Settings.MaxMemory", need, set.MaxMemory, "batches of %d samples on a student with %d and %d weights",
		bs, len(st.In.Idx), len(st.Out.Idx)); err != nil {
		return nil, err
	}
	r := newRun(g, &set)
	start := time.Now()
	res := &Result{}
	for lo := 0; lo < d.M; lo += bs {
		hi := min(lo+bs, d.M)
		iters, ok := r.batch(d.Slice(lo, hi))
		res.Batches++
		res.Samples = hi
		res.Iterations += iters
		if !ok {
			res.Unconverged++
		}
		copy(r.prior, r.belief)
		if set.Recorder != nil {
			wIn, wOut := r.estimate()
			p := &Progress{Batch: res.Batches, Samples: hi, Iterations: iters, Converged: ok,
				WIn: wIn, WOut: wOut, Elapsed: time.Since(start)}
			if err := set.Recorder.Record(p); err != nil {
				return nil, err
			}
		}
	}
	res.WIn, res.WOut = r.estimate()
	res.Belief = append([]float64(nil), r.belief...)
	for i := range r.work {
		res.Contradictions += r.work[i].contra
	}
	if res.Unconverged > 0 {
		res.Status = IterationLimit
	}
	res.Runtime = time.Since(start)
	return res, nil
}

func checkStudent(st *Student) error {
	switch {
	case st == nil || st.In == nil || st.Out == nil:
		return invalid("Student", "incomplete", "want a student with both supports")
	case st.Act == nil:
		return invalid("Student.Act", nil, "want an activation")
	case st.Out.Cols != st.In.Rows:
		return invalid("Student.Out.Cols", st.Out.Cols, "want %d, the hidden units of Student.In", st.In.Rows)
	case len(st.In.Idx) != st.In.Rows*st.In.K || len(st.Out.Idx) != st.Out.Rows*st.Out.K:
		return invalid("len(Student.In.Idx), len(Student.Out.Idx)", [2]int{len(st.In.Idx), len(st.Out.Idx)},
			"want Rows·K = %d and %d", st.In.Rows*st.In.K, st.Out.Rows*st.Out.K)
	}
	for _, s := range []*Support{st.In, st.Out} {
		for _, c := range s.Idx {
			if c < 0 || c >= s.Cols {
				return invalid("Support.Idx", c, "want a column in [0, %d)", s.Cols)
			}
		}
	}
	return st.Act.Validate()
}

// run is the state of one Infer call.
type run struct {
	g       *graph
	s       *Settings
	logDom  bool      // MaxSum: messages are log-likelihoods
	in, out []float64 // E×q: variable→factor and factor→variable messages
	prior   []float64 // nVars×q
	belief  []float64 // nVars×q
	tables  []table   // one per factor
	work    []worker
	offs    []uint16 // see offsets
	kernel  func(out, in []float64, t *table, offs []uint16, n int, pre []float64)
}

// worker is the scratch and the counters of one goroutine.
type worker struct {
	ts     tableScratch
	buf    []float64 // n×q
	pre    []float64 // n+1
	base   []float64 // q: prior times reinforcement of one variable
	delta  float64   // largest message change of the current iteration
	contra int
}

func newRun(g *graph, s *Settings) *run {
	e := len(g.vars) * g.q
	r := &run{g: g, s: s, logDom: s.Algorithm == MaxSum,
		in: make([]float64, e), out: make([]float64, e),
		prior: make([]float64, g.nVars*g.q), belief: make([]float64, g.nVars*g.q),
		tables: make([]table, g.st.Out.Rows), work: make([]worker, s.Workers), offs: offsets(g.n, g.q)}
	switch s.Algorithm {
	case SumProduct:
		r.kernel = sumProduct
	case MaxProduct:
		r.kernel = maxProduct
	default:
		r.kernel = maxSum
	}
	u := 1 / float64(g.q)
	if r.logDom {
		u = 0
	}
	for i := range r.prior {
		r.prior[i] = u
	}
	for i := range r.work {
		w := &r.work[i]
		w.buf = make([]float64, g.n*g.q)
		w.pre = make([]float64, g.n+1)
		w.base = make([]float64, g.q)
	}
	return r
}

// batch builds the factor tables of d and iterates to convergence or
// MaxIter. It returns the iterations done and whether Tol was reached.
func (r *run) batch(d *Data) (int, bool) {
	nf := len(r.tables)
	r.parallel(nf, func(w *worker, lo, hi int) {
		for a := lo; a < hi; a++ {
			r.g.buildTable(&r.tables[a], a, d, r.s, &w.ts)
		}
	})
	u := 1 / float64(r.g.q)
	if r.logDom {
		u = 0
	}
	for i := range r.out {
		r.out[i] = u
	}
	copy(r.belief, r.prior)
	r.parallel(r.g.nVars, func(w *worker, lo, hi int) { r.updateVars(w, lo, hi, 0) })
	for t := 0; t < r.s.MaxIter; t++ {
		if r.iterate(t) <= r.s.Tol {
			return t + 1, true
		}
	}
	return r.s.MaxIter, false
}

// iterate runs iteration t, all factors then all variables, and returns
// the largest change of a factor-to-variable message.
func (r *run) iterate(t int) float64 {
	r.parallel(len(r.tables), func(w *worker, lo, hi int) { r.updateFactors(w, lo, hi) })
	delta := 0.0
	for i := range r.work {
		delta = math.Max(delta, r.work[i].delta)
		r.work[i].delta = 0
	}
	r.parallel(r.g.nVars, func(w *worker, lo, hi int) { r.updateVars(w, lo, hi, t) })
	return delta
}

// parallel splits [0, n) into one contiguous range per worker.
func (r *run) parallel(n int, fn func(w *worker, lo, hi int)) {
	nw := min(len(r.work), n)
	if nw <= 1 {
		fn(&r.work[0], 0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + nw - 1) / nw
	for i := 0; i < nw; i++ {
		lo, hi := i*chunk, min((i+1)*chunk, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			fn(w, lo, hi)
		}(&r.work[i])
	}
	wg.Wait()
}

// estimate returns argmax_w b_i(w) for every variable (first maximum).
func (r *run) estimate() (wIn, wOut []int8) {
	q := r.g.q
	est := make([]int8, r.g.nVars)
	for v := range est {
		b := r.belief[v*q : (v+1)*q]
		best := 0
		for d := 1; d < q; d++ {
			if b[d] > b[best] {
				best = d
			}
		}
		est[v] = r.g.st.value(best)
	}
	return est[:r.g.nIn], est[r.g.nIn:]
}
