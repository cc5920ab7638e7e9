package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

// Broadcast constants. Go's linker aligns a data symbol to at most 32
// bytes, so a table of 64-byte constants starts at 0 or at 32 modulo 64,
// depending on everything else linked into the binary; at 32, every
// AVX-512 instruction that reads a constant loads across two cache lines,
// which made the cavity kernels 20–30 % slower in one build than in the
// next. With AVX-512 the tables therefore hold each constant once, as a
// single element, and the instructions read it with embedded broadcast
// ({1to8}, {1to16}), whose element never crosses a line. The AVX2 tables
// keep whole 32-byte vectors, which the 32-byte alignment keeps inside one
// line.

func init() {
	avx512.and = bcBits(VPANDQ, VPANDD_BCST, VPANDQ_BCST)
	avx512.or = bcBits(VPORQ, VPORD_BCST, VPORQ_BCST)
	avx512.xor = bcBits(VPXORQ, VPXORD_BCST, VPXORQ_BCST)
	f64.broadcastForms(VBROADCASTSD, VMULPD_BCST, VADDPD_BCST, VSUBPD_BCST, VDIVPD_BCST, VMAXPD_BCST,
		VMINPD_BCST, VFMADD213PD_BCST, VFMADD231PD_BCST, VFNMADD231PD_BCST, VCMPPD_BCST, VBLENDMPD_BCST,
		VSCALEFPD_BCST, VPADDQ_BCST, VPTESTMQ_BCST)
	f32.broadcastForms(VBROADCASTSS, VMULPS_BCST, VADDPS_BCST, VSUBPS_BCST, VDIVPS_BCST, VMAXPS_BCST,
		VMINPS_BCST, VFMADD213PS_BCST, VFMADD231PS_BCST, VFNMADD231PS_BCST, VCMPPS_BCST, VBLENDMPS_BCST,
		VSCALEFPS_BCST, VPADDD_BCST, VPTESTMD_BCST)
}

// broadcastForms makes the instructions of e that may read a constant
// (load, mul, add, sub, div, max, min, fma213, fma231, fnma231, cmp,
// blendm, scalef, paddInt, testm, in this order) use the given forms when
// the constant is a broadcast one.
func (e *elem) broadcastForms(forms ...func(...Op)) {
	ins := []*func(...Op){&e.load, &e.mul, &e.add, &e.sub, &e.div, &e.max, &e.min, &e.fma213, &e.fma231,
		&e.fnma231, &e.cmp, &e.blendm, &e.scalef, &e.paddInt, &e.testm}
	if len(forms) != len(ins) {
		panic("broadcastForms: want one form per instruction")
	}
	for i, f := range ins {
		*f = bc(*f, forms[i])
	}
}

// bcastSize maps the memory operands of broadcast constants to their
// element size.
var bcastSize = map[Mem]int{}

// bcastOperand returns the element size of the broadcast constant among
// ops, or 0 if there is none.
func bcastOperand(ops []Op) int {
	for _, o := range ops {
		if m, ok := o.(Mem); ok && bcastSize[m] != 0 {
			return bcastSize[m]
		}
	}
	return 0
}

// bc returns an instruction that runs plain, or bcst when one of its
// operands is a broadcast constant.
func bc(plain, bcst func(...Op)) func(...Op) {
	return func(ops ...Op) {
		if bcastOperand(ops) != 0 {
			bcst(ops...)
			return
		}
		plain(ops...)
	}
}

// bcBits is bc for the bitwise instructions, whose broadcast forms come in
// 4-byte (d) and 8-byte (q) elements.
func bcBits(plain, d, q func(...Op)) func(...Op) {
	return func(ops ...Op) {
		switch bcastOperand(ops) {
		case 4:
			d(ops...)
		case 8:
			q(ops...)
		default:
			plain(ops...)
		}
	}
}

// putBcast stores the constant k once at offset off of the table mem and
// returns its operand.
func putBcast(mem Mem, off, size int, k Constant) Mem {
	DATA(off, k)
	m := mem.Offset(off)
	bcastSize[m] = size
	return m
}
