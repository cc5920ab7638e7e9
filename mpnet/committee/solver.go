package committee

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// messages holds the state of focusing BP (ALGORITHMS §16), all as fields.
// For pattern a, unit k, input i:
//
//	ux[k,i]     focusing node → weight           (K×N)
//	mw[k,i]     weight total: ux ⊗ Σ_a uw        (K×N)
//	uw[a,k,i]   first-layer node → weight        (M×K×N)
//	ut1[a,k]    first-layer node → hidden output (M×K, "Uτ1")
//	mt1[a,k]    hidden output total: ut1 ⊗ uo    (M×K)
//	uo[a,k]     output node → hidden output      (M×K, "uτ1")
//	mt2[a]      network output, clamped to the label: ±Inf
type messages struct {
	ux, mw, uw, ut1, mt1, uo, mt2 []float64
}

func newMessages(M, N, K int) *messages {
	return &messages{ux: make([]float64, K*N), mw: make([]float64, K*N), uw: make([]float64, M*K*N),
		ut1: make([]float64, M*K), mt1: make([]float64, M*K), uo: make([]float64, M*K), mt2: make([]float64, M)}
}

// Solver runs focusing BP on one Problem. Its messages persist between
// calls: Run continues from where the last run (or ReadFrom) left off. A
// Solver is not safe for concurrent use.
type Solver struct {
	p       *Problem
	r       *resolved
	K, N, M int
	xi      []float64 // M×N patterns (Problem.Set.X)
	msg     *messages

	step   int // next focusing step of the schedule
	sweeps int // sweeps run in all
	cur    Step
	pcg    *rand.PCG
	rng    *rand.Rand
	perm   []int

	gauss     *gaussNode
	conv1     *convNode // FirstLayer == Exact
	conv2     *convNode // output node, K inputs
	hK, uK    []float64 // K scratch
	uN        []float64 // N scratch
	fingerPnt uint32
}

// New validates p and s and returns a Solver with the initial messages of
// ALGORITHMS §16: uw uniform in [−InitNoise, InitNoise] as magnetizations,
// mt2 the labels as infinite fields, every other message 0.
func New(p *Problem, s *Settings) (*Solver, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	r, err := s.resolve()
	if err != nil {
		return nil, err
	}
	K, N, M := p.K, p.Set.N, p.Set.M
	sv := &Solver{p: p, r: r, K: K, N: N, M: M, xi: p.Set.X, msg: newMessages(M, N, K),
		pcg: rand.NewPCG(r.Seed, 0xfb9c0), perm: make([]int, M+N*K),
		gauss: newGaussNode(N), conv2: newConvNode(K), hK: make([]float64, K), uK: make([]float64, K),
		uN: make([]float64, N), fingerPnt: p.fingerprint()}
	sv.rng = rand.New(sv.pcg)
	if r.FirstLayer == Exact {
		sv.conv1 = newConvNode(N)
	}
	m := sv.msg
	for j := range m.uw {
		m.uw[j] = magField(r.InitNoise * (2*sv.rng.Float64() - 1))
	}
	for a := range M {
		for k := range K {
			uw := m.uw[(a*K+k)*N : (a*K+k+1)*N]
			for i, u := range uw {
				m.mw[k*N+i] += u
			}
		}
		m.mt2[a] = math.Inf(p.Set.Y[a])
	}
	return sv, nil
}

// Status says why Run stopped. Reaching a limit is not an error.
type Status int

const (
	// Solved: a focusing step ended with zero training errors.
	Solved Status = iota
	// ProtocolEnd: every step of the protocol ran.
	ProtocolEnd
	// StepLimit: Settings.MaxSteps steps ran.
	StepLimit
	// Interrupted: the context was cancelled.
	Interrupted
)

