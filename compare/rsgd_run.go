package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// rsgdReplica is one replica: latent H, binary W = sign(H) (H > 0 → +1,
// else −1) as values and packed, and its own pattern order.
type rsgdReplica struct {
	H, W   []float64 // K×N
	packed []uint64  // K×words
	order  []int     // permutation of the patterns
	pos    int       // next position in order
}

// RSGD runs replicated SGD on the robust ensemble (BASELINES §3) for a
// binary committee machine on a ±1 classification problem.
type RSGD struct {
	s  RSGDSettings
	rv *rsgdResolved
	p  *cmProblem
	K  int

	rng      *rand.Rand
	reps     []*rsgdReplica
	S        []float64    // K×N: Σ_b W^b (y·Hbar)
	center   *rsgdReplica // RSGDCenter only: H^c, W^c
	cpacked  []uint64     // K×words: the packed centre
	dH, oldW []float64    // K×N scratch
	h, idx   []int        // K scratch
	table    []float64    // 2y+1: coupling term as a function of S
	touched  []bool       // K scratch
}

// NewRSGD validates s and train (±1 patterns with ±1 labels, N odd) and
// returns a solver with every replica's H drawn uniformly from {±1} from
// the random source seeded with s.Seed.
func NewRSGD(train *data.Set, s *RSGDSettings) (*RSGD, error) {
	if s == nil {
		return nil, &RSGDSettingsError{"K", errors.New("nil settings")}
	}
	rv, err := s.resolve()
	if err != nil {
		return nil, err
	}
	p, err := cmNewProblem(train)
	if err != nil {
		return nil, err
	}
	K, N := rv.K, p.N
	r := &RSGD{s: *s, rv: rv, p: p, K: K, rng: rand.New(rand.NewPCG(s.Seed, 0x75d0c0de)),
		S: make([]float64, K*N), cpacked: make([]uint64, K*p.words),
		dH: make([]float64, K*N), oldW: make([]float64, K*N),
		h: make([]int, K), idx: make([]int, K), touched: make([]bool, K), table: make([]float64, 2*rv.y+1)}
	var first []float64
	for a := 0; a <= rv.y; a++ {
		if a == rv.y && s.Formula != RSGDCenter {
			break
		}
		rep := &rsgdReplica{H: make([]float64, K*N), W: make([]float64, K*N), packed: make([]uint64, K*p.words)}
		if first == nil || s.InitIndependent {
			for i := range rep.H {
				rep.H[i] = float64(2*r.rng.IntN(2) - 1)
			}
			first = rep.H
		} else {
			copy(rep.H, first)
		}
		r.refresh(rep, nil)
		if a == rv.y {
			r.center = rep
			break
		}
		rep.order = r.rng.Perm(p.M)
		for i, w := range rep.W {
			r.S[i] += w
		}
		r.reps = append(r.reps, rep)
	}
	return r, nil
}

// refresh recomputes W = sign(H) (H > 0 → +1, else −1) and the packed W
// of the units marked in touched (all units when touched is nil).
func (r *RSGD) refresh(rep *rsgdReplica, touched []bool) {
	N, words := r.p.N, r.p.words
	for k := 0; k < r.K; k++ {
		if touched != nil && !touched[k] {
			continue
		}
		h, w := rep.H[k*N:(k+1)*N], rep.W[k*N:(k+1)*N]
		pk := rep.packed[k*words : (k+1)*words]
		clear(pk)
		for i, v := range h {
			if v > 0 {
				w[i] = 1
			} else {
				w[i] = -1
				pk[i>>6] |= 1 << (uint(i) & 63)
			}
		}
	}
}

// Replica returns W of replica a (K×N, ±1) as a read-only view; nil if
// there is no replica a.
func (r *RSGD) Replica(a int) []float64 {
	if r == nil || a < 0 || a >= len(r.reps) {
		return nil
	}
	return r.reps[a].W
}

