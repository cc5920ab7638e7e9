package teacher

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
)

// treeStudent returns a student whose factor graph is a tree: two output
// units over three hidden units with one input each; the factors of the
// outputs share only the input weight of hidden unit 1.
//
//	W_in : r0 ← x0, r1 ← x1, r2 ← x0          W_out: a0 ← r0, r1;  a1 ← r1, r2
func treeStudent(ternary bool) *Student {
	return &Student{
		In:      &Support{Rows: 3, Cols: 2, K: 1, Idx: []int{0, 1, 0}},
		Out:     &Support{Rows: 2, Cols: 3, K: 2, Idx: []int{0, 1, 1, 2}},
		Act:     Tanh{B: 0.1},
		Ternary: ternary,
	}
}

// treeData labels m random inputs with the teacher weights wIn, wOut on
// the tree student's supports.
func treeData(st *Student, wIn, wOut []int8, m int, rng *rand.Rand) *Data {
	d := &Data{M: m, NIn: 2, NOut: 2, X: make([]int8, 2*m), Y: make([]float64, 2*m)}
	for i := range d.X {
		d.X[i] = int8(2*rng.IntN(2) - 1)
	}
	h := make([]float64, 3)
	for n := 0; n < m; n++ {
		forward(d.Y[2*n:2*n+2], h, d.X[2*n:2*n+2], st.In, st.Out, wIn, wOut, st.Act)
	}
	return d
}

// bruteForce enumerates every weight assignment of st and returns, for each
// variable and value, the posterior marginal (sum-product) or the
// max-marginal (max), normalised like Infer's beliefs, and the MAP weights
// (nil when the maximum is not unique).
func bruteForce(st *Student, d *Data, s *Settings, max bool) (marg []float64, mapCfg []int8) {
	ties := 0
	q := st.q()
	nIn, nv := len(st.In.Idx), len(st.In.Idx)+len(st.Out.Idx)
	marg = make([]float64, nv*q)
	best := math.Inf(-1)
	wIn, wOut := make([]int8, nIn), make([]int8, nv-nIn)
	y, h := make([]float64, d.NOut), make([]float64, st.In.Rows)
	for c := 0; c < ipow(q, nv); c++ {
		x := c
		for v := 0; v < nv; v++ {
			w := st.value(x % q)
			x /= q
			if v < nIn {
				wIn[v] = w
			} else {
				wOut[v-nIn] = w
			}
		}
		var H float64
		ok := true
		for n := 0; n < d.M; n++ {
			forward(y, h, d.X[n*d.NIn:(n+1)*d.NIn], st.In, st.Out, wIn, wOut, st.Act)
			for a, yv := range d.Y[n*d.NOut : (n+1)*d.NOut] {
				H += (yv - y[a]) * (yv - y[a])
				ok = ok && math.Abs(yv-y[a]) <= 1e-9
			}
		}
		p := math.Exp(-s.Beta * H)
		if s.Beta == 0 && !ok {
			p = 0
		}
		switch {
		case p > best:
			best, mapCfg, ties = p, append(append([]int8(nil), wIn...), wOut...), 0
		case p == best:
			ties++
		}
		x = c
		for v := 0; v < nv; v++ {
			i := v*q + x%q
			x /= q
			if max {
				marg[i] = math.Max(marg[i], p)
			} else {
				marg[i] += p
			}
		}
	}
	for v := 0; v < nv; v++ {
		var z float64
		for _, p := range marg[v*q : (v+1)*q] {
			z += p
		}
		for d := 0; d < q; d++ {
			marg[v*q+d] /= z
		}
	}
	if ties > 0 {
		mapCfg = nil
	}
	return marg, mapCfg
}

// TestSumProductExactOnTree checks that offline sum-product gives the
// exact posterior marginals, and max-product the exact max-marginals and
// the MAP, on a tree factor graph: hard and soft factors, binary and
// ternary weights.
func TestSumProductExactOnTree(t *testing.T) {
	cases := []struct {
		ternary bool
		m       int
		beta    float64
		unique  bool // the MAP is unique (checked), so max-product must find it
	}{
		{false, 1, 0, false}, {false, 2, 0, false}, {false, 4, 0, true}, {false, 2, 0.8, false},
		{false, 4, 0.8, true}, {true, 1, 0, false}, {true, 2, 1.5, false}, {true, 4, 1.5, true},
	}
	for _, c := range cases {
		for _, alg := range []Algorithm{SumProduct, MaxProduct} {
			name := fmt.Sprintf("%v/ternary=%v/m=%d/beta=%g", alg, c.ternary, c.m, c.beta)
			t.Run(name, func(t *testing.T) {
				st := treeStudent(c.ternary)
				rng := rand.New(rand.NewPCG(uint64(c.m), 9))
				d := treeData(st, []int8{1, -1, 1}, []int8{1, 1, -1, 1}, c.m, rng)
				s := &Settings{Algorithm: alg, Beta: c.beta, Damping: 0.2}
				res, err := Infer(st, d, s)
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != Converged {
					t.Fatalf("status %v after %d iterations", res.Status, res.Iterations)
				}
				want, mapCfg := bruteForce(st, d, s, alg == MaxProduct)
				if msg := testutil.CloseSlices(res.Belief, want, 1e-9); msg != "" {
					t.Errorf("beliefs: %s", msg)
				}
				if alg == MaxProduct && c.unique {
					if mapCfg == nil {
						t.Fatal("the MAP of this case is not unique")
					}
					got := append(append([]int8(nil), res.WIn...), res.WOut...)
					if fmt.Sprint(got) != fmt.Sprint(mapCfg) {
						t.Errorf("max-product estimate %v, want the MAP %v", got, mapCfg)
					}
				}
			})
		}
	}
}

