package main

import (
	"fmt"
	"math"
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
		xv := v.vec()
		e.load(Mem{Base: p[1]}, xv)
		e.load(tanhOf(v, e, c, floor, xv), Mem{Base: p[0]})
	})
}

// sumTanhRow emits
//
//	func sumTanhRow<ISA><T>(dst, a, b []T)
//
// which stores dst[n] = tanh(a[n] + b[n]) (the tanh of tanhRow; BP's
// cavity means) for n below len(a) rounded down to a multiple of the
// vector width.
func sumTanhRow(v isa, e elem, c *consts) {
	name := fmt.Sprintf("sumTanhRow%s%s", v.name, e.suffix)
	doc := fmt.Sprintf("%s stores tanh(a[n] + b[n]) in dst[n] with %s for whole vectors of a (see sumTanhRow in the generator).", name, v.name)
	floor := v.vec()
	rowKernel(v, e, name, doc, []string{"dst", "a", "b"}, func() {
		e.load(c.val(e.expm1Floor), floor)
	}, func(p []GPVirtual) {
		xv := v.vec()
		e.load(Mem{Base: p[1]}, xv)
		e.add(Mem{Base: p[2]}, xv, xv)
		e.load(tanhOf(v, e, c, floor, xv), Mem{Base: p[0]})
	})
}

// mulAddRow emits
//
//	func mulAddRow<ISA><T>(dst, a, b []T)
//
// which adds a[n]·b[n] to dst[n] (one rounding: a fused multiply-add) for
// n below len(a) rounded down to a multiple of the vector width.
func mulAddRow(v isa, e elem, _ *consts) {
	name := fmt.Sprintf("mulAddRow%s%s", v.name, e.suffix)
	doc := fmt.Sprintf("%s adds a[n]·b[n] to dst[n] with %s for whole vectors of a (see mulAddRow in the generator).", name, v.name)
	rowKernel(v, e, name, doc, []string{"dst", "a", "b"}, func() {}, func(p []GPVirtual) {
		av, d := v.vec(), v.vec()
		e.load(Mem{Base: p[1]}, av)
		e.load(Mem{Base: p[0]}, d)
		e.fma231(Mem{Base: p[2]}, av, d)
		e.load(d, Mem{Base: p[0]})
	})
}

// tanhOf returns tanh(xv) in a new register (see tanhRow); xv is
// clobbered, floor holds expm1Floor.
func tanhOf(v isa, e elem, c *consts, floor, xv VecVirtual) VecVirtual {
	y := v.vec()
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
	return t
}

// cavityMag emits
//
//	func cavMagRow<ISA><T>(dst, m, g, x []T, h, psi, mk T)
//	func cavMagDownRow<ISA><T>(dst, m, g, x, b, bc []T, h, psi, mk T)
//
// the last pass of a BP layer over one row (k, i) of its cavities, for n
// below len(m) rounded down to a multiple of the vector width:
//
//	dst[n] = (ψ·m[n] + (1 − ψ)·tanh(h − g[n]·x[n]))·mk
//
// with the tanh of tanhRow, and in the Down form also the cavity downward
// field bc[n] = b[n] − m[n]·g[n], from the m before the update. dst may be
// m: each element of m is read before dst is written.
func cavityMag(v isa, e elem, c *consts, down bool) {
	kname, params := "cavMagRow", []string{"dst", "m", "g", "x"}
	if down {
		kname, params = "cavMagDownRow", append(params, "b", "bc")
	}
	name := kname + v.name + e.suffix
	doc := fmt.Sprintf("%s updates one row of BP cavity means with %s (see cavityMag in the generator).", name, v.name)
	floor, hv, psi, omp, mk := v.vec(), v.vec(), v.vec(), v.vec(), v.vec()
	rowKernelScalars(v, e, name, doc, params, []string{"h", "psi", "mk"}, func() {
		e.load(c.val(e.expm1Floor), floor)
		for _, s := range []struct {
			name string
			r    VecVirtual
		}{{"h", hv}, {"psi", psi}, {"mk", mk}} {
			broadcast(e, addr(Param(s.name)), s.r)
		}
		e.load(c.val(1), omp)
		e.sub(psi, omp, omp) // 1 − ψ
	}, func(p []GPVirtual) {
		gv, t := v.vec(), v.vec()
		e.load(Mem{Base: p[2]}, gv)
		if down {
			bc := v.vec()
			e.load(Mem{Base: p[4]}, bc)
			e.fnma231(Mem{Base: p[1]}, gv, bc)
			e.load(bc, Mem{Base: p[5]})
		}
		e.load(hv, t)
		e.fnma231(Mem{Base: p[3]}, gv, t) // h − g·x
		th := tanhOf(v, e, c, floor, t)
		e.mul(omp, th, th)
		e.fma231(Mem{Base: p[1]}, psi, th)
		e.mul(mk, th, th)
		e.load(th, Mem{Base: p[0]})
	})
}

