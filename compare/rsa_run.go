package compare

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
)

// Anneal is one replicated simulated annealing run (AnnealSettings) on a
// training set of ±1 patterns with ±1 labels. Its state is, per replica a,
// the weights W^a (K×N, ±1), the unit fields h^a_{kμ} = W^a_k·ξ_μ and the
// per-pattern energies e^a_μ; and the column sums S_i = Σ_a W^a_i.
//
// A move flips W^a_{ki}. Every field of unit k shifts by
// δ_μ = −2 W^a_{ki} ξ_{μi}, and the move's energy shift is
//
//	ΔE = Σ_μ [ e_μ(h^a_μ + δ_μ 1_k) − e^a_μ ],
//
// where only patterns in which unit k is wrong before or after the flip
// (σ_μ h_{kμ} < 0 or σ_μ (h_{kμ} + δ_μ) < 0) can change (the others keep
// their output and their set of wrong units). The move is accepted with
// probability
//
//	min(1, exp(−β ΔE) · cosh(γ (S_i − 2W^a_{ki})) / cosh(γ S_i)).
//
// A move costs O(M) (O(M·K) at worst for the committee machine); an
// accepted one as much again to update h and e.
type Anneal struct {
	s       annealResolved
	K, N, M int
	xt      []int32 // N×M transposed patterns: xt[i*M+μ] = ξ_μi
	sigma   []int32 // M labels ±1
	rng     *rand.Rand

	w  [][]int32 // y × K·N weights, w[a][k*N+i]
	h  [][]int32 // y × K·M fields, h[a][k*M+μ]
	e  [][]int32 // y × M pattern energies
	o  [][]int32 // y × M outputs Σ_k sign(h_kμ) (committee machine only)
	E  []int     // y replica energies
	S  []int32   // K·N column sums Σ_a W^a
	lc []float64 // log cosh(γ s) for s = −y..y (index s + y)
	hk []int32   // K scratch fields of one pattern
	ix []int     // K scratch indices
}

// NewAnneal checks s and the training set (±1 patterns and labels, N odd)
// and returns a run whose replicas all start from one random configuration
// drawn from the random source seeded with s.Seed.
func NewAnneal(train *data.Set, s *AnnealSettings) (*Anneal, error) {
	rv, err := s.resolve()
	if err != nil {
		return nil, err
	}
	p, err := cmNewProblem(train)
	if err != nil {
		return nil, err
	}
	r := &Anneal{s: *rv, K: rv.K, N: p.N, M: p.M, rng: rand.New(rand.NewPCG(rv.seed, 0x5a17))}
	r.xt = make([]int32, r.N*r.M)
	for m := 0; m < r.M; m++ {
		for i := 0; i < r.N; i++ {
			r.xt[i*r.M+m] = int32(p.x[m*r.N+i])
		}
	}
	r.sigma = make([]int32, r.M)
	for m, y := range p.sigma {
		r.sigma[m] = int32(y)
	}
	w0 := make([]int32, r.K*r.N)
	for j := range w0 {
		w0[j] = int32(2*r.rng.IntN(2) - 1)
	}
	y := rv.y
	r.hk, r.ix = make([]int32, r.K), make([]int, r.K)
	r.w, r.h, r.e, r.o, r.E = make([][]int32, y), make([][]int32, y), make([][]int32, y), make([][]int32, y), make([]int, y)
	r.S = make([]int32, r.K*r.N)
	for a := 0; a < y; a++ {
		r.w[a] = append([]int32(nil), w0...)
		r.h[a], r.e[a], r.o[a] = make([]int32, r.K*r.M), make([]int32, r.M), make([]int32, r.M)
		r.recompute(a)
		for j, v := range w0 {
			r.S[j] += v
		}
	}
	r.lc = make([]float64, 2*y+1)
	r.setGamma(rv.gamma)
	return r, nil
}