// gradientStep is the energy-gradient mini-batch of BASELINES §3.2 for
// replica rep: for every misclassified pattern (ξ, σ) of the batch, the
// n_fix = (1 − σ Σ_k τ_k)/2 wrong units with the smallest |h_k| receive
// η σ ξ; after the batch H += the accumulated update and W = sign(H).
func (r *RSGD) gradientStep(rep *rsgdReplica) {
	p, N := r.p, r.p.N
	eta := r.rv.eta
	for k := range r.touched {
		r.touched[k] = false
	}
	for b := 0; b < r.rv.batch; b++ {
		if rep.pos == p.M {
			r.rng.Shuffle(p.M, func(i, j int) { rep.order[i], rep.order[j] = rep.order[j], rep.order[i] })
			rep.pos = 0
		}
		m := rep.order[rep.pos]
		rep.pos++
		sigma := p.sigma[m]
		out := cmOutput(r.h, rep.packed, p.pattern(m), N)
		if sigma*out > 0 {
			continue
		}
		xi := p.x[m*N : (m+1)*N]
		step := eta * float64(sigma)
		for _, k := range cmLeastWrong(r.idx, r.h, sigma, (1-sigma*out)/2) {
			if !r.touched[k] {
				r.touched[k] = true
				clear(r.dH[k*N : (k+1)*N])
			}
			row := r.dH[k*N : (k+1)*N]
			for i, x := range xi {
				row[i] += step * x
			}
		}
	}
	for k, t := range r.touched {
		if !t {
			continue
		}
		for i := k * N; i < (k+1)*N; i++ {
			rep.H[i] += r.dH[i]
		}
	}
	r.refresh(rep, r.touched)
}

// kick applies the interaction of BASELINES §3.3 to replica rep: the
// formula of RSGDFormula with S = Σ_b W^b as it was before this replica's
// mini-batch and W^a after it; then W^a = sign(H^a).
func (r *RSGD) kick(rep *rsgdReplica, gamma float64) {
	lambda := r.rv.lambda
	y := float64(r.rv.y)
	// S_i is an integer in [−y, y]: the coupling term is read from a table.
	f := r.table
	switch r.s.Formula {
	case RSGDSimple, RSGDHard:
		for s := range f {
			if r.s.Formula == RSGDSimple {
				f[s] = rsgdTanh(gamma, float64(s-r.rv.y))
			} else {
				f[s] = rsgdClamp(gamma, float64(s-r.rv.y))
			}
		}
		for i, s := range r.S {
			rep.H[i] += lambda * (f[int(s)+r.rv.y] - rep.W[i])
		}
	case RSGDCorrected:
		for s := range f {
			f[s] = rsgdTanh(gamma, float64(s-r.rv.y))
		}
		ty := rsgdTanh(gamma, y)
		for i, s := range r.S {
			rep.H[i] += lambda * (f[int(s)+r.rv.y] - ty*rep.W[i])
		}
	case RSGDContinuous:
		for i, s := range r.S {
			rep.H[i] += lambda * (s/y - rep.W[i])
		}
	case RSGDCenter:
		c := r.center
		for i, wc := range c.W {
			d := lambda * (wc - rep.W[i])
			rep.H[i] += d
			c.H[i] -= d
		}
		r.refresh(c, nil)
	}
	r.refresh(rep, nil)
}

// rsgdTanh returns tanh(γ s), with tanh(+Inf·s) = sign(s) and 0 for s = 0.
func rsgdTanh(gamma, s float64) float64 {
	if s == 0 {
		return 0
	}
	if math.IsInf(gamma, 1) {
		return math.Copysign(1, s)
	}
	return math.Tanh(gamma * s)
}

// rsgdClamp returns clamp(γ s, −1, 1), with +Inf·s read as sign(s) and 0
// for s = 0.
func rsgdClamp(gamma, s float64) float64 {
	if s == 0 {
		return 0
	}
	return math.Max(-1, math.Min(1, gamma*s))
}

// subEpoch runs one sub-epoch of BASELINES §3.4: the replicas in a random
// order, each with one mini-batch and one kick, S refreshed after each.
func (r *RSGD) subEpoch(gamma float64) {
	for _, a := range r.rng.Perm(len(r.reps)) {
		rep := r.reps[a]
		copy(r.oldW, rep.W)
		r.gradientStep(rep)
		if r.rv.lambda != 0 {
			r.kick(rep, gamma)
		}
		for i, w := range rep.W {
			if w != r.oldW[i] {
				r.S[i] += w - r.oldW[i]
			}
		}
	}
}

