package committee

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteMessages returns, by enumeration of the 2ⁿ input configurations,
// the messages u_i = ½ log(Z(w_i = +1)/Z(w_i = −1)) of a sign perceptron
// node with couplings xi (±1), cavity input fields h and output cavity
// field aH, where Z sums Π_{j≠i} P_j(w_j)·P_H(sign Σ ξ_j w_j) with
// P_j(w) = (1 + w tanh h_j)/2, P_H(τ) = (1 + τ tanh aH)/2; and the field
// of the output magnetization ½ log(P(out = +1)/P(out = −1)).
func bruteMessages(h, xi []float64, aH float64) (u []float64, b float64) {
	n := len(h)
	zp, zm := make([]float64, n), make([]float64, n)
	var pp, pm float64
	tH := math.Tanh(aH)
	for c := 0; c < 1<<n; c++ {
		s := 0.0
		for j := range n {
			w := float64(1 - 2*(c>>j&1))
			s += xi[j] * w
		}
		out := 1.0
		if s < 0 {
			out = -1
		}
		prior := 1.0
		for j := range n {
			w := float64(1 - 2*(c>>j&1))
			prior *= (1 + w*math.Tanh(h[j])) / 2
		}
		if out > 0 {
			pp += prior
		} else {
			pm += prior
		}
		for i := range n {
			w := float64(1 - 2*(c>>i&1))
			p := (1 + out*tH) / 2
			for j := range n {
				if j != i {
					wj := float64(1 - 2*(c>>j&1))
					p *= (1 + wj*math.Tanh(h[j])) / 2
				}
			}
			if w > 0 {
				zp[i] += p
			} else {
				zm[i] += p
			}
		}
	}
	u = make([]float64, n)
	for i := range u {
		u[i] = (math.Log(zp[i]) - math.Log(zm[i])) / 2
	}
	return u, (math.Log(pp) - math.Log(pm)) / 2
}

func ones(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	return x
}

// TestConvNodeBrute checks the convolution node against enumeration, for
// the output node (couplings +1, hard label) and a general node (random
// couplings, soft output), n = 1 … 9.
func TestConvNodeBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 3, 5, 7, 9} {
		for trial := range 20 {
			h := make([]float64, n)
			xi := ones(n)
			for i := range h {
				h[i] = 3 * rng.NormFloat64()
				if trial%2 == 1 && rng.IntN(2) == 0 {
					xi[i] = -1
				}
			}
			aH := math.Inf(1 - 2*rng.IntN(2))
			if trial%2 == 1 {
				aH = 2 * rng.NormFloat64()
			}
			want, wantB := bruteMessages(h, xi, aH)
			c := newConvNode(n)
			got := make([]float64, n)
			arg := xi
			if trial%2 == 0 {
				arg = nil // the output node's all-+1 couplings
			}
			gotB := c.messages(got, h, arg, aH)
			if math.Abs(gotB-wantB) > 1e-10*(1+math.Abs(wantB)) {
				t.Errorf("n=%d trial %d: output field = %v, want %v", n, trial, gotB, wantB)
			}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-10*(1+math.Abs(want[i])) {
					t.Errorf("n=%d trial %d: u[%d] = %v, want %v (h %v, xi %v, aH %v)", n, trial, i, got[i], want[i], h, xi, aH)
				}
			}
		}
	}
}

// TestConvNodeHardInputs checks the output node with saturated inputs
// (fields ±FieldMax and ±Inf), where the probabilities underflow.
func TestConvNodeHardInputs(t *testing.T) {
	c := newConvNode(3)
	u := make([]float64, 3)
	// Two hidden units hard +1: the third one does not matter (u = 0), the
	// first two are told +1 strongly only when the other is not certain.
	b := c.messages(u, []float64{math.Inf(1), math.Inf(1), 0.3}, nil, math.Inf(1))
	if b != FieldMax {
		t.Errorf("output field = %v, want %v", b, FieldMax)
	}
	if u[2] != 0 {
		t.Errorf("u[2] = %v, want 0", u[2])
	}
	for i, v := range u {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("u[%d] = %v, want finite", i, v)
		}
	}
	// Two hard units against the label: the third cannot help, and the
	// two hard ones are told −FieldMax… as far as the clamp allows.
	c.messages(u, []float64{math.Inf(-1), math.Inf(-1), 0.3}, nil, math.Inf(1))
	if u[2] != 0 {
		t.Errorf("contradiction: u[2] = %v, want 0", u[2])
	}
	for i, v := range u {
		if math.IsNaN(v) {
			t.Errorf("contradiction: u[%d] = NaN", i)
		}
	}
}

// gaussNaive is the Gaussian node written from the magnetization formulas
// of ALGORITHMS §16 (no field algebra, no special cases).
func gaussNaive(hv, xi []float64, Hc float64) (U float64, u []float64) {
	var mu, s2 float64
	for i, h := range hv {
		mu += h * xi[i]
		s2 += 1 - h*h
	}
	U = math.Erf(mu / math.Sqrt(2*s2))
	u = make([]float64, len(hv))
	for i, h := range hv {
		mub := mu - xi[i]*h
		s2b := s2 - (1 - h*h)
		mp := (mub + xi[i]) / math.Sqrt(2*s2b)
		mm := (mub - xi[i]) / math.Sqrt(2*s2b)
		ep, em := math.Erf(mp), math.Erf(mm)
		u[i] = Hc * (ep - em) / (2 + Hc*(ep+em))
	}
	return U, u
}

