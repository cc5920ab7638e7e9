// Command vecasm generates the amd64 vector kernels of package ops with avo.
//
// Run it through go generate in the ops directory; it writes vec_amd64.s and
// the Go declarations in vec_stubs_amd64.go.
//
// Each kernel evaluates the sign-channel cavity output function g of the
// BPI contraction (ops/bpi_vec.go) on one row of the batch. Per point it
// costs one division for erfcx, one exp of a non-positive argument and one
// division for g, and no branch (see cavity.go).
package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa describes one vector instruction set.
type isa struct {
	name  string
	bytes int // vector width in bytes
	vec   func() VecVirtual
	wide  bool // AVX-512: opmask registers, VSCALEF, 32 registers

	and, or, xor func(...Op) // bitwise, on any element type
}

var (
	avx512 = isa{name: "AVX512", bytes: 64, vec: ZMM, wide: true, and: VPANDQ, or: VPORQ, xor: VPXORQ}
	avx2   = isa{name: "AVX2", bytes: 32, vec: YMM, and: VANDPS, or: VORPS, xor: VXORPS}
)

// elem describes a floating-point element type and its instructions.
type elem struct {
	name, suffix string // Go type; kernel name suffix
	size         int
	val          func(float64) Constant // a constant of this type
	bits         func(uint64) Constant  // an integer constant of this width
	signBit      uint64
	mantBits     int // explicit mantissa bits: the shift of the exponent field
	bias         uint64

	load, mul, add, sub, div, max                func(...Op)
	fma213, fma231, fnma231, cmp, blendm, blendv func(...Op)
	scalef, paddInt, psllInt, psrlInt            func(...Op)
	min, sqrt, testm                             func(...Op)
	erfcxN                                       int     // Weideman terms
	erfcxScale                                   float64 // factor of Weideman's L
	expDeg                                       int     // degree of exp's polynomial on |r| ≤ ln2/2
	expLimit                                     float64 // exp(x) is taken as 0 below (AVX2)
	expm1Deg                                     int     // Taylor degree of expm1 on |r| ≤ ln2/2
	expm1Floor                                   float64 // expm1(x) is −1 in T below
	erfTerms                                     int     // terms of erf's series on [0, 0.5), past the first
	logTerms                                     int     // terms of log's atanh series, past the first
	erfcxMax                                     float64 // upFieldRow clamps erfcx's argument here
	shifter                                      float64 // 1.5·2^mantBits: rounds to an integer
}

// The erfcx parameters were chosen by scanning the scale of L in steps of
// 0.05 for the least largest relative error of the fitted P (weideman) on
// t ∈ [0, 1e12] against erfcxRef: 19 terms at 1.15 give 5.6e-15 (18 about
// 3e-14, 20 about 2e-15; Weideman's own coefficients needed 30 terms for
// 1.7e-14), 8 terms at 1.05 give 1.4e-7, near the float32 rounding (14 of
// Weideman's gave 4e-8; both reach 3.6e-7 evaluated in float32). Fewer terms
// shorten the longest chain of the cavity kernels: 19 instead of 30 took
// about 30 % off the time per cavity point in float64. The fitted
// polynomials of exp (expCoef) reach 1.6e-15 at degree 10 and 1.9e-9 at 6,
// where Taylor's needed 11 for 8.8e-15 and 7 for 5e-9. TestWeidemanFit and
// TestExpCoef check the fits, ops.TestCavRowErfcx the kernels' erfcx
// against ops.GH. The degrees of expm1 bound the Taylor remainder,
// relative to expm1(r) ≈ r, by 5e-16 (12) and 2e-8 (7). Below −40
// (float64) and −20 (float32) expm1 is −1 to within half an ulp. The
// series of erf on [0, 0.5) stop below 5e-18 (12 terms) and 3e-8 (6) relative, those of log
// (in s², |s| ≤ 0.172) below 3e-17 (10) and 2e-9 (5).
var (
	f64 = elem{name: "float64", suffix: "F64", size: 8,
		val:     func(v float64) Constant { return F64(v) },
		bits:    func(v uint64) Constant { return U64(v) },
		signBit: 1 << 63, mantBits: 52, bias: 1023,
		load: VMOVUPD, mul: VMULPD, add: VADDPD, sub: VSUBPD, div: VDIVPD,
		max:    VMAXPD,
		fma213: VFMADD213PD, fma231: VFMADD231PD, fnma231: VFNMADD231PD,
		cmp: VCMPPD, blendm: VBLENDMPD, blendv: op4(VBLENDVPD),
		scalef: VSCALEFPD, paddInt: VPADDQ, psllInt: VPSLLQ, psrlInt: VPSRLQ, min: VMINPD, sqrt: VSQRTPD,
		testm:  VPTESTMQ,
		erfcxN: 19, erfcxScale: 1.15, expDeg: 10, expLimit: -708, shifter: 0x1.8p52,
		expm1Deg: 12, expm1Floor: -40, erfTerms: 12, logTerms: 10, erfcxMax: 1e150}
	f32 = elem{name: "float32", suffix: "F32", size: 4,
		val:     func(v float64) Constant { return F32(float32(v)) },
		bits:    func(v uint64) Constant { return U32(uint32(v)) },
		signBit: 1 << 31, mantBits: 23, bias: 127,
		load: VMOVUPS, mul: VMULPS, add: VADDPS, sub: VSUBPS, div: VDIVPS,
		max:    VMAXPS,
		fma213: VFMADD213PS, fma231: VFMADD231PS, fnma231: VFNMADD231PS,
		cmp: VCMPPS, blendm: VBLENDMPS, blendv: op4(VBLENDVPS),
		scalef: VSCALEFPS, paddInt: VPADDD, psllInt: VPSLLD, psrlInt: VPSRLD, min: VMINPS, sqrt: VSQRTPS,
		testm:  VPTESTMD,
		erfcxN: 8, erfcxScale: 1.05, expDeg: 6, expLimit: -87, shifter: 0x1.8p23,
		expm1Deg: 7, expm1Floor: -20, erfTerms: 6, logTerms: 5, erfcxMax: 1e18}
)

