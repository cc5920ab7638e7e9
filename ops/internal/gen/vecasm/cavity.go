package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/gotypes"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Prepared streams of one row k (ops/bpi_vec.go writes them, stride apart).
const (
	sOmega = iota // ω[k,n]
	sSI           // sign(Btop)/s
	sC1           // sign(Btop)·√(2/π)·(1 − q)/s
	sOM           // 1 − q
	sM2A          // −2|Btop|: the exponent offset for u' ≥ 0
	nStreams
)

// cavityRow emits
//
//	func cavRow<ISA><T>(x, prep, acc []T, stride int, m T) (h T)
//
// which, for n < len(x) (a multiple of the vector width times unroll),
// evaluates the cavity output function
//
//	u' = (m·x[n] − ω)·SI,   t = |u'|/√2,   E = erfcx(t) (Weideman form),
//	y  = (u'²/2 + (u' < 0 ? 0 : M2A)) + ln 2,   e = exp(−|y|),
//	f, w = (e, 1) if y > 0 else (1, e),
//	g  = C1·f / (sign(u')·OM·E·f + w)
//
// and accumulates acc[n] += m·g and h = Σ g·x[n]. Multiplying the
// numerator and the denominator of g = C1/(±OM·E + exp(y)) by exp(−y) when
// y > 0 keeps every exponential in (0, 1], so nothing overflows. M2A is
// exact (twice an input), and the fused multiply-add rounds u'²/2 − 2|Btop|
// once, so cancellation between the two costs no accuracy.
//
// Cost per vector: erfcxN + expDeg + about 30 other instructions, two of
// them divisions. The divisions stay: replacing them by VRCP14 and Newton
// steps measured 3–7 % slower (Sapphire Rapids, AVX-512). What bounds the
// kernels is the latency of the polynomials' chains of multiply-adds, which
// poly splits and AVX-512 interleaves over two vectors per iteration
// (splitting measured ~20 % less CPU time per point in float64, ~7 % in
// float32; four vectors per iteration instead of two measured slower).
func cavityRow(v isa, e elem, c *consts) {
	cavityKernel(v, e, c, cavKernel{name: "cavRow", params: "x, prep, acc []%[1]s, stride int, m %[1]s", ret: true,
		doc: "evaluates one row of the BPI cavity contraction", acc: true, broadcastM: true})
}

// cavityG emits
//
//	func cavGRow<ISA><T>(x, m, prep, g []T, stride int)
//
// which stores, for n < len(x) (a multiple of the vector width times
// unroll), g[n] = the cavity output function of cavityRow at m[n]·x[n]: the
// BP layer's cavity messages, whose weight mean differs per point.
func cavityG(v isa, e elem, c *consts) {
	cavityKernel(v, e, c, cavKernel{name: "cavGRow", params: "x, m, prep, g []%[1]s, stride int",
		doc: "evaluates one row of BP cavity output functions", store: true})
}

// cavityGAcc emits
//
//	func cavGAccRow<ISA><T>(x, m, prep, acc, g []T, stride int) (h T)
//
// the fused backward step of the BP layer: it stores g[n] as cavGRow does
// and, as cavRow does, accumulates acc[n] += m[n]·g[n] and returns
// h = Σ g[n]·x[n], so that the cavity messages are read by no other pass
// to form the downward field and Hin.
func cavityGAcc(v isa, e elem, c *consts) {
	cavityKernel(v, e, c, cavKernel{name: "cavGAccRow", params: "x, m, prep, acc, g []%[1]s, stride int", ret: true,
		doc: "evaluates one row of BP cavity output functions with their contractions", store: true, acc: true})
}

// cavKernel describes one cavity kernel: its name and Go parameters (with
// %[1]s for the element type), whether it returns h = Σ g·x and adds m·g to
// acc (acc), stores g (store), and takes one weight mean m for the row
// (broadcastM) or a row of them.
type cavKernel struct {
	name, params, doc string
	ret, acc, store   bool
	broadcastM        bool
}

