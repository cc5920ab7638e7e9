package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The kernels of the network's prediction (package mpnet, ALGORITHMS §12):
// the sparse products of the first layer and the Bayesian activation.

// predictKernels emits the prediction kernels of one level and type.
func predictKernels(v isa, e elem, c *consts) {
	for _, streams := range []int{1, 2} {
		sparseBlock(v, e, c, streams, false)
	}
	sparseBlock(v, e, c, 2, true)
	erfRatioRow(v, e, c)
	if v.wide && e.size == 8 {
		mismatchRows()
		pointKernels()
	}
}

// sparseBlock emits
//
//	func sparseBlock<S><ISA><T>(acc, base, w []T, stride, soff int, idx []int32, vals []T)
//
// which computes one block of sparseAccs/S vectors of the S products of a
// sparse vector with S matrices stored side by side, soff elements apart:
//
//	acc[s·soff + j] = base[s·soff + j] + Σ_t vals[t·S + s]·w[idx[t]·stride + s·soff + j]
//
// for s < S and j below the block width, the sum running over t in order
// (one fused multiply-add per term, so with weights ±1 and 0 every term is
// exact and each partial sum rounds once). The accumulators stay in
// registers; the inner loop only loads.
//
// With binary set (sparseBlockBin<ISA><T>), w holds only the means m of a
// layer of binary weights, whose variances are 1 − m² (ALGORITHMS §12.2):
// the second product takes w_1 = 1 − w_0·w_0 (rounded twice, as the
// network computes it) instead of loading it, which halves the weights
// read. Its block is binAccs(v)/2 vectors wide, and it prefetches the rows
// of the block sparsePrefetch entries ahead: the rows are scattered, and
// the arithmetic, not the loads, then bounds it.
func sparseBlock(v isa, e elem, c *consts, streams int, binary bool) {
	name := fmt.Sprintf("sparseBlock%d%s%s", streams, v.name, e.suffix)
	width := sparseAccs / streams
	if binary {
		name = fmt.Sprintf("sparseBlockBin%s%s", v.name, e.suffix)
		width = binAccs(v) / streams
	}
	TEXT(name, NOSPLIT, fmt.Sprintf("func(acc, base, w []%s, stride, soff int, idx []int32, vals []%s)", e.name, e.name))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s accumulates one block of %d sparse products with %s (see sparseBlock in the generator).", name, streams, v.name))
	acc, base, w, stride, soff, idx, n, vals := sparseParams("w", "soff")
	SHLQ(U8(log2(e.size)), stride)
	SHLQ(U8(log2(e.size)), soff)

	// Per stream: the accumulators and the offset of the stream.
	regs := make([][]VecVirtual, streams)
	for s := range regs {
		regs[s] = make([]VecVirtual, width)
		for j := range regs[s] {
			regs[s][j] = v.vec()
			e.load(streamMem(base, soff, s, j*v.bytes), regs[s][j])
		}
	}
	b := make([]VecVirtual, streams)
	for s := range b {
		b[s] = v.vec()
	}
	one := v.vec()
	if binary {
		e.load(c.val(1), one)
	}
	var prefetch func()
	if binary {
		prefetch = rowPrefetcher(idx, n, stride, w, width*v.bytes)
	}
	sparseLoop(name, n, idx, stride, w, vals, streams*e.size, func(row GPVirtual) {
		for s := range b {
			broadcast(e, Mem{Base: vals, Disp: s * e.size}, b[s])
		}
		switch {
		case binary:
			prefetch()
			for j := range width {
				m, sig := v.vec(), v.vec()
				e.load(Mem{Base: row, Disp: j * v.bytes}, m)
				e.fma231(m, b[0], regs[0][j])
				e.mul(m, m, sig)
				e.sub(sig, one, sig) // σ = 1 − m², rounded as Go rounds it
				e.fma231(sig, b[1], regs[1][j])
			}
		default:
			for s := range regs {
				for j, a := range regs[s] {
					e.fma231(streamMem(row, soff, s, j*v.bytes), b[s], a)
				}
			}
		}
	})
	for s := range regs {
		for j, a := range regs[s] {
			e.load(a, streamMem(acc, soff, s, j*v.bytes))
		}
	}
	VZEROUPPER()
	RET()
}