// recompute sets the fields, pattern energies and energy of replica a from
// its weights, in O(K·N·M).
func (r *Anneal) recompute(a int) {
	w, h, e := r.w[a], r.h[a], r.e[a]
	clear(h)
	for k := 0; k < r.K; k++ {
		hk := h[k*r.M : (k+1)*r.M]
		for i := 0; i < r.N; i++ {
			wi, x := w[k*r.N+i], r.xt[i*r.M:(i+1)*r.M]
			for m := range hk {
				hk[m] += wi * x[m]
			}
		}
	}
	E := 0
	for m := 0; m < r.M; m++ {
		e[m] = r.patternEnergy(h, m, -1, 0)
		E += int(e[m])
		r.o[a][m] = 0
		for k := 0; k < r.K; k++ {
			r.o[a][m] += sign32(h[k*r.M+m])
		}
	}
	r.E[a] = E
}

// patternEnergy returns the energy of pattern m (EXPERIMENTS §II.1) for
// the fields h (K×M) with h[k*M+m] replaced by hk when k ≥ 0:
// perceptron (K = 1): max(0, (1 − σh)/2), i.e. R(−σh) for odd h;
// committee: 0 if σ Σ_k sign(h_k) > 0, else the sum of (|h_k| + 1)/2 over
// the n_fix = (1 − σ Σ_k sign(h_k))/2 wrong units with the smallest |h_k|.
func (r *Anneal) patternEnergy(h []int32, m, k int, hk int32) int32 {
	s := r.sigma[m]
	if r.K == 1 {
		v := h[m]
		if k == 0 {
			v = hk
		}
		return max(0, (1-s*v)/2)
	}
	out := int32(0)
	for u := 0; u < r.K; u++ {
		v := h[u*r.M+m]
		if u == k {
			v = hk
		}
		r.hk[u] = v
		if v > 0 {
			out++
		} else {
			out--
		}
	}
	if s*out > 0 {
		return 0
	}
	var E int32
	for _, u := range cmLeastWrong32(r.ix, r.hk, s, int((1-s*out)/2)) {
		E += (abs32(r.hk[u]) + 1) / 2
	}
	return E
}

// cmLeastWrong32 is cmLeastWrong for int32 fields.
func cmLeastWrong32(idx []int, h []int32, sigma int32, n int) []int {
	c := 0
	for k, v := range h {
		if sigma*v >= 0 {
			continue
		}
		j := c
		for j > 0 && abs32(h[idx[j-1]]) > abs32(v) {
			idx[j] = idx[j-1]
			j--
		}
		idx[j] = k
		c++
	}
	return idx[:min(n, c)]
}

