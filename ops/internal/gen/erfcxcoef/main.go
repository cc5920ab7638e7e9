// Command erfcxcoef generates ops/erfcx_coef.go, the piecewise polynomial
// tables behind ops.Erfcx.
//
// Scheme (see the doc comment of ops.Erfcx):
//
//   - [0, 2^lowExp): one polynomial of degree deg in t = x·2^(1-lowExp) - 1.
//   - [2^lowExp, 2^highExp): every binade [2^e, 2^(e+1)) is cut into 2^logM
//     equal subintervals; on each, one polynomial of degree deg in
//     t = 2r - 1 ∈ [-1, 1), r ∈ [0, 1) the position inside the subinterval.
//     Index and t come straight from the bits of x, exactly.
//
// Each polynomial interpolates erfcx at the deg+1 Chebyshev points of its
// interval (a near-minimax fit), computed from a 384-bit reference: the
// positive-term series erfcx(x) = exp(x²) - 2/√π·Σ 2ⁿx²ⁿ⁺¹/(2n+1)!! for
// x < 6 and the Laplace continued fraction
// erfcx(x) = (1/√π)/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) beyond.
// The interpolant is expanded to monomial coefficients in big precision and
// rounded once to float64. With -check, the command reports the largest
// relative error of the float64 evaluation (in the same operation order as
// ops.Erfcx) at random points of every interval.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
)

const (
	prec    = 384
	lowExp  = -5 // polynomial tables start at 2^lowExp
	highExp = 5  // and end at 2^highExp; the asymptotic series takes over
	logM    = 4  // 2^logM subintervals per binade
	deg     = 8  // degree of every polynomial
)

// piDigits is π to 100 decimals.
const piDigits = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679"

func newF() *big.Float { return new(big.Float).SetPrec(prec) }

func fromF64(x float64) *big.Float { return newF().SetFloat64(x) }

var (
	bigPi, _, _   = big.ParseFloat(piDigits, 10, prec, big.ToNearestEven)
	bigSqrtPi     = newF().Sqrt(bigPi)
	bigTwoSqrtPiI = newF().Quo(fromF64(2), bigSqrtPi)
)

