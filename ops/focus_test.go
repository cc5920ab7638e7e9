package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/internal/testutil"
)

// naiveClippedAtanh is the reference's myatanh (ALGORITHMS §3.3): atanh(x)
// where finite, sign(x)·25 at |x| ≥ 1.
func naiveClippedAtanh(x float64) float64 {
	if x >= 1 {
		return 25
	}
	if x <= -1 {
		return -25
	}
	return 0.5 * math.Log((1+x)/(1-x))
}

// naiveFocusField is the focusing field update of ALGORITHMS §10.3, one
// line per equation of the spec:
//
//	t_γ = tanh(γ); m_js = tanh(Hin) (or tanh(Hin + Hext) with the prior);
//	m_foc = t_γ·tanh((y − 1)·atanh(t_γ·m_js)); Hfoc = atanh(m_foc);
//	H = Hin + Hfoc + Hext.
func naiveFocusField(hin, hext []float64, gamma, y float64, withPrior bool) []float64 {
	out := make([]float64, len(hin))
	for j := range out {
		tg := math.Tanh(gamma)
		mjs := math.Tanh(hin[j])
		if withPrior {
			mjs = math.Tanh(hin[j] + hext[j])
		}
		mfoc := tg * math.Tanh((y-1)*naiveClippedAtanh(tg*mjs))
		hfoc := naiveClippedAtanh(mfoc)
		out[j] = hin[j] + hfoc + hext[j]
	}
	return out
}

// saturated draws fields from ±{0, 1e-300, 0.3, 5, 19, 19.5, 25, 40, 300},
// where tanh rounds to ±1 from about 19.1 on.
func saturated(r *rand.Rand) float64 {
	vs := []float64{0, 1e-300, 0.3, 5, 19, 19.5, 25, 40, 300}
	v := vs[r.IntN(len(vs))]
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}

