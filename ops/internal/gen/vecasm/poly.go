package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// recip writes 1/d to r. With AVX-512 in float64 it refines VRCP14PD's
// estimate r₀ (relative error ε < 2⁻¹⁴) by r = r₀·(1 + ε)·(1 + ε²) with
// ε = 1 − d·r₀, whose error is ε⁴ < 2⁻⁵⁶ before rounding: four
// multiply-adds instead of a division, whose unit accepts one AVX-512
// division per 16 cycles. Elsewhere it divides.
func recip(v isa, e elem, c *consts, one, d, r VecVirtual) {
	if !v.wide || e.size != 8 {
		e.div(d, one, r)
		return
	}
	eps, s := v.vec(), v.vec()
	VRCP14PD(d, r)
	e.load(c.val(1), eps)
	VFNMADD231PD(d, r, eps) // ε = 1 − d·r₀
	e.mul(eps, eps, s)      // ε²
	e.fma231(eps, r, r)     // r₁ = r₀·(1 + ε)
	e.fma231(s, r, r)       // r₁·(1 + ε²)
}

// expNeg returns exp(x) for x ≤ 0 in a new register (x is clobbered):
// x = n·ln 2 + r with |r| ≤ ln2/2, exp(r) by the minimax polynomial of
// degree expDeg (expCoef), and 2ⁿ by VSCALEF (AVX-512) or by building the exponent bits
// (AVX2, where results below exp(expLimit) are flushed to 0).
func expNeg(v isa, e elem, c *consts, x VecVirtual) VecVirtual {
	var keep VecVirtual
	if v.wide {
		e.max(c.val(-1000*float64(e.size)/8), x, x) // keeps −Inf away from the rounding
	} else {
		keep = v.vec()
		e.cmp(U8(13), c.val(e.expLimit), x, keep) // x ≥ limit
		e.max(c.val(e.expLimit), x, x)
	}
	k, nf := reduceLn2(v, e, c, x)
	p := poly(v, e, c, expCoef(e.expDeg), x)
	if v.wide {
		e.scalef(nf, p, p)
		return p
	}
	e.paddInt(c.raw(e.bias), k, k)
	e.psllInt(U8(e.mantBits), k, k)
	e.mul(k, p, p)
	v.and(keep, p, p)
	return p
}

// poly returns Σ_j coef[j]·z^j in a new register. With AVX-512 it splits
// the polynomial into four (AVX2: two) interleaved ones in z⁴ (z²), each
// by Horner's rule, and joins them with z and z²: the same multiply-adds,
// and a few more, in chains a quarter (half) as long. Those chains, not
// the FMA ports, bound the cavity kernels.
func poly(v isa, e elem, c *consts, coef []float64, z VecVirtual) VecVirtual {
	ways := 2
	if v.wide {
		ways = 4
	}
	for ways > 1 && len(coef) < 2*ways {
		ways /= 2
	}
	pw := []VecVirtual{z} // z, z², z⁴
	for w := 2; w <= ways; w *= 2 {
		sq := v.vec()
		e.mul(pw[len(pw)-1], pw[len(pw)-1], sq)
		pw = append(pw, sq)
	}
	y := pw[len(pw)-1]
	// sub[r] = Σ_i coef[i·ways + r]·yⁱ, the chains advanced together.
	sub := make([]VecVirtual, ways)
	terms := func(r int) int { return (len(coef) - r + ways - 1) / ways }
	for i := terms(0) - 1; i >= 0; i-- {
		for r := range sub {
			switch {
			case i == terms(r)-1:
				sub[r] = v.vec()
				e.load(c.val(coef[i*ways+r]), sub[r])
			case i < terms(r)-1:
				e.fma213(c.val(coef[i*ways+r]), y, sub[r])
			}
		}
	}
	// Join pairs: sub[r] + z^(2^level)·sub[r + 2^level].
	for level := 0; len(sub) > 1; level++ {
		next := make([]VecVirtual, len(sub)/2)
		for r := range next {
			e.fma231(pw[level], sub[2*r+1], sub[2*r])
			next[r] = sub[2*r]
		}
		sub = next
	}
	return sub[0]
}

// reduceLn2 writes x = n·ln 2 + r as r in x and returns n as a float (nf)
// and as shifter + n (k), whose low mantissa bits hold n as an integer.
func reduceLn2(v isa, e elem, c *consts, x VecVirtual) (k, nf VecVirtual) {
	k, nf = v.vec(), v.vec()
	e.load(c.val(e.shifter), k)
	e.fma231(c.val(math.Log2E), x, k)
	e.sub(c.val(e.shifter), k, nf)
	ln2hi, ln2lo := ln2Split(e)
	e.fnma231(c.val(ln2hi), nf, x)
	e.fnma231(c.val(ln2lo), nf, x)
	return k, nf
}

// ln2Split returns ln 2 = hi + lo with hi holding few enough bits that
// n·hi is exact for the n the range reduction meets.
func ln2Split(e elem) (hi, lo float64) {
	if e.size == 8 {
		hi = math.Float64frombits(math.Float64bits(math.Ln2) &^ (1<<32 - 1))
		return hi, math.Ln2 - hi
	}
	hi = float64(math.Float32frombits(math.Float32bits(float32(math.Ln2)) &^ (1<<12 - 1)))
	return hi, math.Ln2 - hi
}