// sparseAccs is the number of vector accumulators of sparseBlock: a block
// is sparseAccs/streams vectors wide. The binary kernels, whose registers
// allow it, take binAccs(v).
const sparseAccs = 8

// binAccs is the number of vector accumulators of the binary kernels: 16
// with the 32 registers of AVX-512 (half the calls and row offsets per
// entry of 8), 8 with the 16 of AVX2.
func binAccs(v isa) int {
	if v.wide {
		return 16
	}
	return 8
}

// sparsePrefetch is how many entries ahead the binary kernels prefetch the
// rows of their block.
const sparsePrefetch = 4

// rowPrefetcher emits the set-up of a prefetch pointer into the n entries
// at idx and returns the code of one step: prefetch the bytes bytes (a
// multiple of 64) at w + idx[t + sparsePrefetch]·stride, the last entry's
// row near the end, and advance.
func rowPrefetcher(idx, n, stride, w GPVirtual, bytes int) func() {
	next, last := GP64(), GP64()
	LEAQ(Mem{Base: idx, Index: n, Scale: 4, Disp: -4}, last)
	LEAQ(Mem{Base: idx, Disp: 4 * sparsePrefetch}, next)
	return func() {
		CMPQ(next, last)
		CMOVQGT(last, next) // n = 0 never gets here
		r := GP64()
		MOVLQSX(Mem{Base: next}, r)
		IMULQ(stride, r)
		ADDQ(w, r)
		for off := 0; off < bytes; off += 64 {
			PREFETCHT0(Mem{Base: r, Disp: off})
		}
		ADDQ(U8(4), next)
	}
}

// sparseParams loads the parameters of a sparse kernel,
// func(acc, base, <w> []T, stride, <off> int, idx []int32, vals []T), into
// registers: the bases of the slices, the two ints and the length of idx.
func sparseParams(w, off string) (acc, base, wp, stride, offset, idx, n, vals GPVirtual) {
	acc, base, wp, stride, offset = GP64(), GP64(), GP64(), GP64(), GP64()
	idx, n, vals = GP64(), GP64(), GP64()
	Load(Param("acc").Base(), acc)
	Load(Param("base").Base(), base)
	Load(Param(w).Base(), wp)
	Load(Param("stride"), stride)
	Load(Param(off), offset)
	Load(Param("idx").Base(), idx)
	Load(Param("idx").Len(), n)
	Load(Param("vals").Base(), vals)
	return acc, base, wp, stride, offset, idx, n, vals
}

// sparseLoop emits the loop over the n entries of a sparse kernel: for
// each, row = w + idx[t]·stride (stride in bytes), then body(row); idx and
// vals (valBytes per entry) advance. It ends at the label name + "done".
func sparseLoop(name string, n, idx, stride, w, vals GPVirtual, valBytes int, body func(row GPVirtual)) {
	row := GP64()
	Label(name + "loop")
	TESTQ(n, n)
	JZ(LabelRef(name + "done"))
	MOVLQSX(Mem{Base: idx}, row)
	IMULQ(stride, row)
	ADDQ(w, row)
	body(row)
	ADDQ(U8(4), idx)
	ADDQ(U8(valBytes), vals)
	DECQ(n)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
}

// streamMem returns the address p + s·soff + disp (soff in bytes; s < 2).
func streamMem(p, soff GPVirtual, s, disp int) Mem {
	if s == 0 {
		return Mem{Base: p, Disp: disp}
	}
	return Mem{Base: p, Index: soff, Scale: 1, Disp: disp}
}

// broadcast loads the T at m into every element of dst.
func broadcast(e elem, m Mem, dst VecVirtual) {
	if e.size == 8 {
		VBROADCASTSD(m, dst)
		return
	}
	VBROADCASTSS(m, dst)
}

