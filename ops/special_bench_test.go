package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// spSinkF64 and spSinkF32 keep the benchmarked results alive.
var (
	spSinkF64 float64
	spSinkF32 float32
)

// spBenchN is the length of every input vector (a power of two, so that the
// loop can index it with a mask); it fits in L1 with room for the tables.
const spBenchN = 1024

// spRegime is a named input range of one benchmark.
type spRegime struct {
	name   string
	lo, hi float64
}

// spScalarRegimes are the input regimes of the one-argument functions.
var spScalarRegimes = []spRegime{
	{"Small", 0, 1.0 / 32}, // |x| < 2^-5: the single small-x polynomial
	{"Moderate", 0.5, 5},   // the bulk of the table
	{"Tail", 10, 1e3},      // table end and asymptotic series
	{"Negative", -5, -0.5}, // reflection through exp(x²)
}

func spUniform(seed uint64, lo, hi float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 17))
	xs := make([]float64, spBenchN)
	for i := range xs {
		xs[i] = lo + (hi-lo)*rng.Float64()
	}
	return xs
}

func spBenchScalar(b *testing.B, f func(float64) float64) {
	for _, r := range spScalarRegimes {
		xs := spUniform(1, r.lo, r.hi)
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			s := 0.0
			for i := 0; i < b.N; i++ {
				s += f(xs[i&(spBenchN-1)])
			}
			spSinkF64 = s
		})
	}
}

func spBenchScalar32(b *testing.B, f func(float32) float32) {
	for _, r := range spScalarRegimes {
		xs64 := spUniform(1, r.lo, r.hi)
		xs := make([]float32, spBenchN)
		for i, x := range xs64 {
			xs[i] = float32(x)
		}
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			var s float32
			for i := 0; i < b.N; i++ {
				s += f(xs[i&(spBenchN-1)])
			}
			spSinkF32 = s
		})
	}
}

// spErfcxNaive is the textbook formula that Erfcx replaces: slower, and
// inaccurate for x > 5 (erfc loses relative accuracy, then underflows).
func spErfcxNaive(x float64) float64 { return math.Exp(x*x) * math.Erfc(x) }

// BenchmarkSpecial times each scalar special function (float64, then the
// float32 versions) in every regime of spScalarRegimes.
func BenchmarkSpecial(b *testing.B) {
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{
		{"Erfcx", Erfcx}, {"ErfcxNaive", spErfcxNaive}, {"G", G}, {"H", H}, {"GH", GH}, {"LogH", LogH},
		{"AtanhErf", AtanhErf}, {"Atanh2Hm1", Atanh2Hm1}, {"LogCosh", LogCosh}, {"Log2Cosh", Log2Cosh},
		{"LogSinhAbs", LogSinhAbs}, {"ClippedAtanh", func(x float64) float64 { return ClippedAtanh(x / 1e3) }},
	} {
		b.Run(f.name, func(b *testing.B) { spBenchScalar(b, f.f) })
	}
	for _, f := range []struct {
		name string
		f    func(float32) float32
	}{{"Erfcx32", Erfcx32}, {"GH32", GH32}} {
		b.Run(f.name, func(b *testing.B) { spBenchScalar32(b, f.f) })
	}
}

// spSignRegime is an input spRegime of SignG: ranges of Btop and of u = -ω/s.
type spSignRegime struct {
	name         string
	bLo, bHi     float64
	uLo, uHi     float64
	infiniteBtop bool
}

var spSignRegimes = []spSignRegime{
	{name: "Typical", bLo: -3, bHi: 3, uLo: -3, uHi: 3}, // hidden layers
	{name: "LargeB", bLo: 20, bHi: 40, uLo: -3, uHi: 3}, // Expm1 skipped
	{name: "Hard", uLo: -3, uHi: 3, infiniteBtop: true}, // output layer, Btop = ±Inf
	{name: "Tail", bLo: -3, bHi: 3, uLo: -30, uHi: 30},  // far tails of u
}

// spSignGNaive is the formula of ALGORITHMS §3.4 written out directly
// (tanh, erfc and GH), for comparison.
func spSignGNaive(btop, omega, s float64) float64 {
	mu := math.Tanh(btop)
	if mu == 0 {
		return 0
	}
	a, u := math.Abs(mu), -omega/s
	if mu < 0 {
		u = -u
	}
	ght := GH(u)
	if a != 1 {
		f := math.Erfc(u / math.Sqrt2)
		ght *= a * f / (1 - a + a*f)
	}
	return math.Copysign(ght, mu) / s
}

func spBenchSign(b *testing.B, f func(btop, omega, s float64) float64) {
	for _, r := range spSignRegimes {
		bs := spUniform(2, r.bLo, r.bHi)
		us := spUniform(3, r.uLo, r.uHi)
		ss := spUniform(4, 0.3, 3)
		omegas := make([]float64, spBenchN)
		for i := range bs {
			if r.infiniteBtop {
				bs[i] = math.Inf(1 - 2*(i&1))
			}
			omegas[i] = -us[i] * ss[i]
		}
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			s := 0.0
			for i := 0; i < b.N; i++ {
				j := i & (spBenchN - 1)
				s += f(bs[j], omegas[j], ss[j])
			}
			spSinkF64 = s
		})
	}
}

func BenchmarkSignG(b *testing.B)      { spBenchSign(b, SignG) }
func BenchmarkSignGNaive(b *testing.B) { spBenchSign(b, spSignGNaive) }

func BenchmarkSignG32(b *testing.B) {
	spBenchSign(b, func(btop, omega, s float64) float64 {
		return float64(SignG32(float32(btop), float32(omega), float32(s)))
	})
}

func BenchmarkSignGamma(b *testing.B) {
	gs := spUniform(5, -2, 2)
	omegas := spUniform(6, -3, 3)
	vs := spUniform(7, 0.1, 4)
	b.ReportAllocs()
	s := 0.0
	for i := 0; i < b.N; i++ {
		j := i & (spBenchN - 1)
		s += SignGamma(gs[j], omegas[j], vs[j])
	}
	spSinkF64 = s
}