// TestGaussNodeNaive checks one Gaussian node update (no damping) against
// the magnetization formulas, and the totals it leaves.
func TestGaussNodeNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, N := range []int{3, 11, 101} {
		for trial := range 10 {
			mw, uw, xi := make([]float64, N), make([]float64, N), make([]float64, N)
			hv := make([]float64, N)
			for i := range mw {
				uw[i] = 0.3 * rng.NormFloat64()
				h := rng.NormFloat64() / math.Sqrt(float64(N)) * 4
				mw[i] = h + uw[i]
				hv[i] = math.Tanh(h)
				xi[i] = float64(1 - 2*rng.IntN(2))
			}
			U, uo := 0.4*rng.NormFloat64(), 1.5*rng.NormFloat64()
			mtau := U + uo
			wantU, want := gaussNaive(hv, xi, math.Tanh(uo))
			g := newGaussNode(N)
			g.update(mw, uw, xi, &mtau, &U, 0)
			if d := math.Abs(math.Tanh(U) - wantU); d > 1e-12 {
				t.Errorf("N=%d trial %d: tanh U = %v, want %v", N, trial, math.Tanh(U), wantU)
			}
			if d := math.Abs(mtau - (U + uo)); d > 1e-12 {
				t.Errorf("N=%d trial %d: mtau = %v, want U + uo = %v", N, trial, mtau, U+uo)
			}
			for i := range uw {
				if d := math.Abs(math.Tanh(uw[i]) - want[i]); d > 1e-12 {
					t.Errorf("N=%d trial %d: tanh uw[%d] = %v, want %v", N, trial, i, math.Tanh(uw[i]), want[i])
				}
				if d := math.Abs(math.Tanh(mw[i]) - math.Tanh(math.Atanh(hv[i])+uw[i])); d > 1e-12 {
					t.Errorf("N=%d trial %d: mw[%d] is not h ⊗ uw", N, trial, i)
				}
			}
		}
	}
}

// TestGaussNodeSaturated checks the Gaussian node when every cavity
// magnetization rounds to ±1 (σ² = 0): finite messages, no NaN.
func TestGaussNodeSaturated(t *testing.T) {
	N := 5
	mw := []float64{40, -40, 40, math.Inf(1), 40}
	uw := []float64{1, 1, 1, 1, 1}
	xi := []float64{1, 1, 1, 1, -1}
	U, mtau := 0.0, 0.5
	g := newGaussNode(N)
	d := g.update(mw, uw, xi, &mtau, &U, 0.5)
	if math.IsNaN(d) {
		t.Fatal("diff is NaN")
	}
	// μ = 1 − 1 + 1 + 1 − 1 = 1 > 0, σ² = 0: the unit is hard +1.
	if U != FieldMax/2 { // damped from 0 with λ = 0.5
		t.Errorf("U = %v, want %v", U, FieldMax/2)
	}
	for i, v := range append(append([]float64{}, uw...), mw...) {
		if math.IsNaN(v) {
			t.Errorf("message %d is NaN", i)
		}
	}
}

// TestFocusMessage checks the focusing node against tanh(γ)·tanh((y−1)·atanh(tanh(h)·tanh(γ))).
func TestFocusMessage(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		h    float64
		st   Step
		want float64 // as a magnetization
	}{
		{0.7, Step{0.5, 3}, math.Tanh(0.5) * math.Tanh(2*math.Atanh(math.Tanh(0.7)*math.Tanh(0.5)))},
		{-1.3, Step{2, 1.5}, math.Tanh(2) * math.Tanh(0.5*math.Atanh(math.Tanh(-1.3)*math.Tanh(2)))},
		{0.7, Step{inf, 3}, math.Tanh(2 * 0.7)},             // γ = ∞: reinforcement ux = (y−1)·h
		{-0.2, Step{inf, 101}, math.Tanh(100 * -0.2)},       // large y
		{0.7, Step{1.2, inf}, math.Tanh(1.2)},               // y = ∞: pol·sign h
		{-0.7, Step{inf, inf}, -1},                          // γ = y = ∞: hard
		{0, Step{inf, inf}, 0},                              // sign 0
		{0.7, Step{0, 5}, 0},                                // γ = 0
		{0.7, Step{1, 1}, 0},                                // y = 1
		{inf, Step{inf, 2}, 1},                              // infinite cavity
		{40, Step{0.3, 2}, math.Tanh(0.3) * math.Tanh(0.3)}, // saturated h
	} {
		got := math.Tanh(focusMessage(tc.h, tc.st))
		if math.Abs(got-tc.want) > 1e-13 || math.IsNaN(got) {
			t.Errorf("focusMessage(%v, %+v) = tanh⁻¹ %v, want %v", tc.h, tc.st, got, tc.want)
		}
	}
}