// erfRatioRow emits
//
//	func erfRatioRow<ISA><T>(xhat, delta, omega, v []T)
//
// which stores, for n below len(omega) rounded down to a multiple of the
// vector width, the Bayesian activation of ALGORITHMS §12.2 and its
// variance,
//
//	x̂[n] = erf(ω[n]/√(2·v[n])),   Δ[n] = 1 − x̂[n]²,
//
// with erf(z), z = |ω|/√(2v) ≥ 0, its Taylor series below 0.5 and
// 1 − erfcx(z)·exp(−z²) above (Weideman's erfcx, exp by range reduction),
// and the sign of ω put back. NaN propagates; ω = ±∞ or v = 0 give ±1.
func erfRatioRow(v isa, e elem, c *consts) {
	name := fmt.Sprintf("erfRatioRow%s%s", v.name, e.suffix)
	doc := fmt.Sprintf("%s stores x̂ = erf(ω/√(2v)) and Δ = 1 − x̂² with %s for whole vectors of ω (see erfRatioRow in the generator).", name, v.name)
	var regs pointRegs
	rowKernel(v, e, name, doc, []string{"xhat", "delta", "omega", "v"}, func() {
		regs.one, regs.cL = pointConsts(v, e, c, 1)
	}, func(p []GPVirtual) {
		r := oddOfRatio(v, e, c, p[2], p[3], func(z VecVirtual) VecVirtual { return erfPos(v, e, c, regs, z) })
		e.load(r, Mem{Base: p[0]})
		d := v.vec()
		e.load(regs.one, d)
		e.fnma231(r, r, d)
		e.load(d, Mem{Base: p[1]})
	})
}

// oddOfRatio returns f(|ω|/√(2V))·sign(ω) in a new register, for an odd
// function given by f on z ≥ 0 (or NaN), with ω and V the vectors at the
// addresses in omega and variance.
func oddOfRatio(v isa, e elem, c *consts, omega, variance GPVirtual, f func(z VecVirtual) VecVirtual) VecVirtual {
	z, ov := v.vec(), v.vec()
	e.load(Mem{Base: variance}, z)
	e.add(z, z, z)
	e.sqrt(z, z)
	e.load(Mem{Base: omega}, ov)
	v.and(c.raw(e.signBit-1), ov, ov)
	e.div(z, ov, z) // z = |ω|/√(2V)
	r := f(z)
	e.load(Mem{Base: omega}, ov)
	v.and(c.raw(e.signBit), ov, ov)
	v.or(ov, r, r)
	return r
}

// erfPos returns erf(z) for z ≥ 0 (or NaN, which it returns) in a new
// register; z is kept. Below 0.5 the odd Taylor series (erfTerms terms
// past the first), above 1 − P with P = erfc(z) = erfcx(z)·exp(−z²), whose
// relative error (that of erfcx and exp) becomes an absolute one below
// P < 0.48 on a result above 0.52. Both take z clamped to erfSat, where
// 1 − P already rounds to 1: exp(−z²) never becomes subnormal, which would
// cost the CPU's slow path for subnormal results.
func erfPos(v isa, e elem, c *consts, regs pointRegs, z VecVirtual) VecVirtual {
	zc, nzz := v.vec(), v.vec()
	e.min(c.val(erfSat(e)), z, zc)
	E := erfcxWeideman(v, e, c, regs, zc)
	e.mul(zc, zc, nzz)
	v.xor(c.raw(e.signBit), nzz, nzz)
	P := expNeg(v, e, c, nzz)
	e.mul(E, P, P)
	e.sub(P, regs.one, P) // 1 − erfc(z)
	coef := erfSeries(e.erfTerms)
	s, zz := v.vec(), v.vec()
	e.mul(z, z, zz)
	e.load(c.val(coef[len(coef)-1]), s)
	for j := len(coef) - 2; j >= 0; j-- {
		e.fma213(c.val(coef[j]), zz, s)
	}
	e.mul(z, s, s)
	small := cmpMask(v, e, 1, c.val(0.5), z) // z < 0.5
	small.blend(v, e, s, P, P)
	nan := cmpMask(v, e, 3, z, z) // unordered: z is NaN
	nan.blend(v, e, z, P, P)
	return P
}

