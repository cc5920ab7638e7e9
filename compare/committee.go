package compare

import (
	"math/bits"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/data"
)

// This file holds the binary committee machine of EXPERIMENTS §II.1 in a
// bit-packed form: K hidden units with N binary inputs each, all reading the
// same pattern ξ ∈ {±1}^N, output
//
//	σ_out = sign( Σ_k τ_k ),   τ_k = sign(h_k),   h_k = W_k·ξ,
//
// with K and N odd so that no sign is ever taken of 0. A ±1 vector of length
// N is stored in ⌈N/64⌉ words, bit i set when entry i is −1 and the padding
// bits clear, so that
//
//	W_k·ξ = N − 2·popcount(W_k XOR ξ).

// cmWords returns the number of 64-bit words of a packed length-N vector.
func cmWords(N int) int { return (N + 63) / 64 }

// cmPack packs the ±1 vector v (len N) into dst (cmWords(N) words): bit i
// is set when v[i] ≤ 0, i.e. when v[i] = −1.
func cmPack(dst []uint64, v []float64) {
	if len(dst) != cmWords(len(v)) {
		panic("compare: cmPack: length mismatch")
	}
	for w := range dst {
		dst[w] = 0
	}
	for i, x := range v {
		if x <= 0 {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}

// cmDot returns a·b = N − 2·popcount(a XOR b) of two packed ±1 vectors of
// length N.
func cmDot(a, b []uint64, N int) int {
	d := 0
	for w, x := range a {
		d += bits.OnesCount64(x ^ b[w])
	}
	return N - 2*d
}

// cmProblem is a random classification problem packed for the committee
// machine: M patterns of N entries.
type cmProblem struct {
	N, M, words int
	x           []float64 // M×N: the patterns ξ as ±1 values (a view of the set)
	packed      []uint64  // M×words: the packed patterns
	sigma       []int     // M: labels ±1
}

// cmNewProblem checks that s is a set of ±1 patterns with ±1 labels and N
// odd, and packs it.
func cmNewProblem(s *data.Set) (*cmProblem, error) {
	if s == nil {
		return nil, errors.New("compare: committee machine: nil training set")
	}
	if err := s.Validate(); err != nil {
		return nil, errors.Wrap(err, "compare: committee machine")
	}
	if s.Classes != 2 || s.M == 0 || s.N%2 == 0 {
		return nil, errors.Errorf("compare: committee machine: want ±1 labels (Classes 2), M ≥ 1 and N odd; got Classes %d, M %d, N %d", s.Classes, s.M, s.N)
	}
	for i, v := range s.X {
		if v != 1 && v != -1 {
			return nil, errors.Errorf("compare: committee machine: entry %d of pattern %d is %v, want ±1", i%s.N, i/s.N, v)
		}
	}
	p := &cmProblem{N: s.N, M: s.M, words: cmWords(s.N), x: s.X, sigma: s.Y}
	p.packed = make([]uint64, p.M*p.words)
	for m := 0; m < p.M; m++ {
		cmPack(p.pattern(m), s.Row(m))
	}
	return p, nil
}

// pattern returns the packed pattern m.
func (p *cmProblem) pattern(m int) []uint64 { return p.packed[m*p.words : (m+1)*p.words] }

// cmOutput returns Σ_k sign(W_k·ξ) of the machine w (K packed units) on
// the packed pattern xi, and fills h[k] = W_k·ξ.
func cmOutput(h []int, w, xi []uint64, N int) int {
	words := len(xi)
	out := 0
	for k := range h {
		h[k] = cmDot(w[k*words:(k+1)*words], xi, N)
		if h[k] > 0 {
			out++
		} else {
			out--
		}
	}
	return out
}

// cmErrors returns the number of patterns of p that the machine w (K packed
// units) misclassifies: σ·Σ_k τ_k < 0.
func cmErrors(p *cmProblem, w []uint64, K int) int {
	h := make([]int, K)
	n := 0
	for m := 0; m < p.M; m++ {
		if p.sigma[m]*cmOutput(h, w, p.pattern(m), p.N) < 0 {
			n++
		}
	}
	return n
}

// CommitteeErrors returns the number of samples of s misclassified by the
// binary committee machine w (K×N row-major, entries ±1, sign(0) taken as
// −1) of EXPERIMENTS §II.1. s must hold ±1 patterns with ±1 labels and an
// odd N; K must be odd and len(w) = K·N.
func CommitteeErrors(s *data.Set, w []float64, K int) (int, error) {
	p, err := cmNewProblem(s)
	if err != nil {
		return 0, err
	}
	if K < 1 || K%2 == 0 || len(w) != K*p.N {
		return 0, errors.Errorf("compare: CommitteeErrors: K = %d and %d weights for N = %d (want K odd, K·N weights)", K, len(w), p.N)
	}
	packed := make([]uint64, K*p.words)
	for k := 0; k < K; k++ {
		cmPack(packed[k*p.words:(k+1)*p.words], w[k*p.N:(k+1)*p.N])
	}
	return cmErrors(p, packed, K), nil
}

// cmEnergy returns the energy of EXPERIMENTS §II.1 of the machine w on p:
// the sum over misclassified patterns of the cost (|h_k| + 1)/2 of the
// n_fix = (1 − σ Σ_k τ_k)/2 cheapest wrong units.
func cmEnergy(p *cmProblem, w []uint64, K int) int {
	h := make([]int, K)
	idx := make([]int, K)
	E := 0
	for m := 0; m < p.M; m++ {
		s := p.sigma[m]
		out := cmOutput(h, w, p.pattern(m), p.N)
		if s*out > 0 {
			continue
		}
		for _, k := range cmLeastWrong(idx, h, s, (1-s*out)/2) {
			E += (cmAbs(h[k]) + 1) / 2
		}
	}
	return E
}

// cmLeastWrong returns, in idx[:n], the n units with σ h_k < 0 and the
// smallest |h_k| (ties: lower k first). There are always at least n such
// units when n = (1 − σ Σ_k τ_k)/2 ≥ 1.
// The fields are int (committee energies, replicated SGD) or int32
// (replicated SA).
func cmLeastWrong[T int | int32](idx []int, h []T, sigma T, n int) []int {
	c := 0
	for k, v := range h {
		if sigma*v >= 0 {
			continue
		}
		// insertion into idx[:c], sorted by |h| ascending
		j := c
		for j > 0 && cmAbs(h[idx[j-1]]) > cmAbs(v) {
			idx[j] = idx[j-1]
			j--
		}
		idx[j] = k
		c++
	}
	return idx[:min(n, c)]
}

func cmAbs[T int | int32](v T) T {
	if v < 0 {
		return -v
	}
	return v
}