// TestMaxSumExactOnTree checks that the max-sum log-beliefs are the exact
// log max-marginals −min_{c: w_i = w} H(c) + min_c H(c) on a tree.
func TestMaxSumExactOnTree(t *testing.T) {
	for _, ternary := range []bool{false, true} {
		st := treeStudent(ternary)
		d := treeData(st, []int8{1, -1, 1}, []int8{1, 1, -1, 1}, 4, rand.New(rand.NewPCG(4, 9)))
		res, err := Infer(st, d, &Settings{Algorithm: MaxSum})
		if err != nil {
			t.Fatal(err)
		}
		// With β = 1 the max-marginals of exp(−H) are exp of the log
		// max-marginals; compare in the log domain.
		mm, mapCfg := bruteForce(st, d, &Settings{Beta: 1}, true)
		q := st.q()
		for v := 0; v < len(mm)/q; v++ {
			mx := math.Inf(-1)
			for _, p := range mm[v*q : (v+1)*q] {
				mx = math.Max(mx, math.Log(p))
			}
			for k := 0; k < q; k++ {
				want := math.Log(mm[v*q+k]) - mx
				if got := res.Belief[v*q+k]; !testutil.Close(got, want, 1e-9) {
					t.Errorf("ternary=%v: h[%d,%d] = %v, want %v", ternary, v, k, got, want)
				}
			}
		}
		if mapCfg == nil {
			t.Fatalf("ternary=%v: the minimum energy is not unique", ternary)
		}
		got := append(append([]int8(nil), res.WIn...), res.WOut...)
		if fmt.Sprint(got) != fmt.Sprint(mapCfg) {
			t.Errorf("ternary=%v: max-sum estimate %v, want the minimum-energy weights %v", ternary, got, mapCfg)
		}
	}
}

// TestLearnsTeacher checks that sum-product recovers every weight of a
// 150-150-150 base-case teacher from 24 samples offline, in batches of 4
// and online, while one sample leaves more than 5 % of them wrong.
func TestLearnsTeacher(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test skipped under -short")
	}
	for _, act := range []Activation{Tanh{B: 0.1}, LeakyReLU{A: 0.1}} {
		rng := rand.New(rand.NewPCG(11, 12))
		tc, err := New(Config{NIn: 150, NHidden: 150, NOut: 150, Act: act}, rng)
		if err != nil {
			t.Fatal(err)
		}
		d, err := tc.Generate(24, rng)
		if err != nil {
			t.Fatal(err)
		}
		st := BayesStudent(tc)
		for _, mode := range []Mode{Offline, Batch, Online} {
			for _, m := range []int{1, 24} {
				res, err := Infer(st, d.Slice(0, m), &Settings{Mode: mode, Damping: 0.3})
				if err != nil {
					t.Fatal(err)
				}
				e := tc.WrongFraction(st, res.WIn, res.WOut)
				if (m == 24 && e != 0) || (m == 1 && e < 0.05) {
					t.Errorf("%v %v m=%d: wrong fraction %v", act, mode, m, e)
				}
			}
		}
	}
}

// TestWorkersDoNotChangeResult checks that the beliefs are bit-identical
// for 1 and 3 workers (flooding schedule, per-factor writes).
func TestWorkersDoNotChangeResult(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tc, _ := New(Config{NIn: 40, NHidden: 40, NOut: 40}, rng)
	d, _ := tc.Generate(5, rng)
	var first []float64
	for _, w := range []int{1, 3} {
		res, err := Infer(BayesStudent(tc), d, &Settings{Mode: Batch, Batch: 2, Damping: 0.3, Reinforcement: 0.01, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res.Belief
			continue
		}
		for i := range first {
			if !testutil.Identical(first[i], res.Belief[i]) {
				t.Fatalf("belief %d: %v with 3 workers, %v with 1", i, res.Belief[i], first[i])
			}
		}
	}
}

type stopRecorder struct{ calls int }

var errStop = errors.New("stop")

func (r *stopRecorder) Record(p *Progress) error {
	r.calls++
	if p.Batch == 2 {
		return errStop
	}
	return nil
}

// TestRecorderStopsInfer checks that Infer calls the recorder once per
// batch and returns its error.
func TestRecorderStopsInfer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tc, _ := New(Config{NIn: 10, NHidden: 10, NOut: 10}, rng)
	d, _ := tc.Generate(6, rng)
	rec := &stopRecorder{}
	_, err := Infer(BayesStudent(tc), d, &Settings{Mode: Online, Recorder: rec})
	if !errors.Is(err, errStop) || rec.calls != 2 {
		t.Errorf("Infer = %v after %d calls, want errStop after 2", err, rec.calls)
	}
}