// bigExp returns exp(x) by halving x below 2^-12, summing the Taylor series
// and squaring back.
func bigExp(x *big.Float) *big.Float {
	y := newF().Set(x)
	k := 0
	for y.MantExp(nil) > -12 && y.Sign() != 0 {
		y.SetMantExp(y, -1)
		k++
	}
	sum := fromF64(1)
	term := fromF64(1)
	eps := newF().SetMantExp(fromF64(1), -prec-8)
	for n := 1; ; n++ {
		term.Mul(term, y)
		term.Quo(term, fromF64(float64(n)))
		sum.Add(sum, term)
		if newF().Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigErfcx returns exp(x²)·erfc(x) for x >= 0.
func bigErfcx(x *big.Float) *big.Float {
	if x.Sign() < 0 {
		panic("bigErfcx: negative x")
	}
	x2 := newF().Mul(x, x)
	if x.Cmp(fromF64(6)) < 0 {
		// erfcx(x) = exp(x²) - 2/√π·Σ_n 2ⁿ x^(2n+1)/(2n+1)!!, all terms positive.
		term := newF().Set(x)
		sum := newF().Set(x)
		twoX2 := newF().Mul(x2, fromF64(2))
		eps := newF().SetMantExp(fromF64(1), -prec-8)
		for n := 1; ; n++ {
			term.Mul(term, twoX2)
			term.Quo(term, fromF64(float64(2*n+1)))
			sum.Add(sum, term)
			if term.Cmp(newF().Mul(sum, eps)) < 0 {
				break
			}
		}
		sum.Mul(sum, bigTwoSqrtPiI)
		return newF().Sub(bigExp(x2), sum)
	}
	// Continued fraction, evaluated backwards; depth doubled until stable.
	var prev *big.Float
	for depth := 64; ; depth *= 2 {
		t := newF().Set(x)
		for k := depth; k >= 1; k-- {
			a := fromF64(float64(k) / 2)
			t.Quo(a, t)
			t.Add(t, x)
		}
		r := newF().Mul(t, bigSqrtPi)
		r.Quo(fromF64(1), r)
		if prev != nil {
			d := newF().Sub(r, prev)
			d.Quo(d, r)
			if d.Abs(d).Cmp(newF().SetMantExp(fromF64(1), -prec+16)) < 0 {
				return r
			}
		}
		prev = r
	}
}

// fit returns the monomial coefficients, in t ∈ [-1, 1], of the polynomial of
// degree deg interpolating erfcx(a + (t+1)/2·(b-a)) at Chebyshev points.
func fit(a, b float64) [deg + 1]float64 {
	const n = deg + 1
	var ts [n]*big.Float
	var ys [n]*big.Float
	A, B := fromF64(a), fromF64(b)
	w := newF().Sub(B, A)
	for j := 0; j < n; j++ {
		t := math.Cos(math.Pi * (float64(j) + 0.5) / n)
		ts[j] = fromF64(t)
		x := newF().Add(fromF64(t), fromF64(1))
		x.Mul(x, w)
		x.SetMantExp(x, -1)
		x.Add(x, A)
		ys[j] = bigErfcx(x)
	}
	// Newton divided differences.
	dd := make([]*big.Float, n)
	for j := range dd {
		dd[j] = newF().Set(ys[j])
	}
	for k := 1; k < n; k++ {
		for j := n - 1; j >= k; j-- {
			num := newF().Sub(dd[j], dd[j-1])
			den := newF().Sub(ts[j], ts[j-k])
			dd[j] = num.Quo(num, den)
		}
	}
	// Expand p(t) = dd0 + (t-t0)(dd1 + (t-t1)(dd2 + ...)) into monomials.
	c := make([]*big.Float, n)
	for j := range c {
		c[j] = newF()
	}
	c[0].Set(dd[n-1])
	for k := n - 2; k >= 0; k-- {
		// c = c·(t - ts[k]) + dd[k]
		for j := n - 1; j >= 1; j-- {
			c[j].Sub(c[j-1], newF().Mul(c[j], ts[k]))
		}
		c[0].Mul(c[0], ts[k])
		c[0].Neg(c[0])
		c[0].Add(c[0], dd[k])
	}
	var out [deg + 1]float64
	for j := range out {
		out[j], _ = c[j].Float64()
	}
	return out
}

func horner(c *[deg + 1]float64, t float64) float64 {
	r := c[deg]
	for j := deg - 1; j >= 0; j-- {
		r = r*t + c[j]
	}
	return r
}

func main() {
	out := flag.String("o", "erfcx_coef.go", "output file")
	check := flag.Bool("check", false, "report the fit error instead of writing")
	flag.Parse()

	lo := math.Ldexp(1, lowExp)
	small := fit(0, lo)
	nb := highExp - lowExp
	m := 1 << logM
	tab := make([][deg + 1]float64, nb*m)
	bounds := make([][2]float64, nb*m)
	for e := lowExp; e < highExp; e++ {
		for j := 0; j < m; j++ {
			a := math.Ldexp(1+float64(j)/float64(m), e)
			b := math.Ldexp(1+float64(j+1)/float64(m), e)
			i := (e-lowExp)*m + j
			tab[i] = fit(a, b)
			bounds[i] = [2]float64{a, b}
		}
	}
	if *check {
		rng := rand.New(rand.NewPCG(1, 2))
		worst, worstX := 0.0, 0.0
		test := func(a, b float64, eval func(x float64) float64) {
			for k := 0; k < 40; k++ {
				x := a + (b-a)*rng.Float64()
				got := eval(x)
				want, _ := bigErfcx(fromF64(x)).Float64()
				if r := math.Abs(got-want) / want; r > worst {
					worst, worstX = r, x
				}
			}
		}
		test(0, lo, func(x float64) float64 { return horner(&small, x*(2/lo)-1) })
		for i := range tab {
			test(bounds[i][0], bounds[i][1], func(x float64) float64 {
				bits := math.Float64bits(x)
				k := int(bits>>(52-logM)) - (1023+lowExp)<<logM
				if k != i {
					log.Fatalf("index %d, want %d at x=%v", k, i, x)
				}
				t := math.Float64frombits(bits<<logM&(1<<52-1)|1023<<52)*2 - 3
				return horner(&tab[k], t)
			})
		}
		fmt.Printf("deg %d, 2^%d per binade, %d intervals: max rel err %.3g at x=%v\n", deg, logM, len(tab), worst, worstX)
		return
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// Code generated by \"go run ./internal/gen/erfcxcoef -o erfcx_coef.go\"; DO NOT EDIT.\n\n")
	fmt.Fprintf(&buf, "package ops\n\n")
	fmt.Fprintf(&buf, "// Layout of the Erfcx tables; see ops/internal/gen/erfcxcoef.\nconst (\n")
	fmt.Fprintf(&buf, "\terfcxLowExp = %d // tables cover [2^erfcxLowExp, 2^erfcxHighExp)\n", lowExp)
	fmt.Fprintf(&buf, "\terfcxHighExp = %d\n", highExp)
	fmt.Fprintf(&buf, "\terfcxLogM = %d // 2^erfcxLogM subintervals per binade\n", logM)
	fmt.Fprintf(&buf, "\terfcxDeg = %d // degree of every polynomial\n)\n\n", deg)
	fmt.Fprintf(&buf, "// erfcxSmall holds the coefficients, lowest first, of erfcx(x) on\n// [0, 2^erfcxLowExp] as a polynomial in t = x·2^(1-erfcxLowExp) - 1.\n")
	fmt.Fprintf(&buf, "var erfcxSmall = [erfcxDeg + 1]float64{%s}\n\n", list(small[:]))
	fmt.Fprintf(&buf, "// erfcxTab[i] holds the coefficients, lowest first, of erfcx on the i-th\n// subinterval [a, b) as a polynomial in t = 2(x-a)/(b-a) - 1.\n")
	fmt.Fprintf(&buf, "var erfcxTab = [%d][erfcxDeg + 1]float64{\n", len(tab))
	for i := range tab {
		fmt.Fprintf(&buf, "\t{%s}, // [%v, %v)\n", list(tab[i][:]), bounds[i][0], bounds[i][1])
	}
	fmt.Fprintf(&buf, "}\n")
	src, err := format.Source(buf.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func list(c []float64) string {
	var b []byte
	for j, v := range c {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return string(b)
}
