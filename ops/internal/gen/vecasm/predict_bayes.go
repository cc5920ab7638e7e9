package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Divisions and square roots without the divider, for the Bayesian
// activation of the prediction (erfRatioRow): on AVX-512 the divider, one
// zmm division or square root every 10–24 cycles, bounds a kernel whose
// every vector takes a square root and two divisions. VRCP14 and VRSQRT14
// give 14 bits, which each Newton step doubles: one step for float32,
// two for float64, within a few rounding errors of the correctly rounded
// results.

// newtonSteps is the number of Newton steps after a 14-bit estimate.
func newtonSteps(e elem) int {
	if e.size == 8 {
		return 2
	}
	return 1
}

// rcpDiv returns e with its division a/b (e.div(b, a, dst)) computed as a
// times the refined reciprocal of b: for finite non-zero b. AVX-512 only.
func rcpDiv(e elem, c *consts) elem {
	rcp := VRCP14PS
	if e.size == 8 {
		rcp = VRCP14PD
	}
	e.div = func(o ...Op) {
		b, a, dst := o[0], o[1], o[2].(VecVirtual)
		r, t := ZMM(), ZMM()
		rcp(b, r)
		for range newtonSteps(e) {
			e.load(c.val(1), t)
			e.fnma231(b, r, t) // 1 − b·r
			e.fma231(r, t, r)  // r + r·(1 − b·r)
		}
		e.mul(a, r, dst)
	}
	return e
}

// absRatioRsqrt returns |ω|/√(2V) in a new register from the vectors at
// omega and variance, by a refined VRSQRT14 of 2V. Where 2V is zero,
// subnormal or infinite (the estimate's Newton steps would give NaN or
// lose bits), the whole vector takes the square root and the division
// instead, after a branch (label name + "exact"). AVX-512 only.
func absRatioRsqrt(e elem, c *consts, name string, omega, variance GPVirtual) VecVirtual {
	rsqrt, class := VRSQRT14PS, VFPCLASSPSZ
	if e.size == 8 {
		rsqrt, class = VRSQRT14PD, VFPCLASSPDZ
	}
	x, y, h, t, a := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
	e.load(Mem{Base: variance}, x)
	e.add(x, x, x)
	special := K()
	class(U8(0x02|0x04|0x08|0x20), x, special) // ±0, +Inf, subnormal
	rsqrt(x, y)
	e.mul(c.val(0.5), x, h)
	for range newtonSteps(e) {
		e.mul(y, y, t)
		u := ZMM()
		e.load(c.val(0.5), u)
		e.fnma231(h, t, u) // 1/2 − x·y²/2
		e.fma231(y, u, y)  // y·(3/2 − x·y²/2)
	}
	e.load(Mem{Base: omega}, a)
	avx512.and(c.raw(e.signBit-1), a, a)
	e.mul(a, y, y)
	KORTESTW(special, special)
	JZ(LabelRef(name + "ratio"))
	e.sqrt(x, x)
	e.div(x, a, y)
	Label(name + "ratio")
	return y
}