func main() {
	for _, v := range []isa{avx512, avx2} {
		for _, e := range []elem{f64, f32} {
			c := newConsts(v, e, fmt.Sprintf("cavConst%s%s", v.name, e.suffix))
			cavityRow(v, e, c)
			cavityG(v, e, c)
			cavityGAcc(v, e, c)
			cavityMag(v, e, c, false)
			cavityMag(v, e, c, true)
			sumTanhRow(v, e, c)
			mulAddRow(v, e, c)
			tanhRow(v, e, c)
			upFieldRow(v, e, c)
			predictKernels(v, e, c)
			elementKernels(v, e, c)
			bpiPrepRow(v, e, c)
		}
	}
	Generate()
}

// lanes is the number of elements in one vector.
func (v isa) lanes(e elem) int { return v.bytes / e.size }

// consts is a table of constants that every instruction can take as a
// memory operand: each repeated over a whole vector (AVX2), or stored once
// and read with embedded broadcast (AVX-512, see bcast.go).
type consts struct {
	v    isa
	e    elem
	mem  Mem
	off  *int // shared with the views of as
	seen map[string]int
}

func newConsts(v isa, e elem, name string) *consts {
	return &consts{v: v, e: e, mem: GLOBL(name, RODATA|NOPTR), off: new(int), seen: map[string]int{}}
}

// as returns a view of c that stores constants of element type e in the
// same table: for kernels that compute in another precision than their
// element type.
func (c *consts) as(e elem) *consts {
	d := *c
	d.e = e
	return &d
}

// val returns the memory operand of the float constant x.
func (c *consts) val(x float64) Mem {
	return c.put(math.Float64bits(x), func() Constant { return c.e.val(x) }, "f")
}

// raw returns the memory operand of the integer constant b.
func (c *consts) raw(b uint64) Mem {
	return c.put(b, func() Constant { return c.e.bits(b) }, "i")
}

func (c *consts) put(key uint64, k func() Constant, kind string) Mem {
	id := fmt.Sprintf("%s%d:%016x", kind, c.e.size, key)
	if off, ok := c.seen[id]; ok {
		return c.mem.Offset(off)
	}
	if c.v.wide { // see bcast.go
		off := (*c.off + c.e.size - 1) / c.e.size * c.e.size // aligned
		c.seen[id] = off
		*c.off = off + c.e.size
		return putBcast(c.mem, off, c.e.size, k())
	}
	off := *c.off
	for i := 0; i < c.v.lanes(c.e); i++ {
		DATA(off+i*c.e.size, k())
	}
	c.seen[id] = off
	*c.off += c.v.bytes
	return c.mem.Offset(off)
}

// op4 adapts a four-operand instruction to the variadic form of the others.
func op4(f func(a, b, c, d Op)) func(...Op) {
	return func(o ...Op) { f(o[0], o[1], o[2], o[3]) }
}
