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
		signBlock(1)
		signBlock(2)
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
		regs.one, regs.cL = pointConsts(v, e, c)
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
//	func mismatchRows(out []int64, a, neg, nz []uint64, words int)
//
// which counts, for each group of 8 rows of two bit matrices stored
// interleaved (neg[(g·words + j)·8 + u] is word j of row 8g + u, nz alike),
// the bits where a differs from a row of neg among those set in the row of
// nz: out[8g + u] = Σ_j popcount((a[j] ⊕ neg) ∧ nz), for the len(out)/8
// groups. AVX-512 with VPOPCNTQ (AVX512_VPOPCNTDQ) only.
func mismatchRows() {
	name := "mismatchRowsAVX512"
	TEXT(name, NOSPLIT, "func(out []int64, a, neg, nz []uint64, words int)")
	Pragma("noescape")
	Doc(name + " counts the mismatches of a bit vector against groups of 8 interleaved bit rows with AVX-512 VPOPCNTQ (see mismatchRows in the generator).")
	out, groups, a, neg, nz, words := GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	Load(Param("out").Base(), out)
	Load(Param("out").Len(), groups)
	SHRQ(U8(3), groups)
	Load(Param("a").Base(), a)
	Load(Param("neg").Base(), neg)
	Load(Param("nz").Base(), nz)
	Load(Param("words"), words)
	Label(name + "group")
	TESTQ(groups, groups)
	JZ(LabelRef(name + "done"))
	acc, t, j := ZMM(), ZMM(), GP64()
	VPXORQ(acc, acc, acc)
	XORQ(j, j)
	Label(name + "word")
	CMPQ(j, words)
	JGE(LabelRef(name + "store"))
	VMOVDQU64(Mem{Base: neg}, t)
	VPXORQ_BCST(Mem{Base: a, Index: j, Scale: 8}, t, t)
	VPANDQ(Mem{Base: nz}, t, t)
	VPOPCNTQ(t, t)
	VPADDQ(t, acc, acc)
	ADDQ(U8(64), neg)
	ADDQ(U8(64), nz)
	INCQ(j)
	JMP(LabelRef(name + "word"))
	Label(name + "store")
	VMOVDQU64(acc, Mem{Base: out})
	ADDQ(U8(64), out)
	DECQ(groups)
	JMP(LabelRef(name + "group"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// signBlock emits
//
//	func signBlock<S>AVX512(acc, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64)
//
// the sparse product of sparseBlock for one matrix W with entries in
// {−1, 0, +1}, stored as bits: row i of Wᵀ is bits[i·stride:], one byte per
// 8 outputs, +1 entries in the first half and, for S = 2, −1 entries noff
// bytes further. It computes one block of 64 outputs,
//
//	S = 2:  acc[j] = base[j] + Σ_t (+vals[t] where W = +1, −vals[t] where W = −1),
//	S = 1:  acc[j] = base[j] + Σ_t vals[t] where W = +1,
//
// with merge-masked additions (each a rounding, none where W = 0): the
// one-sided form is for matrices without zeros, where W·x = 2·P − Σ x.
func signBlock(sides int) {
	name := fmt.Sprintf("signBlock%dAVX512", sides)
	TEXT(name, NOSPLIT, "func(acc, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s accumulates one block of a sparse product with a sign matrix stored as bits, %d-sided, with AVX-512 (see signBlock in the generator).", name, sides))
	const width = 8
	acc, base, bits, stride, noff, idx, n, vals := sparseParams("bits", "noff")
	regs := make([]VecVirtual, width)
	for j := range regs {
		regs[j] = ZMM()
		VMOVUPD(Mem{Base: base, Disp: j * 64}, regs[j])
	}
	d := ZMM()
	sparseLoop(name, n, idx, stride, bits, vals, 8, func(row GPVirtual) {
		VBROADCASTSD(Mem{Base: vals}, d)
		for j, a := range regs {
			k := K()
			KMOVB(Mem{Base: row, Disp: j}, k)
			VADDPD(d, a, k, a)
			if sides == 2 {
				kn := K()
				KMOVB(Mem{Base: row, Index: noff, Scale: 1, Disp: j}, kn)
				VSUBPD(d, a, kn, a)
			}
		}
	})
	for j, a := range regs {
		VMOVUPD(a, Mem{Base: acc, Disp: j * 64})
	}
	VZEROUPPER()
	RET()
}
