// Command _asm generates the amd64 micro-kernels of package gemm with avo.
//
// Run it through go generate in the gemm directory; it writes
// kernels_amd64.s and the Go declarations in kernels_amd64.go.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa describes one vector instruction set: its registers and width.
type isa struct {
	name  string
	bytes int                     // vector width in bytes
	reg   func(i int) VecPhysical // the i-th vector register
	zero  func(r VecPhysical)     // sets r to +0
}

var (
	avx512 = isa{name: "AVX512", bytes: 64, reg: zreg,
		zero: func(r VecPhysical) { VPXORD(r, r, r) }}
	avx2 = isa{name: "AVX2", bytes: 32, reg: yreg,
		zero: func(r VecPhysical) { VXORPS(r, r, r) }}
)

// elem describes a floating-point element type and its instructions.
type elem struct {
	name   string // Go type
	prefix string // kernel name prefix: d or s
	size   int
	bcast  func(...Op)
	load   func(...Op)
	store  func(...Op)
	fma    func(...Op) // acc += x*y
	mul    func(...Op) // dst = x*y
	loadGP func(...Op) // sign-less raw bits into a general register; ZF set for ±0
}

var (
	f64 = elem{name: "float64", prefix: "d", size: 8,
		bcast: VBROADCASTSD, load: VMOVUPD, store: VMOVUPD,
		fma: VFMADD231PD, mul: VMULPD, loadGP: func(o ...Op) {
			MOVQ(o[0], o[1])
			SHLQ(U8(1), o[1])
		}}
	f32 = elem{name: "float32", prefix: "s", size: 4,
		bcast: VBROADCASTSS, load: VMOVUPS, store: VMOVUPS,
		fma: VFMADD231PS, mul: VMULPS, loadGP: func(o ...Op) {
			r := o[1].(GPVirtual).As32()
			MOVL(o[0], r)
			SHLL(U8(1), r)
		}}
)

func zreg(i int) VecPhysical {
	return []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
		Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}[i]
}

func yreg(i int) VecPhysical {
	return []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}[i]
}

func main() {
	for _, rows := range []bool{false, true} {
		kernel(avx512, f64, 12, 2, rows)
		kernel(avx512, f32, 12, 2, rows)
		kernel(avx2, f64, 6, 2, rows)
		kernel(avx2, f32, 6, 2, rows)
		// For products with few columns (n ≤ 16 float32, 8 float64).
		kernel(avx512, f64, 16, 1, rows)
		kernel(avx512, f32, 16, 1, rows)
	}
	// Rows of B panels (2 vectors; 1 for the narrow kernels) and of A
	// panels (mr elements).
	for _, rowBytes := range []int{128, 96, 64, 48} {
		copier(avx512, rowBytes)
	}
	for _, rowBytes := range []int{64, 48, 24} {
		copier(avx2, rowBytes)
	}
	peak(avx512, f64)
	peak(avx512, f32)
	Generate()
}
