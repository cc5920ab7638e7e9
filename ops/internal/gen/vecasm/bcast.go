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