// erfSat returns a z above which erf(z) rounds to 1 in e: erfc(6) = 2e-17
// is below half the spacing of float64 below 1 (5.6e-17), erfc(4.5) = 2e-10
// below that of float32 (3e-8).
func erfSat(e elem) float64 {
	if e.size == 8 {
		return 6
	}
	return 4.5
}

// mismatchRows emits
//
//	func mismatchRowsAVX512(out []int64, signs []uint8, a, neg, nz []uint64, words int, cnt []int64, dense bool)
//
// which counts, for each group of 8 rows of two bit matrices stored
// interleaved (neg[(g·words + j)·8 + u] is word j of row 8g + u, nz alike),
// the bits where a differs from a row of neg among those set in the row of
// nz: m[8g + u] = Σ_j popcount((a[j] ⊕ neg) ∧ nz). With signs empty it
// stores out[8g + u] = m[8g + u] for the len(out)/8 groups; otherwise it
// sets bit u of signs[g] where 2·m[8g + u] > cnt[8g + u] (for a ternary
// matrix whose rows have cnt non-zero entries, where the product with the
// ±1 vector whose −1 entries are the bits of a is negative), for the
// len(signs) groups. With dense, nz is read in the last word only: every
// other word of nz must be all ones (half the bytes). Four groups at a
// time share the broadcast words of a, then one at a time for the rest.
// AVX-512 with VPOPCNTQ (AVX512_VPOPCNTDQ) and DQ only.
func mismatchRows() {
	name := "mismatchRowsAVX512"
	TEXT(name, NOSPLIT, "func(out []int64, signs []uint8, a, neg, nz []uint64, words int, cnt []int64, dense bool)")
	Pragma("noescape")
	Doc(name + " counts the mismatches of a bit vector against groups of 8 interleaved bit rows, or stores the signs of the products, with AVX-512 VPOPCNTQ (see mismatchRows in the generator).")
	r := mismatchRegs{out: GP64(), groups: GP64(), a: GP64(), neg: GP64(), nz: GP64(), words: GP64(), gs: GP64(), cnt: GP64()}
	Load(Param("out").Base(), r.out)
	Load(Param("out").Len(), r.groups)
	SHRQ(U8(3), r.groups)
	CMPQ(addr(Param("signs").Len()), U8(0))
	JE(LabelRef(name + "counts"))
	Load(Param("signs").Base(), r.out)
	Load(Param("signs").Len(), r.groups)
	Label(name + "counts")
	Load(Param("a").Base(), r.a)
	Load(Param("neg").Base(), r.neg)
	Load(Param("nz").Base(), r.nz)
	Load(Param("cnt").Base(), r.cnt)
	Load(Param("words"), r.words)
	MOVQ(r.words, r.gs)
	SHLQ(U8(6), r.gs) // the bytes of a group of rows
	mismatchGroups(name+"4", 4, r)
	mismatchGroups(name+"1", 1, r)
	VZEROUPPER()
	RET()
}

// mismatchRegs are the registers of mismatchRows.
type mismatchRegs struct{ out, groups, a, neg, nz, words, gs, cnt GPVirtual }

// mismatchGroups emits the loop of mismatchRows over G groups at a time
// (G = 1 or 4), while that many remain.
func mismatchGroups(name string, G int, r mismatchRegs) {
	Label(name + "group")
	CMPQ(r.groups, U8(G))
	JL(LabelRef(name + "end"))
	m := &mismatchGroup{r: r, acc: make([]VecVirtual, G), p: []GPVirtual{GP64(), GP64()}, pn: []GPVirtual{GP64(), GP64()},
		j: GP64(), bc: ZMM()}
	for g := range m.acc {
		m.acc[g] = ZMM()
		VPXORQ(m.acc[g], m.acc[g], m.acc[g])
	}
	m.pointers(m.p, r.neg, 0)
	XORQ(m.j, m.j)
	CMPB(addr(Param("dense")), U8(0))
	JNE(LabelRef(name + "dense"))
	m.pointers(m.pn, r.nz, 0)
	JMP(LabelRef(name + "word"))
	Label(name + "dense")
	DECQ(r.words) // all but the last word without nz
	m.loop(name+"dword", false)
	INCQ(r.words)
	m.pointers(m.pn, r.nz, -64) // then the last word: gs − 64 bytes on
	ADDQ(r.gs, m.pn[0])
	if G > 1 {
		ADDQ(r.gs, m.pn[1])
	}
	m.loop(name+"word", true)
	for g, a := range m.acc {
		mismatchStore(fmt.Sprintf("%sstore%d", name, g), r, a)
		ADDQ(r.gs, r.neg)
		ADDQ(r.gs, r.nz)
	}
	SUBQ(U8(G), r.groups)
	JMP(LabelRef(name + "group"))
	Label(name + "end")
}

