package committee

import (
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"

	"github.com/fbpgo/fbp/data"
)

// ParamError reports an invalid field of a Problem, Settings or Protocol:
// its value and what it should be.
type ParamError struct {
	Type, Field string
	Value       any
	Want        string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("committee: %s.%s = %v: want %s", e.Type, e.Field, e.Value, e.Want)
}

// MaxSynapses bounds N·K, and MaxMessages bounds M·N·K (the size of the
// pattern-to-weight messages, 8 bytes each).
const (
	MaxSynapses = 1 << 20
	MaxMessages = 1 << 28
)

// Problem is a classification problem for the binary committee machine of
// EXPERIMENTS §II.1: K hidden units (odd) with N binary weights each (N
// odd), all reading the same input ξ ∈ {±1}^N, output
//
//	σ_out = sign( Σ_k sign(W_k·ξ) ),
//
// and M = Set.M patterns ξ (the rows of Set) with labels σ = Set.Y ∈ {±1}.
type Problem struct {
	// K is the number of hidden units, odd.
	K int
	// Set holds the patterns (entries ±1, N = Set.N odd) and the labels
	// (±1, Classes 2). It is read, never modified.
	Set *data.Set
	// Reference is an optional K×N configuration (row k = unit k) whose
	// overlap with the weight magnetizations Thermo reports; nil for none.
	Reference []float64
}

// RandomProblem returns the random instance used by compare.SolveFraction:
// N inputs per unit, M = round(α·N·K) patterns drawn by
// data.RandomPatterns from rand.NewPCG(seed, instance), so that fBP and
// replicated SGD see the same instances. K and N must be odd and α > 0
// with M ≥ 1.
func RandomProblem(K, N int, alpha float64, seed, instance uint64) (*Problem, error) {
	if err := checkShape(K, N); err != nil {
		return nil, err
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return nil, &ParamError{"Problem", "alpha", alpha, "a finite load α > 0"}
	}
	Mf := math.Round(alpha * float64(N*K))
	if Mf < 1 || Mf*float64(N*K) > MaxMessages {
		return nil, &ParamError{"Problem", "alpha", alpha,
			fmt.Sprintf("1 ≤ round(α·N·K) and M·N·K ≤ %d (N = %d, K = %d)", MaxMessages, N, K)}
	}
	set, err := data.RandomPatterns(rand.New(rand.NewPCG(seed, instance)), N, int(Mf))
	if err != nil {
		return nil, err
	}
	return &Problem{K: K, Set: set}, nil
}

func checkShape(K, N int) error {
	switch {
	case K < 1 || K%2 == 0:
		return &ParamError{"Problem", "K", K, "an odd number of hidden units ≥ 1"}
	case N < 1 || N%2 == 0:
		return &ParamError{"Problem", "N", N, "an odd number of inputs ≥ 1 (no ties in sign(W·ξ))"}
	case K > MaxSynapses/N:
		return &ParamError{"Problem", "K", K, fmt.Sprintf("N·K ≤ %d (N = %d)", MaxSynapses, N)}
	}
	return nil
}

// Validate checks that p is a committee-machine problem: K and N odd,
// M ≥ 1, entries and labels ±1, sizes within MaxSynapses and MaxMessages,
// and Reference nil or K×N.
func (p *Problem) Validate() error {
	if p == nil || p.Set == nil {
		return &ParamError{"Problem", "Set", nil, "a training set"}
	}
	s := p.Set
	if err := checkShape(p.K, s.N); err != nil {
		return err
	}
	if s.M < 1 || len(s.X) != s.M*s.N || len(s.Y) != s.M {
		return &ParamError{"Problem", "Set", fmt.Sprintf("M = %d, %d entries, %d labels", s.M, len(s.X), len(s.Y)),
			"M ≥ 1 patterns of N entries and M labels"}
	}
	if float64(s.M)*float64(s.N*p.K) > MaxMessages {
		return &ParamError{"Problem", "Set", fmt.Sprintf("M = %d", s.M), fmt.Sprintf("M·N·K ≤ %d", MaxMessages)}
	}
	for j, v := range s.X {
		if v != 1 && v != -1 {
			return &ParamError{"Problem", fmt.Sprintf("Set.X[%d]", j), v, "±1"}
		}
	}
	for a, y := range s.Y {
		if y != 1 && y != -1 {
			return &ParamError{"Problem", fmt.Sprintf("Set.Y[%d]", a), y, "±1"}
		}
	}
	if p.Reference != nil && len(p.Reference) != p.K*s.N {
		return &ParamError{"Problem", "Reference", fmt.Sprintf("%d entries", len(p.Reference)), fmt.Sprintf("K·N = %d", p.K*s.N)}
	}
	return nil
}

// Errors returns the number of patterns that the machine with weights w
// (K×N, row k = unit k; an entry counts as +1 unless its sign bit is set)
// misclassifies. It panics if len(w) != K·N, or if p is not valid
// (Validate): it is the inner loop of the solvers, on checked problems.
func (p *Problem) Errors(w []float64) int {
	N, K := p.Set.N, p.K
	if len(w) != K*N {
		panic(fmt.Sprintf("committee: Errors: %d weights, want K·N = %d", len(w), K*N))
	}
	n := 0
	for a := range p.Set.M {
		xi := p.Set.Row(a)
		out := 0
		for k := range K {
			h := 0.0
			for i, wi := range w[k*N : (k+1)*N] {
				if math.Signbit(wi) {
					h -= xi[i]
				} else {
					h += xi[i]
				}
			}
			if h > 0 {
				out++
			} else {
				out--
			}
		}
		if out*p.Set.Y[a] < 0 {
			n++
		}
	}
	return n
}

// fingerprint returns a CRC-32 of the problem's shape, patterns and labels,
// stored with saved messages so that they are not loaded onto another
// instance.
func (p *Problem) fingerprint() uint32 {
	c := crc32.NewIEEE()
	var b [8]byte
	put := func(v uint64) {
		for j := range b {
			b[j] = byte(v >> (8 * j))
		}
		c.Write(b[:])
	}
	put(uint64(p.K))
	put(uint64(p.Set.N))
	put(uint64(p.Set.M))
	bit := func(v float64) byte {
		if v < 0 {
			return 1
		}
		return 0
	}
	row := make([]byte, 0, p.Set.N+1)
	for a := range p.Set.M {
		row = row[:0]
		for _, v := range p.Set.Row(a) {
			row = append(row, bit(v))
		}
		row = append(row, bit(float64(p.Set.Y[a])))
		c.Write(row)
	}
	return c.Sum32()
}