// cavityKernel emits the kernel k (see cavityRow for the function).
func cavityKernel(v isa, e elem, c *consts, k cavKernel) {
	name := fmt.Sprintf("%s%s%s", k.name, v.name, e.suffix)
	sig := fmt.Sprintf("func("+k.params+")", e.name)
	if k.ret {
		sig += " " + e.name
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s %s with %s (see %s in the generator).", name, k.doc, v.name, k.name))
	unroll := v.unroll()
	r := pointRegs{x: GP64(), p: GP64(), stride: GP64()}
	ptrs := []GPVirtual{r.x, r.p}
	Load(Param("x").Base(), r.x)
	Load(Param("prep").Base(), r.p)
	if k.acc {
		r.a = GP64()
		Load(Param("acc").Base(), r.a)
		ptrs = append(ptrs, r.a)
	}
	if k.store {
		r.g = GP64()
		Load(Param("g").Base(), r.g)
		ptrs = append(ptrs, r.g)
	}
	if k.broadcastM {
		r.m = v.vec()
		broadcast(e, addr(Param("m")), r.m)
	} else {
		r.mp = GP64()
		Load(Param("m").Base(), r.mp)
		ptrs = append(ptrs, r.mp)
	}
	n := GP64()
	Load(Param("x").Len(), n)
	Load(Param("stride"), r.stride)
	SHLQ(U8(log2(e.size)), r.stride)
	r.one, r.cL = pointConsts(v, e, c)
	h := make([]VecVirtual, unroll)
	if k.acc {
		for j := range h {
			h[j] = v.vec()
			v.xor(h[j], h[j], h[j])
		}
	}
	step := v.bytes * unroll
	Label(name + "loop")
	CMPQ(n, U8(0))
	JLE(LabelRef(name + "done"))
	for j := 0; j < unroll; j++ {
		rj := r
		rj.off, rj.h = j*v.bytes, h[j]
		cavityPoint(v, e, c, rj)
	}
	for _, p := range ptrs {
		ADDQ(U32(step), p)
	}
	SUBQ(U32(v.lanes(e)*unroll), n)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
	if k.ret {
		for j := 1; j < unroll; j++ {
			e.add(h[j], h[0], h[0])
		}
		hs := hsum(v, e, h[0])
		if e.size == 8 {
			VMOVSD(hs, addr(ReturnIndex(0)))
		} else {
			VMOVSS(hs, addr(ReturnIndex(0)))
		}
	}
	VZEROUPPER()
	RET()
}

// unroll is the number of vectors one loop iteration evaluates: two with
// AVX-512, for the latency chains of the polynomials; AVX2 has too few
// registers for two.
func (v isa) unroll() int {
	if v.wide {
		return 2
	}
	return 1
}

// pointConsts loads the constants 1 and Weideman's L into registers.
func pointConsts(v isa, e elem, c *consts) (one, cL VecVirtual) {
	one, cL = v.vec(), v.vec()
	e.load(c.val(1), one)
	_, L := weideman(e.erfcxN, e.erfcxScale)
	e.load(c.val(L), cL)
	return one, cL
}

// pointRegs are the registers one vector of points works with: a broadcast
// weight m or a row of weights mp, the output row g (if stored), and the
// accumulator h and the row acc (a) of the contractions (if h is set).
type pointRegs struct {
	x, p, a, stride, mp, g GPVirtual
	off                    int
	m, one, cL, h          VecVirtual
}

// stream returns the memory operand of prepared stream s at the vector;
// stream 3 (sOM), at 3·stride, has no scaled-index form and is addressed
// through a register of its own in cavityPoint.
func (r pointRegs) stream(s int) Mem {
	switch s {
	case 0:
		return Mem{Base: r.p, Disp: r.off}
	case 1:
		return Mem{Base: r.p, Index: r.stride, Scale: 1, Disp: r.off}
	case 2:
		return Mem{Base: r.p, Index: r.stride, Scale: 2, Disp: r.off}
	case 4:
		return Mem{Base: r.p, Index: r.stride, Scale: 4, Disp: r.off}
	}
	panic(fmt.Sprintf("stream %d has no scaled-index address", s))
}

// cavityPoint emits the evaluation of one vector of points.
func cavityPoint(v isa, e elem, c *consts, r pointRegs) {
	xv, m, u := cavityField(v, e, r)
	sign := c.raw(e.signBit)
	t := v.vec()
	v.and(c.raw(e.signBit-1), u, t) // |u'|
	e.mul(c.val(1/math.Sqrt2), t, t)
	erf := erfcxWeideman(v, e, c, r, t)

	// y = (u'²/2 + (u' < 0 ? 0 : M2A)) + ln 2
	lp := v.vec()
	p3 := GP64()
	LEAQ(Mem{Base: r.p, Index: r.stride, Scale: 2}, p3)
	ADDQ(r.stride, p3) // stream sOM
	e.load(r.stream(sM2A), lp)
	zero := c.val(0)
	if v.wide {
		kneg := K() // the sign bit of u', as in the AVX2 kernels and for som below
		if e.size == 8 {
			VPTESTMQ(sign, u, kneg)
		} else {
			VPTESTMD(sign, u, kneg)
		}
		e.blendm(zero, lp, kneg, lp)
	} else {
		z := v.vec()
		v.xor(z, z, z)
		e.blendv(u, z, lp, lp) // the sign bit of u' picks 0
	}
	hu := v.vec()
	e.mul(c.val(0.5), u, hu)
	e.fma231(hu, u, lp)
	e.add(c.val(math.Ln2), lp, lp) // y
	y := lp
	ny := v.vec()
	v.or(sign, y, ny) // −|y|
	ex := expNeg(v, e, c, ny)

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
	e.mul(f, erf, erf)
	e.fma213(w, som, erf) // den
	e.mul(r.stream(sC1), f, f)
	e.div(erf, f, f) // g
	if r.g != nil {
		e.load(f, Mem{Base: r.g, Disp: r.off})
	}
	if r.h == nil {
		return
	}
	e.fma231(xv, f, r.h)
	acc := v.vec()
	e.load(Mem{Base: r.a, Disp: r.off}, acc)
	e.fma231(m, f, acc)
	e.load(acc, Mem{Base: r.a, Disp: r.off})
}

// cavityField loads x̂ (and m where it is a stream) and returns them with
// the scaled cavity pre-activation u' = (m·x̂ − ω)·(sgn/s).
func cavityField(v isa, e elem, r pointRegs) (xv, m, u VecVirtual) {
	xv, u = v.vec(), v.vec()
	e.load(Mem{Base: r.x, Disp: r.off}, xv)
	m = r.m
	switch {
	case r.mp != nil && r.h != nil: // m is needed again for acc
		m = v.vec()
		e.load(Mem{Base: r.mp, Disp: r.off}, m)
		e.mul(m, xv, u)
	case r.mp != nil:
		e.mul(Mem{Base: r.mp, Disp: r.off}, xv, u)
	default:
		e.mul(m, xv, u)
	}
	e.sub(r.stream(sOmega), u, u)
	e.mul(r.stream(sSI), u, u) // u'
	return xv, m, u
}

// erfcxWeideman returns erfcx(t) for t ≥ 0 in a new register:
// r = 1/(L + t), Z = (L − t)·r, E = r·(1/√π + 2r·P(Z)).
func erfcxWeideman(v isa, e elem, c *consts, regs pointRegs, t VecVirtual) VecVirtual {
	coef, _ := weideman(e.erfcxN, e.erfcxScale)
	d, rr, z := v.vec(), v.vec(), v.vec()
	e.add(regs.cL, t, d)
	e.div(d, regs.one, rr)
	e.sub(t, regs.cL, z)
	e.mul(rr, z, z)
	p := poly(v, e, c, coef, z)
	e.add(rr, rr, d)
	e.fma213(c.val(1/math.SqrtPi), d, p)
	e.mul(rr, p, p)
	return p
}

// expNeg returns exp(x) for x ≤ 0 in a new register (x is clobbered):
// x = n·ln 2 + r with |r| ≤ ln2/2, exp(r) by its Taylor polynomial of degree
// expDeg, and 2ⁿ by VSCALEF (AVX-512) or by building the exponent bits
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
	coef := make([]float64, e.expDeg+1)
	for j := range coef {
		coef[j] = 1 / fact(j)
	}
	p := poly(v, e, c, coef, x)
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

// addr returns the frame address of a parameter.
func addr(c gotypes.Component) Mem {
	b, err := c.Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

func fact(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

func log2(n int) uint8 {
	var k uint8
	for 1<<k < n {
		k++
	}
	return k
}

// hsum returns the sum of the elements of s in the low element of an X
// register.
func hsum(v isa, e elem, s VecVirtual) Register {
	y := s.AsY()
	if v.wide {
		hi := YMM()
		VEXTRACTF64X4(U8(1), s, hi)
		e.add(hi, y, hi)
		y = hi
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	e.add(x, y.(VecVirtual).AsX(), x)
	t := XMM()
	VPERMILPD(U8(1), x, t) // swap the two 64-bit halves
	e.add(t, x, x)
	if e.size == 4 {
		VMOVSHDUP(x, t)
		e.add(t, x, x)
	}
	return x
}
