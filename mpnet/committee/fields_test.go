package committee

import (
	"math"
	"testing"
)

var inf = math.Inf(1)

// TestFieldRules checks the algebra's special cases of ALGORITHMS §16:
// x ⊘ x = 0 also for infinite x, no NaN from opposite infinities.
func TestFieldRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"remove(Inf, Inf)", remove(inf, inf), 0},
		{"remove(-Inf, -Inf)", remove(-inf, -inf), 0},
		{"remove(2.5, 2.5)", remove(2.5, 2.5), 0},
		{"remove(Inf, 3)", remove(inf, 3), inf},
		{"remove(Inf, -Inf)", remove(inf, -inf), inf},
		{"remove(1, 3)", remove(1, 3), -2},
		{"combine(Inf, -Inf)", combine(inf, -inf), 0},
		{"combine(Inf, 3)", combine(inf, 3), inf},
		{"combine(1, 2)", combine(1, 2), 3},
		{"damp(Inf, -Inf, .5)", damp(inf, -inf, 0.5), 0},
		{"damp(2, Inf, .5)", damp(2, inf, 0.5), inf},
		{"damp(-Inf, 2, 0)", damp(-inf, 2, 0), -inf},
		{"damp(2, 4, .25)", damp(2, 4, 0.25), 2.5},
		{"magField(1)", magField(1), FieldMax},
		{"magField(-1)", magField(-1), -FieldMax},
		{"magField(1.5)", magField(1.5), FieldMax},
		{"probField(1, 0)", probField(1, 0), FieldMax},
		{"probField(0, 2)", probField(0, 2), -FieldMax},
		{"probField(3, 1)", probField(3, 1), math.Log(3) / 2},
		{"prodField(0, Inf)", prodField(0, inf), 0},
		{"prodField(0.7, Inf)", prodField(0.7, inf), 0.7},
		{"prodField(0.7, -Inf)", prodField(0.7, -inf), -0.7},
		{"prodField(-Inf, -Inf)", prodField(-inf, -inf), inf},
		{"prodField(Inf, -Inf)", prodField(inf, -inf), -inf},
		{"prodField(0.3, 0.4)", prodField(0.3, 0.4), math.Atanh(math.Tanh(0.3) * math.Tanh(0.4))},
		{"prodField(50, 60)", prodField(50, 60), 50 + (lr(110)-lr(-10))/2},
		{"log1pxy(Inf, Inf)", log1pxy(inf, inf), 0},
		{"log1pxy(Inf, -Inf)", log1pxy(inf, -inf), -inf},
		{"log1pxy(Inf, 0.5)", log1pxy(inf, 0.5), math.Log((1 + math.Tanh(0.5)) / 2)},
		{"log1pxy(-0.5, -Inf)", log1pxy(-0.5, -inf), math.Log((1 + math.Tanh(0.5)) / 2)},
		{"log1pxy(0.3, -0.8)", log1pxy(0.3, -0.8), math.Log((1 - math.Tanh(0.3)*math.Tanh(0.8)) / 2)},
		{"crossEntropy(Inf, Inf)", crossEntropy(inf, inf), 0},
		{"crossEntropy(0.1, Inf)", crossEntropy(0.1, inf), inf},
		{"up(0, Inf)", up(0, inf), 0},
		{"up(Inf, 0)", up(inf, 0), 0},
		{"logZVar(Inf, [-Inf])", logZVar(inf, []float64{-inf}, 1), -inf},
		{"logZVar(Inf, [Inf, 0.5])", logZVar(inf, []float64{inf, 0.5}, 1), math.Log((1 + math.Tanh(0.5)) / 2)},
		{"logZVar(0, [])", logZVar(0, nil, 1), 0},
		{"logZVar(0, [0])", logZVar(0, []float64{0}, 1), -math.Ln2},
	} {
		if !(tc.got == tc.want || math.Abs(tc.got-tc.want) <= 1e-14*math.Abs(tc.want)) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

// TestCrossEntropyNaive compares crossEntropy with its magnetization form.
func TestCrossEntropyNaive(t *testing.T) {
	for _, x := range []float64{-2, -0.3, 0, 0.7, 3} {
		for _, y := range []float64{-1.5, 0, 0.2, 2.5} {
			tx, ty := math.Tanh(x), math.Tanh(y)
			want := -(1+tx)/2*math.Log((1+ty)/2) - (1-tx)/2*math.Log((1-ty)/2)
			if got := crossEntropy(x, y); math.Abs(got-want) > 1e-13 {
				t.Errorf("crossEntropy(%v, %v) = %v, want %v", x, y, got, want)
			}
		}
	}
}

// TestAtanherf checks atanh(erf x) against reference values computed with
// mpmath 1.3 at 50 digits as sign(x)·½ log((2 − erfc|x|)/erfc|x|), and its
// monotone growth in the far tail.
func TestAtanherf(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{0, 0},
		{0.5, 0.57702513880632199169},
		{-1, -1.2304189138056593716},
		{1.5, 2.0302732961427566421},
		{3, 5.706749588615779689},
		{6, 19.535354176891666832},
		{10, 51.786518102702416942},
		{30, 452.33363214560191169},
	} {
		got := atanherf(tc.x)
		if math.Abs(got-tc.want) > 1e-12*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("atanherf(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	prev := atanherf(1)
	for x := 1.01; x < 1e3; x *= 1.05 {
		v := atanherf(x)
		if !(v > prev) || math.IsInf(v, 0) {
			t.Fatalf("atanherf(%v) = %v after %v: want finite and increasing", x, v, prev)
		}
		prev = v
	}
	if atanherf(inf) != inf || atanherf(-inf) != -inf {
		t.Errorf("atanherf(±Inf) = %v, %v", atanherf(inf), atanherf(-inf))
	}
}

// TestMixNaive compares mix with its magnetization form
// ½ log((1 + tH t₊)/(1 + tH t₋)), also at infinite fields.
func TestMixNaive(t *testing.T) {
	vals := []float64{-inf, -5, -0.4, 0, 0.9, 6, inf}
	for _, aH := range vals {
		for _, ap := range vals {
			for _, am := range vals {
				tH, tp, tm := math.Tanh(aH), math.Tanh(ap), math.Tanh(am)
				num, den := 1+tH*tp, 1+tH*tm
				got := mix(aH, ap, am)
				var want float64
				switch {
				case num == 0 && den == 0:
					want = 0
				case num == 0:
					want = -FieldMax
				case den == 0:
					want = FieldMax
				default:
					want = math.Log(num/den) / 2
				}
				if math.IsNaN(got) || math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("mix(%v, %v, %v) = %v, want %v", aH, ap, am, got, want)
				}
			}
		}
	}
}
