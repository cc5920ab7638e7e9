package mpnet

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// focusRun builds a 9-7-5-out network of the given kinds, sets focusing y
// (nil: off), trains it for 3 mini-batches of 2 iterations with the
// per-layer r (γ of the focused layers), and returns the fields H and magnetizations m of every layer.
func focusRun(t *testing.T, dt tensor.Dtype, kinds []Kind, y []float64, withPrior bool, r []float64) (h, m [][]float64) {
	t.Helper()
	classes, out := 2, 1
	if kinds[len(kinds)-1] == ArgMax {
		classes, out = 3, 3
	}
	rng := rand.New(rand.NewPCG(5, 6))
	net := initNet(t, Config{Widths: []int{9, 7, 5, out}, Kinds: kinds, Dtype: dt}, rng)
	if y != nil {
		if err := net.SetFocus(y, withPrior); err != nil {
			t.Fatal(err)
		}
	}
	B := 6
	x, lab := make([]float64, B*9), make([]int, B)
	psi := []float64{0.5, 0.5, 0.5}
	for step := 0; step < 3; step++ {
		for i := range x {
			x[i] = float64(2*rng.IntN(2) - 1)
		}
		for n := range lab {
			lab[n] = 2*rng.IntN(2) - 1
			if classes > 2 {
				lab[n] = rng.IntN(classes)
			}
		}
		if err := net.SetPrior([]float64{1, 1, 0.9}, 0); err != nil {
			t.Fatal(err)
		}
		if err := net.SetBatch(x, lab); err != nil {
			t.Fatal(err)
		}
		for it := 0; it < 2; it++ {
			if _, err := net.Iterate(psi, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	for l := 0; l < net.L(); l++ {
		h, m = append(h, net.H(l)), append(m, net.M(l))
	}
	return h, m
}

// TestFocusVanishingEqualsPlain checks that a focused network whose
// focusing term vanishes (y = 1 with γ = 0.7, or y = 4 with γ = 0) runs
// exactly like the plain network with r = 0 (ALGORITHMS §10.3): bit for bit
// in float64, to float32 rounding in float32.
func TestFocusVanishingEqualsPlain(t *testing.T) {
	cases := []struct {
		name  string
		kinds []Kind
		y     []float64
		gamma []float64 // r per layer: γ on focused layers, 0 on plain ones
	}{
		{"bpi/y=1", []Kind{BPI, BPI, BPI}, []float64{1}, []float64{0.7, 0.7, 0.7}},
		{"bpi/gamma=0", []Kind{BPI, BPI, BPI}, []float64{4}, []float64{0, 0, 0}},
		{"bp/y=1", []Kind{BP, BP, BP}, []float64{1}, []float64{0.7, 0.7, 0.7}},
		{"bpi+argmax/y=1", []Kind{BPI, BPI, ArgMax}, []float64{1}, []float64{0.7, 0.7, 0.7}},
		{"mf+deep-bpi/y=1", []Kind{MF, BPI, BPI}, []float64{0, 1, 1}, []float64{0, 0.7, 0.7}},
	}
	for _, c := range cases {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(c.name+"/"+dt.String(), func(t *testing.T) {
				hp, mp := focusRun(t, dt, c.kinds, nil, false, []float64{0, 0, 0})
				for _, withPrior := range []bool{false, true} {
					hf, mf := focusRun(t, dt, c.kinds, c.y, withPrior, c.gamma)
					for l := range hp {
						for i := range hp[l] {
							if !sameValue(dt, hf[l][i], hp[l][i]) || !sameValue(dt, mf[l][i], mp[l][i]) {
								t.Fatalf("prior %v, layer %d, weight %d: focused (H, m) = (%v, %v), plain (%v, %v)",
									withPrior, l, i, hf[l][i], mf[l][i], hp[l][i], mp[l][i])
							}
						}
					}
				}
			})
		}
	}
}

// sameValue is bit equality in float64 and a float32 rounding (relative
// 1e-5 after a few iterations) in float32, where the focusing kernel sums
// Hin + Hext in float64 before rounding.
func sameValue(dt tensor.Dtype, a, b float64) bool {
	if dt == tensor.Float64 {
		return math.Float64bits(a) == math.Float64bits(b)
	}
	return math.Abs(a-b) <= 1e-5*math.Max(1, math.Abs(b))
}

// TestFocusChangesFields checks that an active focusing term (y = 5,
// γ = 0.5) changes the trained fields, and that it pushes each field
// outwards: focusing adds Hfoc with the sign of Hin, so on the last layer
// the focused fields are on average larger in magnitude than the plain ones.
func TestFocusChangesFields(t *testing.T) {
	kinds := []Kind{BPI, BPI, BPI}
	hp, _ := focusRun(t, tensor.Float64, kinds, nil, false, []float64{0, 0, 0})
	hf, _ := focusRun(t, tensor.Float64, kinds, []float64{5}, false, []float64{0.5, 0.5, 0.5})
	for l := range hp {
		var ap, af float64
		for i := range hp[l] {
			ap += math.Abs(hp[l][i])
			af += math.Abs(hf[l][i])
		}
		t.Logf("layer %d: mean |H| plain %.4f, focused %.4f", l, ap/float64(len(hp[l])), af/float64(len(hf[l])))
		if af <= ap {
			t.Errorf("layer %d: focusing did not grow the fields: Σ|H| %.4f (focused) vs %.4f (plain)", l, af, ap)
		}
	}
}

// TestSetFocusRejects checks the errors of SetFocus.
func TestSetFocusRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net, err := New(Config{Widths: []int{5, 3, 3, 1}, Kinds: []Kind{MF, AMP, BPI}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		y    []float64
		want string
	}{
		{"mf layer", []float64{2}, "layer 0 is mf"},
		{"amp layer", []float64{0, 2, 2}, "layer 1 is amp"},
		{"y below 1", []float64{0, 0, 0.5}, "y[2] = 0.5"},
		{"negative y", []float64{0, 0, -1}, "y[2] = -1"},
		{"NaN y", []float64{0, 0, math.NaN()}, "y[2] = NaN"},
		{"Inf y", []float64{0, 0, math.Inf(1)}, "y[2] = +Inf"},
		{"length", []float64{0, 0}, "2 values of y for 3 layers"},
	}
	for _, c := range cases {
		err := net.SetFocus(c.y, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: SetFocus(%v) = %v, want an error containing %q", c.name, c.y, err, c.want)
		}
	}
	if err := net.SetFocus([]float64{0, 0, 3}, true); err != nil {
		t.Fatalf("SetFocus on the bpi layer: %v", err)
	}
	if y, p := net.Focus(2); y != 3 || !p {
		t.Errorf("Focus(2) = %v, %v, want 3, true", y, p)
	}
}
