package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// cavState is what the first half of the evaluation of a vector of points
// (cavityFront) hands to the second (cavityBack): Weideman's Z and rd of
// weidemanZ, and the three factors of
//
//	g = nf/(sf·xw + wl),   sf = ±OM·f,  wl = w·lt,  nf = C1·f·lt,
//
// the cavity output function of cavityRow with erfcx(t) = xw/lt.
type cavState struct{ z, rd, sf, wl, nf VecVirtual }

// regs returns the registers of s.
func (s cavState) regs() []VecVirtual { return []VecVirtual{s.z, s.rd, s.sf, s.wl, s.nf} }

// cavityLoop emits the loop over the vectors of a row, one vector per
// iteration, both halves in turn. n counts the points left.
func cavityLoop(v isa, e elem, c *consts, r pointRegs, name string, ptrs []GPVirtual, n GPVirtual) {
	Label(name + "loop")
	CMPQ(n, U8(0))
	JLE(LabelRef(name + "done"))
	cavityBack(v, e, c, r, cavityFront(v, e, c, r))
	advance(v, e, ptrs, n, 1)
	JMP(LabelRef(name + "loop"))
}

// skewWidth is the number of vectors in each half of an iteration of
// cavitySkewed: with four, the kernels need more than 32 registers.
const skewWidth = 2

// cavitySkewed emits the loop over the vectors of a row software-pipelined:
// the iteration at vector j evaluates the second halves of vectors
// j … j+w−1 and the first halves of j+w … j+2w−1 (w = skewWidth), all
// interleaved in stages. The halves are independent, so the instructions
// the scheduler receives are mostly ready to run, where a loop over whole
// vectors feeds it one long chain of dependent operations (reciprocal,
// polynomial in Z, division) after another and fills it with waiting ones.
// The states of the first halves live in registers across the back edge.
// n counts the points left, a multiple of w vectors.
func cavitySkewed(v isa, e elem, c *consts, r pointRegs, name string, ptrs []GPVirtual, n GPVirtual) {
	const w = skewWidth
	at := func(j int) pointRegs { rj := r; rj.off = j * v.bytes; return rj }
	CMPQ(n, U8(0))
	JLE(LabelRef(name + "done"))
	st := make([]cavState, w)
	interleave(w, func(j int) { st[j] = cavityFront(v, e, c, at(j)) })
	Label(name + "loop")
	CMPQ(n, U32(w*v.lanes(e)))
	JLE(LabelRef(name + "last"))
	next := make([]cavState, w)
	interleave(2*w, func(j int) {
		if j < w {
			cavityBack(v, e, c, at(j), st[j])
		} else {
			next[j-w] = cavityFront(v, e, c, at(j))
		}
	})
	for j := range next {
		for i, reg := range next[j].regs() {
			e.load(reg, st[j].regs()[i]) // a register move, free at renaming
		}
	}
	advance(v, e, ptrs, n, w)
	JMP(LabelRef(name + "loop"))
	Label(name + "last")
	interleave(w, func(j int) { cavityBack(v, e, c, at(j), st[j]) })
}

// advance moves the row pointers on by k vectors and counts their points.
func advance(v isa, e elem, ptrs []GPVirtual, n GPVirtual, k int) {
	for _, p := range ptrs {
		ADDQ(U32(k*v.bytes), p)
	}
	SUBQ(U32(k*v.lanes(e)), n)
}

// cavityFront emits the first half of the evaluation of one vector of
// points, in stages separated by pause: the cavity pre-activation u' and
// Weideman's Z (whose reciprocal starts the longest chain), then the
// exponential, then the factors of g.
func cavityFront(v isa, e elem, c *consts, r pointRegs) cavState {
	u := cavityField(v, e, r)
	pause()
	sign := c.raw(e.signBit)
	a := v.vec()
	v.and(c.raw(e.signBit-1), u, a) // |u'| = √2·t
	z, lt, rd := weidemanZ(v, e, c, r, a)
	pause()
	y, ex := cavityExp(v, e, c, r, u)
	pause()
	p3 := GP64()
	LEAQ(Mem{Base: r.p, Index: r.stride, Scale: 2}, p3)
	ADDQ(r.stride, p3) // stream sOM
	f, w := v.vec(), v.vec()
	if v.wide {
		kpos := K()
		e.cmp(U8(14), c.val(0), y, kpos) // y > 0
		e.blendm(ex, r.one, kpos, f)
		e.blendm(r.one, ex, kpos, w)
	} else {
		e.blendv(y, r.one, ex, f) // y < 0 (sign set): f = 1
		e.blendv(y, ex, r.one, w)
	}
	// ±OM: the sign of u' on 1 − q.
	som := v.vec()
	v.and(sign, u, som)
	v.xor(Mem{Base: p3, Disp: r.off}, som, som)
	e.mul(f, som, som)
	e.mul(lt, w, w)
	e.mul(r.stream(sC1), f, f)
	e.mul(lt, f, f)
	pause()
	return cavState{z: z, rd: rd, sf: som, wl: w, nf: f}
}

// cavityBack emits the second half: erfcx's polynomial, g by one division,
// and its store or contractions (x̂ and m loaded again).
func cavityBack(v isa, e elem, c *consts, r pointRegs, s cavState) {
	xw := weidemanX(v, e, c, s.z, s.rd, math.Sqrt2) // erfcx(t) = xw/lt
	pause()
	e.fma213(s.wl, s.sf, xw) // den
	g := v.vec()
	e.div(xw, s.nf, g)
	pause()
	if r.g != nil {
		e.load(g, Mem{Base: r.g, Disp: r.off})
	}
	if r.h == nil {
		return
	}
	e.fma231(Mem{Base: r.x, Disp: r.off}, g, r.h)
	m := Op(r.m)
	if r.mp != nil {
		m = Mem{Base: r.mp, Disp: r.off}
	}
	acc := v.vec()
	e.load(Mem{Base: r.a, Disp: r.off}, acc)
	e.fma231(m, g, acc)
	e.load(acc, Mem{Base: r.a, Disp: r.off})
}

// cavityField returns the scaled cavity pre-activation
// u' = (m·x̂ − ω)·(sgn/s).
func cavityField(v isa, e elem, r pointRegs) VecVirtual {
	u := v.vec()
	e.load(Mem{Base: r.x, Disp: r.off}, u)
	if r.mp != nil {
		e.mul(Mem{Base: r.mp, Disp: r.off}, u, u)
	} else {
		e.mul(r.m, u, u)
	}
	e.sub(r.stream(sOmega), u, u)
	e.mul(r.stream(sSI), u, u) // u'
	return u
}