// rowKernel emits the kernel func(params []T) named name: setup, then body
// once per whole vector of params[1], with the slices' base pointers (in
// the order of params) in registers that advance by a vector each time.
func rowKernel(v isa, e elem, name, doc string, params []string, setup func(), body func(p []GPVirtual)) {
	rowKernelScalars(v, e, name, doc, params, nil, setup, body)
}

// rowKernelScalars is rowKernel for func(params []T, scalars T).
func rowKernelScalars(v isa, e elem, name, doc string, params, scalars []string, setup func(), body func(p []GPVirtual)) {
	sig := fmt.Sprintf("%s []%s", strings.Join(params, ", "), e.name)
	if len(scalars) > 0 {
		sig += fmt.Sprintf(", %s %s", strings.Join(scalars, ", "), e.name)
	}
	TEXT(name, NOSPLIT, "func("+sig+")")
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
	rowLoop(v, e, name, p, n, body)
}

// rowLoop emits the loop of a row kernel and its return: body once per
// whole vector while n counts at least one, the pointers p advancing by a
// vector each time.
func rowLoop(v isa, e elem, name string, p []GPVirtual, n GPVirtual, body func(p []GPVirtual)) {
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
	coef := make([]float64, e.expm1Deg)
	for j := range coef {
		coef[j] = 1 / fact(j+1)
	}
	p := poly(v, e, c, coef, y)
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

// upFieldRow emits
//
//	func upFieldRow<ISA><T>(dst, omega, v []T)
//
// which stores dst[n] = atanh(erf(z))·sign(ω), z = |ω[n]|/√(2·v[n]) — the
// field Bup = atanh(2H(−ω/√V) − 1) of ops.UpField — for n below len(omega)
// rounded down to a multiple of the vector width. With P = erfc(z) =
// erfcx(z)·exp(−z²) (Weideman, exp by range reduction):
//
//	z < 5:  atanh(erf z) = ½·log1p(w),   w = 2·erf(z)/P,
//	z ≥ 5:  atanh(erf z) = ½·(z² + ln 2 − P/2 − log erfcx(z)),
//
// the second the first rewritten as ½·(log(2 − P) − log P), where
// log(2 − P) = ln 2 − P/2 to within P²/8 < 1e-24. erf(z) is its Taylor
// series below 0.5 (where 1 − P cancels) and 1 − P above. One logarithm
// per point serves both branches. NaN propagates; z = ∞ gives ±∞.
func upFieldRow(v isa, e elem, c *consts) {
	name := fmt.Sprintf("upFieldRow%s%s", v.name, e.suffix)
	doc := fmt.Sprintf("%s stores the upward field atanh(erf(|ω|/√(2V)))·sign(ω) with %s for whole vectors (see upFieldRow in the generator).", name, v.name)
	var regs pointRegs
	rowKernel(v, e, name, doc, []string{"dst", "omega", "v"}, func() {
		regs.one, regs.cL = pointConsts(v, e, c, 1)
	}, func(p []GPVirtual) {
		r := oddOfRatio(v, e, c, p[1], p[2], func(z VecVirtual) VecVirtual { return atanhErfPos(v, e, c, regs, z) })
		e.load(r, Mem{Base: p[0]})
	})
}

// atanhErfPos returns atanh(erf(z)) for z ≥ 0 (or NaN) in a new register
// (see upFieldRow); z is kept.
func atanhErfPos(v isa, e elem, c *consts, regs pointRegs, z VecVirtual) VecVirtual {
	zz, zc := v.vec(), v.vec()
	e.mul(z, z, zz)
	e.min(c.val(e.erfcxMax), z, zc) // erfcx's argument stays finite
	E := erfcxWeideman(v, e, c, regs, zc)
	nzz := v.vec()
	v.xor(c.raw(e.signBit), zz, nzz)
	P := expNeg(v, e, c, nzz)
	e.mul(E, P, P) // erfc(z)

	// erf(z): the series below 0.5, 1 − P above.
	s := v.vec()
	coef := erfSeries(e.erfTerms)
	e.load(c.val(coef[len(coef)-1]), s)
	for j := len(coef) - 2; j >= 0; j-- {
		e.fma213(c.val(coef[j]), zz, s)
	}
	e.mul(z, s, s)
	omP := v.vec()
	e.sub(P, regs.one, omP)
	small := cmpMask(v, e, 1, c.val(0.5), z) // z < 0.5
	small.blend(v, e, s, omP, s)
	w := v.vec()
	e.add(s, s, w)
	e.div(P, w, w) // w = 2·erf(z)/P
	u := v.vec()
	e.add(regs.one, w, u)
	big := cmpMask(v, e, 5, c.val(5), z) // not z < 5: z ≥ 5 or NaN
	arg := v.vec()
	big.blend(v, e, E, u, arg)
	L := logPos(v, e, c, arg)

	// z < 5: ½·(L + (w − (u − 1))/u), the rounding of 1 + w corrected.
	rs := v.vec()
	e.sub(regs.one, u, rs)
	e.sub(rs, w, rs)
	e.div(u, rs, rs)
	e.add(L, rs, rs)
	// z ≥ 5: ½·(z² + ln 2 − P/2 − L).
	rb := v.vec()
	e.load(c.val(math.Ln2), rb)
	e.fnma231(c.val(0.5), P, rb)
	e.sub(L, rb, rb)
	e.add(zz, rb, rb)
	big.blend(v, e, rb, rs, rs)
	e.mul(c.val(0.5), rs, rs)
	return rs
}

// erfSeries returns the coefficients of erf(z) = z·Σ_j c_j·z^(2j), j ≤ n:
// c_j = 2/√π·(−1)^j/(j!·(2j + 1)).
func erfSeries(n int) []float64 {
	cs := make([]float64, n+1)
	for j := range cs {
		cs[j] = 2 / math.SqrtPi * math.Pow(-1, float64(j)) / (fact(j) * float64(2*j+1))
	}
	return cs
}

// logPos returns log(u) for a positive normal u (or +Inf, NaN) in a new
// register: u = 2^k·m with m ∈ [√½, √2) from the bits, s = (m − 1)/(m + 1)
// and log m = 2s·Σ_j s^(2j)/(2j + 1), j ≤ logTerms (|s| ≤ 0.172).
func logPos(v isa, e elem, c *consts, u VecVirtual) VecVirtual {
	k, m := v.vec(), v.vec()
	e.psrlInt(U8(e.mantBits), u, k)
	magic := float64(uint64(1) << e.mantBits) // 2^mantBits: its low bits take the exponent field
	v.or(c.raw(bitsOf(e, magic)), k, k)
	e.sub(c.val(magic+float64(e.bias)), k, k) // the exponent, as a float
	v.and(c.raw(uint64(1)<<e.mantBits-1), u, m)
	v.or(c.raw(bitsOf(e, 1)), m, m) // m ∈ [1, 2)
	hi := cmpMask(v, e, 14, c.val(math.Sqrt2), m)
	mh, k1 := v.vec(), v.vec()
	e.mul(c.val(0.5), m, mh)
	e.add(c.val(1), k, k1)
	hi.blend(v, e, mh, m, m)
	hi.blend(v, e, k1, k, k)
	s, t := v.vec(), v.vec()
	e.sub(c.val(1), m, s)
	e.add(c.val(1), m, t)
	e.div(t, s, s)
	s2, p := v.vec(), v.vec()
	e.mul(s, s, s2)
	e.load(c.val(1/float64(2*e.logTerms+1)), p)
	for j := e.logTerms - 1; j >= 0; j-- {
		e.fma213(c.val(1/float64(2*j+1)), s2, p)
	}
	e.add(s, s, s)
	e.mul(s, p, p) // log m
	ln2hi, ln2lo := ln2Split(e)
	e.fma231(c.val(ln2lo), k, p)
	e.fma231(c.val(ln2hi), k, p)
	return p
}

// bitsOf returns the bits of x as a T.
func bitsOf(e elem, x float64) uint64 {
	if e.size == 8 {
		return math.Float64bits(x)
	}
	return uint64(math.Float32bits(float32(x)))
}

// mask is the result of a vector comparison: an opmask register (AVX-512)
// or a vector of all-ones and all-zeros lanes (AVX2).
type mask struct {
	k   Op
	vec VecVirtual
}

// cmpMask returns the lanes where a pred b (the VCMP predicate pred).
func cmpMask(v isa, e elem, pred uint8, b Op, a VecVirtual) mask {
	if v.wide {
		k := K()
		e.cmp(U8(pred), b, a, k)
		return mask{k: k}
	}
	m := v.vec()
	e.cmp(U8(pred), b, a, m)
	return mask{vec: m}
}

// blend sets dst = x where the mask is set and y elsewhere (y a register).
func (m mask) blend(v isa, e elem, x, y Op, dst VecVirtual) {
	if v.wide {
		e.blendm(x, y, m.k, dst)
		return
	}
	e.blendv(m.vec, x, y, dst)
}