// TestFocusFieldMatchesNaive compares both variants of FocusField with the
// naive loop on random and saturated fields over a grid of (γ, y), in
// float64 and float32 (float32 inputs rounded first, tolerance tol32).
func TestFocusFieldMatchesNaive(t *testing.T) {
	fields := []struct {
		name string
		f    func(*rand.Rand) float64
	}{{"normal3", normal(3)}, {"saturated", saturated}}
	gammas := []float64{0, 0.05, 0.7, 3, 30}
	ys := []float64{1, 1.5, 3, 7, 1e3}
	shapes := [][]int{{1}, {7, 13}, {200, 201}}
	for _, withPrior := range []bool{false, true} {
		k := focusFieldK
		if withPrior {
			k = focusFieldPriorK
		}
		for fi, fd := range fields {
			for gi, gamma := range gammas {
				for yi, y := range ys {
					for si, shape := range shapes {
						for _, dt := range dtypes {
							name := fmt.Sprintf("%s/%s/g%v/y%v/%v/%v", k.name, fd.name, gamma, y, shape, dt)
							t.Run(name, func(t *testing.T) {
								rng := newRNG(uint64(900+fi), uint64(((gi*10+yi)*10+si)*2+b2i(withPrior)))
								in := []arr{randArr(rng, shape, fd.f), randArr(rng, shape, fd.f), scalar(gamma), scalar(y)}
								in = roundFor(dt, in)
								want := naiveFocusField(in[0].data, in[1].data, in[2].data[0], in[3].data[0], withPrior)
								checkOp(t, dt, func() gorgonia.Op { return &mapOp{k: k} }, in, mkArr(shape, want))
							})
						}
					}
				}
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFocusFieldSpecialCases checks the special cases of the doc comment
// with exact values: no focusing term at y = 1, γ = 0 or Hin = 0, the
// clipped ±25 at saturation, the prior switch, and NaN propagation.
func TestFocusFieldSpecialCases(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name                string
		hin, hext, gamma, y float64
		withPrior           bool
		want                float64
	}{
		{"y=1", 0.7, -0.2, 2, 1, false, 0.7 - 0.2},
		{"gamma=0", 0.7, -0.2, 0, 5, false, 0.7 - 0.2},
		{"Hin=0 without prior", 0, 3, 2, 5, false, 3},
		{"saturated +", 40, 1, 30, 3, false, 40 + 25 + 1},
		{"saturated −", -40, 1, 30, 3, false, -40 - 25 + 1},
		// With the prior, m_js = tanh(0 + 3) ≠ 0; want from the formula
		// (t_γ = tanh 2, y − 1 = 4).
		{"Hin=0 with prior", 0, 3, 2, 5, true,
			3 + math.Atanh(math.Tanh(2)*math.Tanh(4*math.Atanh(math.Tanh(2)*math.Tanh(3))))},
		{"NaN Hin", nan, 0, 1, 2, false, nan},
		{"NaN gamma", 1, 0, nan, 2, false, nan},
	}
	for _, c := range cases {
		for _, dt := range dtypes {
			t.Run(c.name+"/"+dt.String(), func(t *testing.T) {
				k := focusFieldK
				if c.withPrior {
					k = focusFieldPriorK
				}
				in := []arr{scalar(c.hin), scalar(c.hext), scalar(c.gamma), scalar(c.y)}
				out := mustDo(t, &mapOp{k: k}, toDense(dt, in[0]), toDense(dt, in[1]), toDense(dt, in[2]), toDense(dt, in[3]))
				got := values(out)[0]
				want := c.want
				if dt == tensor.Float32 {
					want = float64(float32(want))
				}
				if !testutil.Same(got, want) && !testutil.Close(got, want, tolOf(dt)) {
					t.Errorf("FocusField(%v, %v; γ=%v, y=%v) = %v, want %v", c.hin, c.hext, c.gamma, c.y, got, want)
				}
			})
		}
	}
}

// TestFocusFieldInGraph runs FocusField with and without the prior in one
// ExprGraph on a TapeMachine: the two are distinct nodes and each equals its
// bare Do bit for bit.
func TestFocusFieldInGraph(t *testing.T) {
	for _, dt := range dtypes {
		t.Run(dt.String(), func(t *testing.T) {
			rng := newRNG(950, 1)
			in := []arr{randArr(rng, []int{4, 6}, normal(2)), randArr(rng, []int{4, 6}, normal(2)), scalar(0.9), scalar(4)}
			g := gorgonia.NewGraph()
			names := []string{"hin", "hext", "gamma", "y"}
			nodes := make([]*gorgonia.Node, len(in))
			vals := make([]gorgonia.Value, len(in))
			for i, a := range in {
				v := toDense(dt, a)
				vals[i] = v
				nodes[i] = gorgonia.NewTensor(g, dt, len(a.shape), gorgonia.WithShape(a.shape...),
					gorgonia.WithName(names[i]), gorgonia.WithValue(v.Clone().(*tensor.Dense)))
			}
			plain, err := FocusField(nodes[0], nodes[1], nodes[2], nodes[3], false)
			if err != nil {
				t.Fatal(err)
			}
			prior, err := FocusField(nodes[0], nodes[1], nodes[2], nodes[3], true)
			if err != nil {
				t.Fatal(err)
			}
			if plain == prior {
				t.Fatal("FocusField with and without the prior share a node")
			}
			vm := gorgonia.NewTapeMachine(g)
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				n *gorgonia.Node
				k *kernel
			}{{plain, focusFieldK}, {prior, focusFieldPriorK}} {
				want := mustDo(t, &mapOp{k: c.k}, vals...)
				if !sameBits(c.n.Value().(*tensor.Dense), want) {
					t.Errorf("%s in the graph differs from bare Do", c.k.name)
				}
			}
		})
	}
}

// TestFocusFieldRejectsBadInputs checks the errors for a wrong number of
// inputs and a non-scalar γ.
func TestFocusFieldRejectsBadInputs(t *testing.T) {
	g := gorgonia.NewGraph()
	m := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("m"))
	s := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(1), gorgonia.WithName("s"))
	if _, err := FocusField(m, m, m, s, false); err == nil {
		t.Error("FocusField accepted a 2×3 γ")
	}
	if _, err := mapNode(focusFieldK, m, m, s); err == nil {
		t.Error("FocusField accepted three inputs")
	}
}

// BenchmarkFocusField times the focusing field update against the plain
// Field it replaces, at the weight shapes of the paper's MNIST network
// (K×N, one element per weight), with fields of a trained layer (|H| ~ 5).
func BenchmarkFocusField(b *testing.B) {
	for _, l := range obLayers {
		for _, dt := range obDtypes {
			rng := newRNG(2, 1)
			hin, hext := obDense(rng, dt, l.K, l.N, normal(5)), obDense(rng, dt, l.K, l.N, normal(5))
			hold := obDense(rng, dt, l.K, l.N, normal(5))
			gamma, y := toDense(dt, scalar(0.5)), toDense(dt, scalar(5))
			b.Run(fmt.Sprintf("FocusField/%s/%v", l.name, dt), func(b *testing.B) {
				obRun(b, &mapOp{k: focusFieldK}, hin, hext, gamma, y)
			})
			b.Run(fmt.Sprintf("Field/%s/%v", l.name, dt), func(b *testing.B) {
				obRun(b, &mapOp{k: fieldK}, hin, hext, hold, gamma)
			})
		}
	}
}
