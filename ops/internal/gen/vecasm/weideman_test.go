package main

import (
	"math"
	"testing"
)

// TestWeidemanFit checks the fitted erfcx of the elem table, evaluated in
// float64 in the kernels' form, against erfcxRef on t ∈ [0, 1e12]: dense
// below 3, geometric beyond.
func TestWeidemanFit(t *testing.T) {
	var ts []float64
	for x := 0.0; x < 3; x += 0.0007 {
		ts = append(ts, x)
	}
	for x := 3.0; x < 1e12; x *= 1.003 {
		ts = append(ts, x)
	}
	for _, c := range []struct {
		e   elem
		tol float64
	}{{f64, 1e-14}, {f32, 2e-7}} {
		a, L := weideman(c.e.erfcxN, c.e.erfcxScale)
		worst := 0.0
		for _, x := range ts {
			r := 1 / (L + x)
			got := r * (1/math.SqrtPi + 2*r*horner(a, (L-x)*r))
			want := erfcxRef(x)
			worst = math.Max(worst, math.Abs(got-want)/want)
		}
		if !(worst <= c.tol) {
			t.Errorf("%s: %d terms: largest relative error %.3g, want ≤ %.3g", c.e.name, c.e.erfcxN, worst, c.tol)
		}
		t.Logf("%s: %d terms, L = %.4f: largest relative error %.3g", c.e.name, c.e.erfcxN, L, worst)
	}
}

// TestLeastSquares checks leastSquares on an overdetermined system with an
// exact solution and on one whose residual is orthogonal to the columns.
func TestLeastSquares(t *testing.T) {
	A := [][]float64{{1, 0}, {0, 1}, {1, 1}, {1, -1}}
	for _, c := range []struct {
		b, want []float64
	}{
		{[]float64{2, 3, 5, -1}, []float64{2, 3}},
		{[]float64{1, 1, 0, 0}, []float64{1.0 / 3, 1.0 / 3}}, // normal equations: 3x = 1, 3y = 1
	} {
		x := leastSquares(A, c.b)
		for j := range x {
			if math.Abs(x[j]-c.want[j]) > 1e-14 {
				t.Errorf("b = %v: x = %v, want %v", c.b, x, c.want)
			}
		}
	}
}

// TestExpCoef checks the fitted polynomials of exp of the elem table on
// |r| ≤ ln2/2, evaluated in float64, for their relative error.
func TestExpCoef(t *testing.T) {
	for _, c := range []struct {
		e   elem
		tol float64
	}{{f64, 2e-15}, {f32, 3e-9}} {
		a := expCoef(c.e.expDeg)
		worst, h := 0.0, math.Ln2/2
		for r := -h; r <= h; r += h / 1e5 {
			worst = math.Max(worst, math.Abs(horner(a, r)-math.Exp(r))/math.Exp(r))
		}
		if !(worst <= c.tol) {
			t.Errorf("%s: degree %d: largest relative error %.3g, want ≤ %.3g", c.e.name, c.e.expDeg, worst, c.tol)
		}
		t.Logf("%s: degree %d: largest relative error %.3g", c.e.name, c.e.expDeg, worst)
	}
}