// mismatchGroup are the registers of one pass of mismatchGroups over
// len(acc) groups: group g's words at p[g%2] + (g/2)·2·gs, with p = neg,
// neg + gs (pn alike for nz), the word index j and the broadcast word bc.
type mismatchGroup struct {
	r     mismatchRegs
	acc   []VecVirtual
	p, pn []GPVirtual
	j     GPVirtual
	bc    VecVirtual
}

// pointers sets dst to base + disp and base + gs + disp.
func (m *mismatchGroup) pointers(dst []GPVirtual, base GPVirtual, disp int) {
	LEAQ(Mem{Base: base, Disp: disp}, dst[0])
	if len(m.acc) > 1 {
		LEAQ(Mem{Base: base, Index: m.r.gs, Scale: 1, Disp: disp}, dst[1])
	}
}

// at returns the address of group g's word in p or pn.
func (m *mismatchGroup) at(base []GPVirtual, g int) Mem {
	if g < 2 {
		return Mem{Base: base[g]}
	}
	return Mem{Base: base[g%2], Index: m.r.gs, Scale: 2}
}

// step adds the mismatches of word j, with nz or without.
func (m *mismatchGroup) step(withNZ bool) {
	G := len(m.acc)
	if G > 1 {
		VPBROADCASTQ(Mem{Base: m.r.a, Index: m.j, Scale: 8}, m.bc)
	}
	for g, a := range m.acc {
		t := ZMM()
		if G > 1 {
			VPXORQ(m.at(m.p, g), m.bc, t)
		} else { // the broadcast from memory
			VMOVDQU64(m.at(m.p, g), t)
			VPXORQ_BCST(Mem{Base: m.r.a, Index: m.j, Scale: 8}, t, t)
		}
		if withNZ {
			VPANDQ(m.at(m.pn, g), t, t)
		}
		VPOPCNTQ(t, t)
		VPADDQ(t, a, a)
	}
}

// loop emits the loop over the words from j on below words.
func (m *mismatchGroup) loop(label string, withNZ bool) {
	Label(label)
	CMPQ(m.j, m.r.words)
	JGE(LabelRef(label + "end"))
	m.step(withNZ)
	for u := range min(len(m.acc), 2) {
		ADDQ(U8(64), m.p[u])
		if withNZ {
			ADDQ(U8(64), m.pn[u])
		}
	}
	INCQ(m.j)
	JMP(LabelRef(label))
	Label(label + "end")
}

// mismatchStore emits the store of one group of mismatchRows: the counts,
// or the sign bits if there are signs.
func mismatchStore(label string, r mismatchRegs, acc VecVirtual) {
	CMPQ(addr(Param("signs").Len()), U8(0))
	JNE(LabelRef(label + "signs"))
	VMOVDQU64(acc, Mem{Base: r.out})
	ADDQ(U8(64), r.out)
	JMP(LabelRef(label + "done"))
	Label(label + "signs")
	k := K()
	VPADDQ(acc, acc, acc)
	VPCMPQ(U8(predIntGT), Mem{Base: r.cnt}, acc, k)
	KMOVB(k, Mem{Base: r.out})
	INCQ(r.out)
	Label(label + "done")
	ADDQ(U8(64), r.cnt)
}
