package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/gorgonia"
)

// Naive references for the Gaussian-weight updates of ALGORITHMS §4.2 and
// §7.6, written from the spec's equations.

// naiveFiniteGamma is Γ = g(ω/V + g), with non-finite entries set to 0 (§7.6).
func naiveFiniteGamma(g, omega, v []float64) []float64 {
	out := naiveGamma(g, omega, v)
	for j, x := range out {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			out[j] = 0
		}
	}
	return out
}

// naivePrecision is Ω = max(1e-6, Ωin + r·Ω_old + Ωext) with Ωin = a − b (§7.6).
func naivePrecision(a, b, ext, old []float64, r float64) []float64 {
	return naiveMap(func(x ...float64) float64 {
		return math.Max(1e-6, (x[0]-x[1])+r*x[3]+x[2])
	}, a, b, ext, old)
}

// naiveDampedGaussianMean is m = ψ·m + (1 − ψ)·(H ./ Ω) .* mask (§7.6).
func naiveDampedGaussianMean(m, h, omega, mask []float64, psi float64) []float64 {
	return naiveMap(func(x ...float64) float64 {
		return (psi*x[0] + (1-psi)*(x[1]/x[2])) * x[3]
	}, m, h, omega, mask)
}

// gaussianMapCases are the element-wise ops of gaussian.go, run by
// TestElementwiseMatchesNaive (and on a device by TestGPUElementwise).
func gaussianMapCases() []mapCase {
	n2 := normal(2)
	prec := uniform(1e-6, 50) // a precision Ω ≥ 1e-6
	mask := func(r *rand.Rand) float64 { return float64(min(1, r.IntN(4))) }
	return []mapCase{
		{finiteGammaK, arrays(n2, n2, uniform(0.05, 3)), func(in []arr) []float64 {
			return naiveFiniteGamma(in[0].data, in[1].data, in[2].data)
		}},
		// a − b spans the floor: Ω = 1e-6 for about a third of the entries.
		{precisionK, func(rng *rand.Rand, shape []int) []arr {
			return append(arrays(uniform(0, 4), uniform(0, 4), uniform(0, 2), prec)(rng, shape), scalar(0.3))
		}, func(in []arr) []float64 {
			return naivePrecision(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data[0])
		}},
		{dampedGaussianMeanK, func(rng *rand.Rand, shape []int) []arr {
			return append(arrays(normal(0.3), n2, prec, mask)(rng, shape), scalar(0.8))
		}, func(in []arr) []float64 {
			return naiveDampedGaussianMean(in[0].data, in[1].data, in[2].data, in[3].data, in[4].data[0])
		}},
		{gaussianVarianceK, arrays(prec, mask), func(in []arr) []float64 {
			return naiveMap(func(x ...float64) float64 { return x[1] / x[0] }, in[0].data, in[1].data)
		}},
	}
}

// TestGaussianSpecialCases checks the edges of the Gaussian-weight updates:
// Γ is 0 where g(ω/V + g) is not finite (V = 0, g = ±Inf, NaN), the
// precision is floored at exactly 1e-6 and a NaN precision stays NaN (so
// that the finiteness checks of a sweep see it), and masked means and
// variances are exactly 0.
func TestGaussianSpecialCases(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, dt := range dtypes {
		do := func(k *kernel, in ...arr) []float64 {
			t.Helper()
			vs := make([]gorgonia.Value, len(in))
			for i, a := range in {
				vs[i] = toDense(dt, a)
			}
			return values(mustDo(t, &mapOp{k: k}, vs...))
		}
		vec := func(x ...float64) arr { return mkArr([]int{len(x)}, x) }
		gam := do(finiteGammaK, vec(1, inf, nan, 0.5, -2), vec(1, 0, 0, 1, 3), vec(0, 1, 1, 2, 1))
		if want := []float64{0, 0, 0, 0.5 * (0.5 + 0.5), -2 * (3 - 2)}; !slices.Equal(gam, want) {
			t.Errorf("%v: FiniteGamma = %v, want %v", dt, gam, want)
		}
		p := do(precisionK, vec(1, 2, 0, nan), vec(3, 0, 0, 0), vec(0, 0.5, 0, 0), vec(1, 1, 0, 0), scalar(0))
		if p[0] != toF(dt, 1e-6) || p[1] != 2.5 || p[2] != toF(dt, 1e-6) || !math.IsNaN(p[3]) {
			t.Errorf("%v: Precision = %v, want [1e-6 2.5 1e-6 NaN]", dt, p)
		}
		m := do(dampedGaussianMeanK, vec(0.7, 0.7), vec(3, 3), vec(1e-6, 2), vec(0, 1), scalar(0.5))
		s := do(gaussianVarianceK, vec(1e-6, 2), vec(0, 1))
		if m[0] != 0 || s[0] != 0 || m[1] != toF(dt, toF(dt, 0.5*0.7)+toF(dt, 0.5*1.5)) || s[1] != 0.5 {
			t.Errorf("%v: masked/unmasked m = %v, σ = %v, want [0 1.1], [0 0.5]", dt, m, s)
		}
	}
}