// sign32 is the sign of an odd field: +1 for v > 0, −1 otherwise.
func sign32(v int32) int32 {
	if v > 0 {
		return 1
	}
	return -1
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// flip returns the energy shift ΔE of flipping W^a_{ki} (j = k·N + i) and,
// if apply is set, performs the flip: weights, fields, pattern energies,
// energy and column sum.
func (r *Anneal) flip(a, j int, apply bool) int {
	k, i := j/r.N, j%r.N
	d := -2 * r.w[a][j] // δ_μ = d·ξ_μi
	x := r.xt[i*r.M : (i+1)*r.M]
	h, e := r.h[a], r.e[a]
	hk := h[k*r.M : (k+1)*r.M]
	dE := 0
	if r.K == 1 {
		for m, xm := range x {
			hn := hk[m] + d*xm
			en := max(0, (1-r.sigma[m]*hn)/2)
			dE += int(en - e[m])
			if apply {
				hk[m], e[m] = hn, en
			}
		}
	} else {
		o := r.o[a]
		for m, xm := range x {
			s, ho, hn := r.sigma[m], hk[m], hk[m]+d*xm
			if s*ho > 0 && s*hn > 0 {
				if apply {
					hk[m] = hn
				}
				continue // unit k right before and after: e_μ unchanged
			}
			on, en := o[m]-sign32(ho)+sign32(hn), int32(0)
			if s*on < 0 { // wrong after the flip (on is odd: never 0)
				en = r.patternEnergy(h, m, k, hn)
			}
			dE += int(en - e[m])
			if apply {
				hk[m], e[m], o[m] = hn, en, on
			}
		}
	}
	if apply {
		r.w[a][j] = -r.w[a][j]
		r.S[j] += 2 * r.w[a][j] // S_i changes by W_new − W_old = 2 W_new
		r.E[a] += dE
	}
	return dE
}

// setGamma sets γ and the table lc[s + y] = log cosh(γ s).
func (r *Anneal) setGamma(gamma float64) {
	r.s.gamma = gamma
	y := r.s.y
	for s := -y; s <= y; s++ {
		x := math.Abs(gamma * float64(s))
		r.lc[s+y] = x + math.Log1p(math.Exp(-2*x)) - math.Ln2
	}
}

// accept draws the Metropolis decision for a move of replica a at weight j
// with energy shift dE.
func (r *Anneal) accept(a, j, dE int) bool {
	logp := 0.0
	if dE != 0 {
		logp = -r.s.beta * float64(dE)
	}
	if r.s.gamma != 0 {
		y, s := int32(r.s.y), r.S[j]
		logp += r.lc[s-2*r.w[a][j]+y] - r.lc[s+y]
	}
	return logp >= 0 || r.rng.Float64() < math.Exp(logp)
}

// Run anneals until a replica reaches zero energy, MaxStall consecutive
// moves do not improve, MaxMoves moves were attempted, or ctx is cancelled
// (checked every 4096 moves). A run continues from where a previous Run
// stopped, with fresh counters.
func (r *Anneal) Run(ctx context.Context) (*AnnealResult, error) {
	if r == nil || len(r.E) == 0 {
		return nil, errors.New("compare: the Anneal is nil or a zero value: make it with NewAnneal")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res := &AnnealResult{SolvedBy: -1, Status: AnnealMoveLimit}
	for a, E := range r.E {
		if E == 0 {
			res.Status, res.SolvedBy = AnnealSolved, a
		}
	}
	var stall int64
	KN := r.K * r.N
	sinceUpdate := 0
	for res.SolvedBy < 0 && res.Moves < r.s.maxMoves {
		if res.Moves&4095 == 0 && ctx.Err() != nil {
			res.Status = AnnealInterrupted
			break
		}
		res.Moves++
		a, j := r.rng.IntN(r.s.y), r.rng.IntN(KN)
		dE := r.flip(a, j, false)
		if !r.accept(a, j, dE) {
			if stall++; r.s.maxStall > 0 && stall >= r.s.maxStall {
				res.Status = AnnealStalled
				break
			}
			continue
		}
		r.flip(a, j, true)
		res.Accepted++
		if dE < 0 {
			stall = 0
		} else if stall++; r.s.maxStall > 0 && stall >= r.s.maxStall {
			res.Status = AnnealStalled
			break
		}
		if r.E[a] == 0 {
			res.Status, res.SolvedBy = AnnealSolved, a
			break
		}
		if sinceUpdate++; sinceUpdate == r.s.steps {
			sinceUpdate = 0
			r.s.beta = min(r.s.beta*r.s.fBeta, annealMaxParam)
			if r.s.gamma != 0 {
				r.setGamma(min(r.s.gamma*r.s.fGamma, annealMaxParam))
			}
		}
	}
	r.finish(res)
	res.Runtime = time.Since(start)
	return res, nil
}

// finish fills the energies, β, γ and the mean distance between replicas.
func (r *Anneal) finish(res *AnnealResult) {
	res.Solved = res.Status == AnnealSolved
	res.Energies = append([]int(nil), r.E...)
	res.MinEnergy = r.E[0]
	for _, E := range r.E {
		res.MinEnergy = min(res.MinEnergy, E)
	}
	res.Beta, res.Gamma = r.s.beta, r.s.gamma
	y := r.s.y
	if y < 2 {
		return
	}
	var d float64
	for a := 0; a < y; a++ {
		for b := a + 1; b < y; b++ {
			n := 0
			for j, v := range r.w[a] {
				if v != r.w[b][j] {
					n++
				}
			}
			d += float64(n) / float64(len(r.w[a]))
		}
	}
	res.Distance = d / float64(y*(y-1)/2)
}

// Energy returns the energy E(W^a) of replica a (EXPERIMENTS §II.1), or −1
// if there is no replica a.
func (r *Anneal) Energy(a int) int {
	if r == nil || a < 0 || a >= len(r.E) {
		return -1
	}
	return r.E[a]
}

// Replica returns the weights of replica a (K×N row-major, ±1); a copy, nil
// if there is no replica a.
func (r *Anneal) Replica(a int) []float64 {
	if r == nil || a < 0 || a >= len(r.w) {
		return nil
	}
	out := make([]float64, len(r.w[a]))
	for j, v := range r.w[a] {
		out[j] = float64(v)
	}
	return out
}
