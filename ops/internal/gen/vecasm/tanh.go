package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// tanhRow emits
//
//	func tanhRow<ISA><T>(dst, x []T)
//
// which stores dst[n] = tanh(x[n]) for n below len(x) rounded down to a
// multiple of the vector width (the caller finishes the tail). With
// a = |x| and t = expm1(−2a) ∈ [−1, 0],
//
//	tanh(x) = sign(x)·(−t)/(2 + t),
//
// which keeps the relative accuracy of tanh x ≈ x near 0 (expm1, not exp,
// so that 1 − e^(−2a) does not cancel) and never overflows. −2a is clamped
// at expm1Floor, where expm1 is −1 to the precision of T; NaN propagates.
// dst may be x.
func tanhRow(v isa, e elem, c *consts) {
	name := fmt.Sprintf("tanhRow%s%s", v.name, e.suffix)
	doc := fmt.Sprintf("%s stores tanh(x[n]) in dst[n] with %s for whole vectors of x (see tanhRow in the generator).", name, v.name)
	floor := v.vec()
	rowKernel(v, e, name, doc, []string{"dst", "x"}, func() {
		e.load(c.val(e.expm1Floor), floor)
	}, func(p []GPVirtual) {
		xv, y := v.vec(), v.vec()
		e.load(Mem{Base: p[1]}, xv)
		v.or(c.raw(e.signBit), xv, y) // −|x|
		e.add(y, y, y)                // −2|x|
		e.max(y, floor, y)            // NaN stays: VMAX returns its second source on NaN
		t := expm1Neg(v, e, c, y)
		den := v.vec()
		e.add(c.val(2), t, den)
		e.div(den, t, t)
		v.and(c.raw(e.signBit-1), t, t) // −t/(2 + t), +0 at x = ±0
		v.and(c.raw(e.signBit), xv, xv)
		v.or(xv, t, t)
		e.load(t, Mem{Base: p[0]})
	})
}

// rowKernel emits the kernel func(params []T) named name: setup, then body
// once per whole vector of params[1], with the slices' base pointers (in
// the order of params) in registers that advance by a vector each time.
func rowKernel(v isa, e elem, name, doc string, params []string, setup func(), body func(p []GPVirtual)) {
	TEXT(name, NOSPLIT, fmt.Sprintf("func(%s []%s)", strings.Join(params, ", "), e.name))
	Pragma("noescape")
	Doc(doc)
	p := make([]GPVirtual, len(params))
	for i, name := range params {
		p[i] = GP64()
		Load(Param(name).Base(), p[i])
	}
	n := GP64()
	Load(Param(params[1]).Len(), n)
	setup()
	Label(name + "loop")
	CMPQ(n, U32(v.lanes(e)))
	JL(LabelRef(name + "done"))
	body(p)
	for _, r := range p {
		ADDQ(U32(v.bytes), r)
	}
	SUBQ(U32(v.lanes(e)), n)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// expm1Neg returns expm1(y) for expm1Floor ≤ y ≤ 0 (or NaN) in a new
// register: y = k·ln 2 + r with |r| ≤ ln2/2, p = expm1(r) by its Taylor
// polynomial r·Σ r^j/(j+1)! of degree expm1Deg, and
//
//	expm1(y) = 2^k·p + (2^k − 1),
//
// where 2^k − 1 is exact (k ≥ −60) and, for k = 0, the sum is p itself.
// 2^k comes from VSCALEF (AVX-512) or from the exponent bits (AVX2); the
// floor keeps it a normal number.
func expm1Neg(v isa, e elem, c *consts, y VecVirtual) VecVirtual {
	k, nf := reduceLn2(v, e, c, y) // y = r
	p := v.vec()
	e.load(c.val(1/fact(e.expm1Deg)), p)
	for j := e.expm1Deg - 1; j >= 1; j-- {
		e.fma213(c.val(1/fact(j)), y, p)
	}
	e.mul(y, p, p) // expm1(r)
	s := v.vec()
	if v.wide {
		e.load(c.val(1), s)
		e.scalef(nf, s, s)
	} else {
		e.paddInt(c.raw(e.bias), k, k)
		e.psllInt(U8(e.mantBits), k, s)
	}
	sm1 := v.vec()
	e.sub(c.val(1), s, sm1)
	e.fma213(sm1, s, p) // 2^k·p + (2^k − 1)
	return p
}
