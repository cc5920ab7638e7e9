package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The kernels of the point-wise prediction (package mpnet, ALGORITHMS
// §12.1), AVX-512 only: the foreground of an input vector, the first
// layer's signs from integer sums, and the signs of a packed ±1 layer.

// pointKernels emits the point-wise prediction kernels.
func pointKernels() {
	foreground()
	absSum()
	signInts()
}

// Comparison predicates of VCMPPD and VPCMPQ.
const (
	predLT    = 0x11 // less than, ordered, quiet
	predNLT   = 0x15 // not less than, unordered true, quiet
	predNGT   = 0x1A // not greater than, unordered true, quiet
	predIntNE = 4    // integers not equal
	predIntGT = 6    // signed integers greater than
)

// signWidth is the number of outputs of one block of signInts: 16 vectors
// of 16 int32 accumulators.
const signWidth = 256

// signInts emits
//
//	func signIntsAVX512(neg, unsure []uint64, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64, scale, inv, e float64)
//
// one block of signWidth outputs of the quantised sign product: with the
// integers q[t] = vals[t]·scale truncated toward zero, and the bit matrix
// W stored as bits (row i of Wᵀ at bits[i·stride:], one bit per output,
// +1 entries, then unless noff = 0 the −1 entries noff bytes further), it
// sums
//
//	noff > 0:  I[k] = Σ_t (+q[t] where W[k, idx[t]] = +1, −q[t] where −1),
//	noff = 0:  I[k] = 2·Σ_t (q[t] where W = +1) − Σ_t q[t]   (no zeros in W),
//
// exactly in int32 (the caller keeps Σ|q| < 2^29), then
// g[k] = I[k]·inv + base[k] (one rounding) and sets bit k of neg where
// g[k] < 0 and of unsure where |g[k]| > e fails (NaN included).
func signInts() {
	name := "signIntsAVX512"
	TEXT(name, NOSPLIT, "func(neg, unsure []uint64, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64, scale, inv, e float64)")
	Pragma("noescape")
	Doc(name + " decides the signs of one block of a quantised sign product with AVX-512 (see signInts in the generator).")
	bits, stride, noff, idx, n, vals, sum := GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	XORQ(sum, sum)
	Load(Param("bits").Base(), bits)
	Load(Param("stride"), stride)
	Load(Param("noff"), noff)
	scale := XMM()
	VMOVSD(addr(Param("scale")), scale)
	Load(Param("idx").Base(), idx)
	Load(Param("idx").Len(), n)
	Load(Param("vals").Base(), vals)
	regs := make([]VecVirtual, signWidth/16)
	for j := range regs {
		regs[j] = ZMM()
		VPBROADCASTD(sum.As32(), regs[j]) // 0
	}
	d, qt, v := ZMM(), GP64(), XMM()
	body := func(sides int) func(row GPVirtual) {
		return func(row GPVirtual) {
			VMULSD(Mem{Base: vals}, scale, v)
			VCVTTSD2SI(v, qt.As32())
			ADDL(qt.As32(), sum.As32())
			VPBROADCASTD(qt.As32(), d)
			for j, a := range regs {
				k := K()
				KMOVW(Mem{Base: row, Disp: 2 * j}, k)
				VPADDD(d, a, k, a)
				if sides == 2 {
					kn := K()
					KMOVW(Mem{Base: row, Index: noff, Scale: 1, Disp: 2 * j}, kn)
					VPSUBD(d, a, kn, a)
				}
			}
		}
	}
	TESTQ(noff, noff)
	JNZ(LabelRef(name + "two"))
	sparseLoop(name+"one", n, idx, stride, bits, vals, 8, body(1))
	sv := ZMM()
	VPBROADCASTD(sum.As32(), sv)
	for _, a := range regs {
		VPADDD(a, a, a)
		VPSUBD(sv, a, a)
	}
	JMP(LabelRef(name + "decide"))
	Label(name + "two")
	sparseLoop(name+"two", n, idx, stride, bits, vals, 8, body(2))
	Label(name + "decide")
	signDecide(regs)
	VZEROUPPER()
	RET()
}

// signDecide converts the int32 sums of signInts to g = I·inv + base and
// stores the bits of g < 0 and of !(|g| > e), 16 outputs (two bytes) per
// accumulator.
func signDecide(regs []VecVirtual) {
	inv, e, ne, zero := ZMM(), ZMM(), ZMM(), ZMM()
	VBROADCASTSD(addr(Param("e")), e)
	VPXORQ(zero, zero, zero)
	VSUBPD(e, zero, ne) // −e
	VBROADCASTSD(addr(Param("inv")), inv)
	negp, unp, base := GP64(), GP64(), GP64()
	Load(Param("neg").Base(), negp)
	Load(Param("unsure").Base(), unp)
	Load(Param("base").Base(), base)
	for j, a := range regs {
		var kneg, kun [2]Op
		for h := range 2 {
			src := a.AsY()
			if h == 1 {
				src = YMM()
				VEXTRACTI64X4(U8(1), a, src)
			}
			g := ZMM()
			VCVTDQ2PD(src, g)
			VFMADD213PD(Mem{Base: base, Disp: (16*j + 8*h) * 8}, inv, g)
			kn, k1, k2 := K(), K(), K()
			VCMPPD(U8(predLT), zero, g, kn)
			VCMPPD(U8(predNGT), e, g, k1)
			VCMPPD(U8(predNLT), ne, g, k1, k2)
			kneg[h], kun[h] = kn, k2
		}
		for _, st := range []struct {
			k [2]Op
			p GPVirtual
		}{{kneg, negp}, {kun, unp}} {
			w := K()
			KUNPCKBW(st.k[0], st.k[1], w)
			KMOVW(w, Mem{Base: st.p, Disp: 2 * j})
		}
	}
}

// foreground emits
//
//	func foregroundAVX512(idx []int32, x, d, row []float64, b float64) (n int, absX, absD float64)
//
// which stores the entries of row whose bits differ from those of b (−0
// against 0 differs), in order: their indices in idx, their values in x and
// x − b in d, and returns their number and the sums of |x| and |x − b|
// over them (in an order of its own). It stores whole vectors: idx, x and
// d need 8 entries of room past the last one kept.
func foreground() {
	name := "foregroundAVX512"
	TEXT(name, NOSPLIT, "func(idx []int32, x, d, row []float64, b float64) (n int, absX, absD float64)")
	Pragma("noescape")
	Doc(name + " collects the entries of a vector that differ from a background value with AVX-512 compress (see foreground in the generator).")
	idx, x, d, row, rem, t := GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	bv, abs, iv, eight, sx, sd := ZMM(), ZMM(), YMM(), YMM(), ZMM(), ZMM()
	VBROADCASTSD(addr(Param("b")), bv)
	VPTERNLOGQ(U8(0xff), abs, abs, abs)
	VPSRLQ(U8(1), abs, abs) // clears the sign bit
	XORQ(t, t)
	Load(Param("idx").Base(), idx)
	Load(Param("x").Base(), x)
	Load(Param("d").Base(), d)
	Load(Param("row").Base(), row)
	Load(Param("row").Len(), rem)
	lanes := GP64()
	MOVQ(U64(0x0706050403020100), lanes)
	VMOVQ(lanes, iv.AsX())
	VPMOVZXBD(iv.AsX(), iv) // 0, 1, …, 7
	MOVL(U32(8), lanes.As32())
	VPBROADCASTD(lanes.As32(), eight)
	VPXORQ(sx, sx, sx)
	VPXORQ(sd, sd, sd)
	// The rows stream from memory: fetched 4 KiB ahead, the kernel ran
	// 3-4 times faster (10,000 rows of 784, L3 or DRAM).
	maskedLoop(name, row, rem, 4096, func(m Op) {
		v, k := ZMM(), K()
		VMOVUPD_Z(Mem{Base: row}, m, v)
		VPCMPQ(U8(predIntNE), bv, v, m, k)
		foregroundStep(k, v, bv, abs, iv, sx, sd, idx, x, d, t)
		VPADDD(eight, iv, iv)
	})
	Label(name + "done")
	Store(t, ReturnIndex(0))
	Store(hsum(avx512, f64, sx), ReturnIndex(1))
	Store(hsum(avx512, f64, sd), ReturnIndex(2))
	VZEROUPPER()
	RET()
}

// absSum emits
//
//	func absSumAVX512(x []float64) float64
//
// which returns Σ|x[t]|, rounded in an order of its own.
func absSum() {
	name := "absSumAVX512"
	TEXT(name, NOSPLIT, "func(x []float64) float64")
	Pragma("noescape")
	Doc(name + " sums the magnitudes of a vector with AVX-512 (see absSum in the generator).")
	x, rem := GP64(), GP64()
	Load(Param("x").Base(), x)
	Load(Param("x").Len(), rem)
	abs, sum := ZMM(), ZMM()
	VPTERNLOGQ(U8(0xff), abs, abs, abs)
	VPSRLQ(U8(1), abs, abs)
	VPXORQ(sum, sum, sum)
	maskedLoop(name, x, rem, 0, func(m Op) {
		t := ZMM()
		VMOVUPD_Z(Mem{Base: x}, m, t)
		VANDPD(t, abs, t)
		VADDPD(t, sum, sum)
	})
	Label(name + "done")
	Store(hsum(avx512, f64, sum), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// maskedLoop emits the loop of a kernel over the rem float64 at p, 8 at a
// time: body(m) with m the mask of the lanes that hold values (all 8 but
// in the last step); with prefetch > 0, the line that many bytes ahead is
// fetched. It ends at the label name + "done".
func maskedLoop(name string, p, rem GPVirtual, prefetch int, body func(m Op)) {
	Label(name + "loop")
	CMPQ(rem, U8(0))
	JLE(LabelRef(name + "done"))
	if prefetch > 0 {
		PREFETCHT0(Mem{Base: p, Disp: prefetch})
	}
	lanes, m := GP64(), K()
	MOVL(U32(0xff), lanes.As32())
	CMPQ(rem, U8(8))
	JGE(LabelRef(name + "full"))
	MOVL(U32(1), lanes.As32()) // the rem < 8 lowest lanes
	SHLXL(rem.As32(), lanes.As32(), lanes.As32())
	DECL(lanes.As32())
	Label(name + "full")
	KMOVW(lanes.As32(), m)
	body(m)
	ADDQ(U8(64), p)
	SUBQ(U8(8), rem)
	JMP(LabelRef(name + "loop"))
}

// foregroundStep handles the 8 values v of foreground whose mask k marks
// the foreground: the sums, the compressed stores at entry t, t += |k|.
func foregroundStep(k Op, v, bv, abs VecVirtual, iv VecVirtual, sx, sd VecVirtual, idx, x, d, t GPVirtual) {
	dv, a, c := ZMM(), ZMM(), ZMM()
	VSUBPD_Z(bv, v, k, dv) // x − b, 0 off the foreground
	VANDPD_Z(abs, v, k, a)
	VADDPD(a, sx, sx)
	VANDPD(abs, dv, a)
	VADDPD(a, sd, sd)
	VCOMPRESSPD_Z(v, k, c)
	VMOVUPD(c, Mem{Base: x, Index: t, Scale: 8})
	VCOMPRESSPD_Z(dv, k, c)
	VMOVUPD(c, Mem{Base: d, Index: t, Scale: 8})
	ci := YMM()
	VPCOMPRESSD_Z(iv, k, ci)
	VMOVDQU32(ci, Mem{Base: idx, Index: t, Scale: 4})
	cnt := GP64()
	KMOVW(k, cnt.As32())
	POPCNTL(cnt.As32(), cnt.As32())
	ADDQ(cnt, t)
}