// centerW returns the centre's W: sign(S) (H > 0 → +1, else −1), or W^c.
func (r *RSGD) centerW() []float64 {
	if r.center != nil {
		return r.center.W
	}
	w := make([]float64, len(r.S))
	for i, s := range r.S {
		w[i] = -1
		if s > 0 {
			w[i] = 1
		}
	}
	return w
}

// evaluate fills the error counts and the distance of res.
func (r *RSGD) evaluate(res *RSGDResult) {
	K, N, words := r.K, r.p.N, r.p.words
	c := r.centerW()
	for k := 0; k < K; k++ {
		cmPack(r.cpacked[k*words:(k+1)*words], c[k*N:(k+1)*N])
	}
	res.CenterErrors = cmErrors(r.p, r.cpacked, K)
	res.MinErrors, res.SolvedBy = res.CenterErrors, -1
	if res.CenterErrors == 0 {
		res.SolvedBy = len(r.reps)
	}
	res.Errors = res.Errors[:0]
	var dist float64
	for a, rep := range r.reps {
		e := cmErrors(r.p, rep.packed, K)
		res.Errors = append(res.Errors, e)
		if e < res.MinErrors || (e == 0 && res.SolvedBy > a) {
			res.MinErrors = e
			if e == 0 {
				res.SolvedBy = a
			}
		}
		d := 0
		for i, w := range rep.W {
			if w != c[i] {
				d++
			}
		}
		dist += float64(d) / float64(K*N)
	}
	res.Distance = dist / float64(len(r.reps))
	res.Solved = res.MinErrors == 0
}

// Run trains until a replica or the centre classifies every training
// pattern, or for MaxEpochs epochs (BASELINES §3.4). After every epoch it
// evaluates, then scales η and λ by their factors and adds GammaStep to γ.
// A cancelled ctx stops it after the current sub-epoch with Status
// pasp.Interrupted. Run continues from the current state when called again.
func (r *RSGD) Run(ctx context.Context) (*RSGDResult, error) {
	if r == nil || r.rv == nil {
		return nil, errors.New("compare: the RSGD is nil or a zero value: make it with NewRSGD")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	rec := r.s.Recorder
	if rec == nil {
		rec = train.Discard
	}
	rv := r.rv
	subs := (r.p.M + rv.batch - 1) / rv.batch
	stats := pasp.Stats{StepsPerEpoch: subs}
	if err := rec.Init(&stats); err != nil {
		return nil, errors.Wrap(err, "compare: RSGD recorder")
	}
	res := &RSGDResult{Status: pasp.EpochLimit}
	start := time.Now()
	r.evaluate(res)
	for ep := 0; ep < rv.maxEpochs && !res.Solved; ep++ {
		epochStart := time.Now()
		for st := 0; st < subs; st++ {
			if ctx.Err() != nil {
				res.Status = pasp.Interrupted
				res.Runtime = time.Since(start)
				return res, nil
			}
			r.subEpoch(rv.gamma)
			stats.Step, stats.Steps = st+1, stats.Steps+1
			if err := rec.Record(pasp.StepEnd, &stats); err != nil {
				return nil, errors.Wrap(err, "compare: RSGD recorder")
			}
		}
		r.evaluate(res)
		res.Epochs++
		stats.Epoch, stats.Step = res.Epochs, 0
		stats.Runtime = time.Since(start)
		stats.Eval = pasp.Eval{Epoch: res.Epochs, TrainError: 100 * float64(res.MinErrors) / float64(r.p.M),
			EpochSeconds: time.Since(epochStart).Seconds()}
		if err := rec.Record(pasp.EpochEnd, &stats); err != nil {
			return nil, errors.Wrap(err, "compare: RSGD recorder")
		}
		rv.eta *= rv.etaF
		rv.lambda *= rv.lambdaF
		rv.gamma += rv.step
	}
	res.Runtime = time.Since(start)
	return res, nil
}