func (s Status) String() string {
	switch s {
	case Solved:
		return "Solved"
	case ProtocolEnd:
		return "ProtocolEnd"
	case StepLimit:
		return "StepLimit"
	case Interrupted:
		return "Interrupted"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome of Run.
type Result struct {
	Status Status
	// Errors is the number of training errors of the weights sign(mw)
	// after the last step (−1 if no step ran).
	Errors int
	// Steps is the number of focusing steps run since the start of the
	// protocol (restarts included), Sweeps the number of sweeps.
	Steps, Sweeps int
	// Last is the last (γ, y) used.
	Last Step
	// Delta is the largest message change of the last sweep, and Converged
	// reports that it was below Settings.Epsilon.
	Delta     float64
	Converged bool
	// Weights is the K×N configuration sign(mw) (±1; +1 for a zero field).
	Weights []float64
	// Runtime is the wall time of this Run.
	Runtime time.Duration
}

// Run runs the focusing steps from the current one until the weights
// sign(mw) classify every pattern (unless KeepGoing), the protocol or
// MaxSteps ends, ctx is cancelled, or the Recorder fails (the only error).
// Each step sets (γ, y) and sweeps until the largest message change is
// below Epsilon or MaxIters sweeps ran. A solver restored by ReadFrom
// whose weights already solve the problem returns Solved at once.
func (s *Solver) Run(ctx context.Context) (*Result, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res := &Result{Status: ProtocolEnd, Errors: -1}
	if rec := s.r.Recorder; rec != nil {
		if err := rec.Init(); err != nil {
			return nil, err
		}
	}
	if s.step > 0 && !s.r.KeepGoing {
		if res.Errors = s.p.Errors(s.Weights()); res.Errors == 0 {
			res.Status = Solved
		}
	}
	for res.Status != Solved && s.step < len(s.r.sched) {
		if s.step >= s.r.MaxSteps {
			res.Status = StepLimit
			break
		}
		if ctx.Err() != nil {
			res.Status = Interrupted
			break
		}
		s.cur = s.r.sched[s.step]
		n := 0
		for n < s.r.MaxIters && ctx.Err() == nil {
			res.Delta = s.Sweep()
			n++
			if res.Delta < s.r.Epsilon {
				break
			}
		}
		s.step++
		res.Converged = res.Delta < s.r.Epsilon
		res.Errors = s.p.Errors(s.Weights())
		if res.Errors == 0 && !s.r.KeepGoing {
			res.Status = Solved
		}
		if rec := s.r.Recorder; rec != nil {
			pr := Progress{Index: s.step, Step: s.cur, Sweeps: n, TotalSweeps: s.sweeps, Delta: res.Delta,
				Converged: res.Converged, Errors: res.Errors, Elapsed: time.Since(start)}
			if err := rec.Record(s, pr); err != nil {
				return nil, err
			}
		}
	}
	res.Steps, res.Sweeps, res.Last = s.step, s.sweeps, s.cur
	res.Weights = s.Weights()
	res.Runtime = time.Since(start)
	return res, nil
}

// SetStep sets the (γ, y) that Sweep uses, outside of any protocol.
func (s *Solver) SetStep(st Step) {
	if s != nil {
		s.cur = st
	}
}

// Sweep updates, in a new random order, every pattern (its K first-layer
// nodes, then its output node) and every focusing node once, with the
// current (γ, y), and returns the largest change of a message as a
// magnetization.
func (s *Solver) Sweep() float64 {
	if s.ready() != nil {
		return math.NaN()
	}
	n := len(s.perm)
	for j := range s.perm {
		s.perm[j] = j
	}
	for j := n - 1; j > 0; j-- {
		k := s.rng.IntN(j + 1)
		s.perm[j], s.perm[k] = s.perm[k], s.perm[j]
	}
	focus := s.cur.Y != 1 && s.cur.Gamma != 0
	diff := 0.0
	for _, j := range s.perm {
		if j < s.M {
			diff = math.Max(diff, s.updatePattern(j))
		} else if focus {
			diff = math.Max(diff, s.updateFocus(j-s.M))
		}
	}
	s.sweeps++
	return diff
}

// updatePattern updates the K first-layer nodes and the output node of
// pattern a.
func (s *Solver) updatePattern(a int) float64 {
	K, N, m, lam := s.K, s.N, s.msg, s.r.Damping
	xi := s.xi[a*N : (a+1)*N]
	diff := 0.0
	for k := range K {
		mw := m.mw[k*N : (k+1)*N]
		uw := m.uw[(a*K+k)*N : (a*K+k+1)*N]
		j := a*K + k
		if s.conv1 == nil {
			diff = math.Max(diff, s.gauss.update(mw, uw, xi, &m.mt1[j], &m.ut1[j], lam))
		} else {
			diff = math.Max(diff, s.exactFirst(mw, uw, xi, &m.mt1[j], &m.ut1[j]))
		}
	}
	mt1, uo := m.mt1[a*K:(a+1)*K], m.uo[a*K:(a+1)*K]
	for k := range K {
		s.hK[k] = remove(mt1[k], uo[k])
	}
	s.conv2.messages(s.uK, s.hK, nil, m.mt2[a])
	for k, u := range s.uK {
		diff = math.Max(diff, math.Abs(math.Tanh(u)-math.Tanh(uo[k])))
		uo[k] = damp(u, uo[k], lam)
		mt1[k] = combine(s.hK[k], uo[k])
	}
	return diff
}

// exactFirst is the first-layer node update by convolution.
func (s *Solver) exactFirst(mw, uw, xi []float64, mtau, U *float64) float64 {
	lam, h := s.r.Damping, s.gauss.h[:s.N]
	for i := range h {
		h[i] = remove(mw[i], uw[i])
	}
	H := remove(*mtau, *U)
	newU := s.conv1.messages(s.uN, h, xi, H)
	diff := math.Abs(math.Tanh(newU) - math.Tanh(*U))
	*U = damp(newU, *U, lam)
	*mtau = combine(H, *U)
	for i, u := range s.uN {
		diff = math.Max(diff, math.Abs(math.Tanh(u)-math.Tanh(uw[i])))
		uw[i] = damp(u, uw[i], lam)
		mw[i] = combine(h[i], uw[i])
	}
	return diff
}

// updateFocus updates the focusing node of weight j = k·N + i.
func (s *Solver) updateFocus(j int) float64 {
	m := s.msg
	h := remove(m.mw[j], m.ux[j])
	u := focusMessage(h, s.cur)
	diff := math.Abs(math.Tanh(u) - math.Tanh(m.ux[j]))
	m.ux[j] = damp(u, m.ux[j], s.r.Damping)
	m.mw[j] = combine(h, m.ux[j])
	return diff
}

// focusMessage returns the focusing message to a weight of cavity field h
// (ALGORITHMS §16): with pol = tanh γ,
//
//	ux = pol · ((h·pol) ↑ (y − 1))
//
// and, for y = +Inf, ux = pol·sign(h) (0 for h = 0); 0 when γ = 0 or y = 1.
func focusMessage(h float64, st Step) float64 {
	r := st.Y - 1
	switch {
	case r == 0 || st.Gamma == 0:
		return 0
	case math.IsInf(r, 1):
		if h == 0 {
			return 0
		}
		return math.Copysign(st.Gamma, h)
	}
	return prodField(up(prodField(h, st.Gamma), r), st.Gamma)
}

// up returns the field of m ↑ x = tanh(x·atanh m) for the field a of m:
// x·a, with 0 for a = 0 or x = 0 (no 0·Inf).
func up(a, x float64) float64 {
	if a == 0 || x == 0 {
		return 0
	}
	return x * a
}

// Weights returns the K×N weights sign(mw): +1 unless the field's sign bit
// is set.
func (s *Solver) Weights() []float64 {
	if s.ready() != nil {
		return nil
	}
	w := make([]float64, len(s.msg.mw))
	for j, v := range s.msg.mw {
		w[j] = 1
		if math.Signbit(v) {
			w[j] = -1
		}
	}
	return w
}

// Magnetizations returns the K×N weight magnetizations tanh(mw).
func (s *Solver) Magnetizations() []float64 {
	if s.ready() != nil {
		return nil
	}
	m := make([]float64, len(s.msg.mw))
	for j, v := range s.msg.mw {
		m[j] = math.Tanh(v)
	}
	return m
}

// StepIndex returns the index of the next focusing step of the protocol.
func (s *Solver) StepIndex() int {
	if s == nil {
		return 0
	}
	return s.step
}
