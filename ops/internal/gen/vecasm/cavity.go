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
// which, for n < len(x) (a multiple of the vector width times skewWidth),
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
// Cost per vector: erfcxN + expDeg + about 30 other instructions, one of
// them a division (float64 with AVX-512 takes 1/(L + t) from VRCP14PD and
// Newton, see recip). What bounds the kernels is less the FMA ports than
// the latency of the chain reciprocal → polynomial in Z → division, and
// the scheduler, which fills with operations waiting on it. Three things
// shorten or hide that chain: erfcx's P is fitted, not Weideman's own
// (weideman: 19 terms instead of 30 in float64, ~30 % less time per
// point); poly splits the polynomials into interleaved chains (~20 % in
// float64); and with AVX-512 the loop is software-pipelined
// (cavitySkewed: the second half of two vectors interleaved with the first
// half of the next two, 10–20 % less time per point in float64; Sapphire
// Rapids). Four vectors per stage leave too few registers.
func cavityRow(v isa, e elem, c *consts) {
	cavityKernel(v, e, c, cavKernel{name: "cavRow", params: "x, prep, acc []%[1]s, stride int, m %[1]s", ret: true,
		doc: "evaluates one row of the BPI cavity contraction", acc: true, broadcastM: true})
}

// cavityG emits
//
//	func cavGRow<ISA><T>(x, m, prep, g []T, stride int)
//
// which stores, for n < len(x) (a multiple of the vector width times
// skewWidth), g[n] = the cavity output function of cavityRow at m[n]·x[n]: the
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
	r.one, r.cL = pointConsts(v, e, c, math.Sqrt2)
	if k.acc {
		r.h = v.vec()
		v.xor(r.h, r.h, r.h)
	}
	if v.wide {
		cavitySkewed(v, e, c, r, name, ptrs, n)
	} else {
		cavityLoop(v, e, c, r, name, ptrs, n)
	}
	Label(name + "done")
	if k.ret {
		hs := hsum(v, e, r.h)
		if e.size == 8 {
			VMOVSD(hs, addr(ReturnIndex(0)))
		} else {
			VMOVSS(hs, addr(ReturnIndex(0)))
		}
	}
	VZEROUPPER()
	RET()
}

// pointConsts loads the constants 1 and k·L (L: Weideman's constant) into
// registers.
func pointConsts(v isa, e elem, c *consts, k float64) (one, cL VecVirtual) {
	one, cL = v.vec(), v.vec()
	e.load(c.val(1), one)
	_, L := weideman(e.erfcxN, e.erfcxScale)
	e.load(c.val(k*L), cL)
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
// through a register of its own in cavityFront.
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

// cavityExp returns y = (u'²/2 + (u' < 0 ? 0 : M2A)) + ln 2 and
// exp(−|y|), with a pause between them.
func cavityExp(v isa, e elem, c *consts, r pointRegs, u VecVirtual) (y, ex VecVirtual) {
	sign := c.raw(e.signBit)
	y = v.vec()
	e.load(r.stream(sM2A), y)
	if v.wide {
		kneg := K() // the sign bit of u', as in the AVX2 kernels
		e.testm(sign, u, kneg)
		e.blendm(c.val(0), y, kneg, y)
	} else {
		z := v.vec()
		v.xor(z, z, z)
		e.blendv(u, z, y, y) // the sign bit of u' picks 0
	}
	hu := v.vec()
	e.mul(c.val(0.5), u, hu)
	e.fma231(hu, u, y)
	e.add(c.val(math.Ln2), y, y)
	ny := v.vec()
	v.or(sign, y, ny) // −|y|
	pause()
	return y, expNeg(v, e, c, ny)
}

// erfcxWeideman returns erfcx(t) for t ≥ 0 in a new register:
// r = 1/(L + t), Z = (L − t)·r, E = r·(1/√π + 2r·P(Z)).
func erfcxWeideman(v isa, e elem, c *consts, regs pointRegs, t VecVirtual) VecVirtual {
	z, _, rr := weidemanZ(v, e, c, regs, t)
	x := weidemanX(v, e, c, z, rr, 1)
	e.mul(rr, x, x)
	return x
}

// weidemanZ returns, in new registers, Z = (L − t)/(L + t) = (kL − a)/d,
// d = k·(L + t) and 1/d for a = k·t ≥ 0 (regs.cL holds k·L). The scale k
// spares the cavity kernels the multiplication t = |u'|/√2.
func weidemanZ(v isa, e elem, c *consts, regs pointRegs, a VecVirtual) (z, d, rd VecVirtual) {
	z, d, rd = v.vec(), v.vec(), v.vec()
	e.add(regs.cL, a, d)
	recip(v, e, c, regs.one, d, rd)
	e.sub(a, regs.cL, z)
	e.mul(rd, z, z)
	return z, d, rd
}

// weidemanX returns x = k·(1/√π + 2r·P(Z)) in a new register, r = 1/(L + t),
// from Z and rd = 1/d of weidemanZ: erfcx(t) = x/d = x·rd.
func weidemanX(v isa, e elem, c *consts, z, rd VecVirtual, k float64) VecVirtual {
	coef, _ := weideman(e.erfcxN, e.erfcxScale)
	x := poly(v, e, c, coef, z)
	r2 := v.vec()
	if k == 1 {
		e.add(rd, rd, r2)
	} else {
		e.mul(c.val(2*k*k), rd, r2) // 2r·k = 2k²·rd
	}
	e.fma213(c.val(k/math.SqrtPi), r2, x)
	return x
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
