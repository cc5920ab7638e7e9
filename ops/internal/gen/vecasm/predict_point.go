package main

import (
	"fmt"

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
	signInts(1)
	signInts(2)
	mismatchSigns(false)
	mismatchSigns(true)
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
//	func signInt<S>AVX512(neg, unsure []uint64, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64, scale, inv, e float64)
//
// one block of signWidth outputs of the quantised sign product: with the
// integers q[t] = vals[t]·scale truncated toward zero, and the bit matrix
// W stored as bits (row i of Wᵀ at bits[i·stride:], one bit per output,
// +1 entries, then for S = 2 the −1 entries noff bytes further), it sums
//
//	S = 2:  I[k] = Σ_t (+q[t] where W[k, idx[t]] = +1, −q[t] where −1),
//	S = 1:  I[k] = 2·Σ_t (q[t] where W = +1) − sum,   sum = Σ_t q[t],
//
// exactly in int32 (the caller keeps Σ|q| < 2^29), then
// g[k] = I[k]·inv + base[k] (one rounding) and sets bit k of neg where
// g[k] < 0 and of unsure where |g[k]| > e fails (NaN included).
func signInts(sides int) {
	name := fmt.Sprintf("signInt%dAVX512", sides)
	TEXT(name, NOSPLIT, "func(neg, unsure []uint64, base []float64, bits []uint8, stride, noff int, idx []int32, vals []float64, scale, inv, e float64)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s decides the signs of one block of a %d-sided quantised sign product with AVX-512 (see signInts in the generator).", name, sides))
	const accs = signWidth / 16
	bits, stride, noff, idx, n, vals, sum := GP64(), GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	Load(Param("bits").Base(), bits)
	Load(Param("stride"), stride)
	if sides == 2 {
		Load(Param("noff"), noff)
	}
	Load(Param("idx").Base(), idx)
	Load(Param("idx").Len(), n)
	Load(Param("vals").Base(), vals)
	XORQ(sum, sum)
	scale := XMM()
	VMOVSD(addr(Param("scale")), scale)
	regs := make([]VecVirtual, accs)
	for j := range regs {
		regs[j] = ZMM()
		VPXORD(regs[j], regs[j], regs[j])
	}
	d, row, qt, v := ZMM(), GP64(), GP64(), XMM()
	Label(name + "loop")
	TESTQ(n, n)
	JZ(LabelRef(name + "done"))
	MOVLQSX(Mem{Base: idx}, row)
	IMULQ(stride, row)
	ADDQ(bits, row)
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
	ADDQ(U8(4), idx)
	ADDQ(U8(8), vals)
	DECQ(n)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
	if sides == 1 {
		sv := ZMM()
		VPBROADCASTD(sum.As32(), sv)
		for _, a := range regs {
			VPADDD(a, a, a)
			VPSUBD(sv, a, a)
		}
	}
	signDecide(regs)
	VZEROUPPER()
	RET()
}

// signDecide converts the int32 sums of signInts to g = I·inv + base and
// stores the bits of g < 0 and of !(|g| > e), 16 outputs (two bytes) per
// accumulator.
func signDecide(regs []VecVirtual) {
	negp, unp, base := GP64(), GP64(), GP64()
	Load(Param("neg").Base(), negp)
	Load(Param("unsure").Base(), unp)
	Load(Param("base").Base(), base)
	inv, e, ne, zero := ZMM(), ZMM(), ZMM(), ZMM()
	VBROADCASTSD(addr(Param("inv")), inv)
	VBROADCASTSD(addr(Param("e")), e)
	VPXORQ(zero, zero, zero)
	VSUBPD(e, zero, ne) // −e
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

// mismatchSigns emits
//
//	func mismatchSigns<Dense>AVX512(out []uint8, a, neg, nz []uint64, words int, cnt []int64)
//
// the signs of the products of a ±1 vector (its −1 entries the bits of a)
// with the rows of a ternary matrix stored as mismatchRows reads them: bit
// u of out[g] is set where 2·Σ_j popcount((a[j] ⊕ neg) ∧ nz) > cnt[8g + u]
// (the row's number of non-zero entries), that is where the product is
// negative, for the len(out) groups. The dense kernel reads nz in the last
// word only: every other word of nz must be all ones. AVX-512 with
// VPOPCNTQ.
func mismatchSigns(dense bool) {
	name := "mismatchSignsAVX512"
	if dense {
		name = "mismatchSignsDenseAVX512"
	}
	TEXT(name, NOSPLIT, "func(out []uint8, a, neg, nz []uint64, words int, cnt []int64)")
	Pragma("noescape")
	Doc(name + " stores the signs of the products of a ±1 bit vector with groups of 8 interleaved ternary bit rows with AVX-512 VPOPCNTQ (see mismatchSigns in the generator).")
	cnt := GP64()
	Load(Param("cnt").Base(), cnt)
	mismatchLoop(name, 0, dense, func(out GPVirtual, acc VecVirtual) {
		k := K()
		VPADDQ(acc, acc, acc)
		VPCMPQ(U8(predIntGT), Mem{Base: cnt}, acc, k)
		KMOVB(k, Mem{Base: out})
		ADDQ(U8(64), cnt)
		INCQ(out)
	})
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
	Load(Param("idx").Base(), idx)
	Load(Param("x").Base(), x)
	Load(Param("d").Base(), d)
	Load(Param("row").Base(), row)
	Load(Param("row").Len(), rem)
	XORQ(t, t)
	bv, abs, iv, eight, sx, sd := ZMM(), ZMM(), YMM(), YMM(), ZMM(), ZMM()
	VBROADCASTSD(addr(Param("b")), bv)
	VPTERNLOGQ(U8(0xff), abs, abs, abs)
	VPSRLQ(U8(1), abs, abs) // clears the sign bit
	lanes := GP64()
	MOVQ(U64(0x0706050403020100), lanes)
	VMOVQ(lanes, iv.AsX())
	VPMOVZXBD(iv.AsX(), iv) // 0, 1, …, 7
	MOVL(U32(8), lanes.As32())
	VPBROADCASTD(lanes.As32(), eight)
	VPXORQ(sx, sx, sx)
	VPXORQ(sd, sd, sd)
	all := K()
	KXNORW(all, all, all)
	step := func(m Op) {
		v, k := ZMM(), K()
		VMOVUPD_Z(Mem{Base: row}, m, v)
		VPCMPQ(U8(predIntNE), bv, v, m, k)
		foregroundStep(k, v, bv, abs, iv, sx, sd, idx, x, d, t)
	}
	Label(name + "loop")
	CMPQ(rem, U8(8))
	JL(LabelRef(name + "tail"))
	// The rows stream from memory: fetched 4 KiB ahead, the kernel ran
	// 3-4 times faster (10,000 rows of 784, L3 or DRAM).
	PREFETCHT0(Mem{Base: row, Disp: 4096})
	step(all)
	VPADDD(eight, iv, iv)
	ADDQ(U8(64), row)
	SUBQ(U8(8), rem)
	JMP(LabelRef(name + "loop"))
	Label(name + "tail")
	TESTQ(rem, rem)
	JZ(LabelRef(name + "done"))
	one, tail := GP64(), K()
	MOVL(U32(1), one.As32())
	SHLXL(rem.As32(), one.As32(), one.As32())
	DECL(one.As32())
	KMOVW(one.As32(), tail)
	step(tail)
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
	abs, s0, s1, t := ZMM(), ZMM(), ZMM(), ZMM()
	VPTERNLOGQ(U8(0xff), abs, abs, abs)
	VPSRLQ(U8(1), abs, abs)
	VPXORQ(s0, s0, s0)
	VPXORQ(s1, s1, s1)
	Label(name + "loop16")
	CMPQ(rem, U8(16))
	JL(LabelRef(name + "loop8"))
	VANDPD(Mem{Base: x}, abs, t)
	VADDPD(t, s0, s0)
	VANDPD(Mem{Base: x, Disp: 64}, abs, t)
	VADDPD(t, s1, s1)
	ADDQ(U8(128), x)
	SUBQ(U8(16), rem)
	JMP(LabelRef(name + "loop16"))
	Label(name + "loop8")
	CMPQ(rem, U8(8))
	JL(LabelRef(name + "tail"))
	VANDPD(Mem{Base: x}, abs, t)
	VADDPD(t, s0, s0)
	ADDQ(U8(64), x)
	SUBQ(U8(8), rem)
	Label(name + "tail")
	TESTQ(rem, rem)
	JZ(LabelRef(name + "done"))
	one, tail := GP64(), K()
	MOVL(U32(1), one.As32())
	SHLXL(rem.As32(), one.As32(), one.As32())
	DECL(one.As32())
	KMOVW(one.As32(), tail)
	VMOVUPD_Z(Mem{Base: x}, tail, t)
	VANDPD(t, abs, t)
	VADDPD(t, s1, s1)
	Label(name + "done")
	VADDPD(s1, s0, s0)
	Store(hsum(avx512, f64, s0), ReturnIndex(0))
	VZEROUPPER()
	RET()
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
