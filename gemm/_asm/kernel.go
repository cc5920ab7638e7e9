package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// unroll is how many steps of the k loop one pass of the main loop does.
const unroll = 4

// kernel emits the micro-kernel
//
//	func <p>kern<ISA>(kc int, a, b, c []T, ldc int, alpha, beta T)
//
// for an mr×(nv vectors) tile. a holds kc columns of mr packed elements,
// b holds kc rows of nr = nv·lanes packed elements. With acc = Σ_p a_p b_pᵀ
// (one fused multiply-add per p, p ascending) it stores
// c[i·ldc+j] = alpha·acc[i][j] + beta·c[i·ldc+j], and never reads c when beta
// is ±0. Accumulators use registers 0…mr·nv−1, the b row the next nv, and
// the broadcast element the last ones.
func kernel(v isa, e elem, mr, nv int) {
	name := fmt.Sprintf("%skern%s", e.prefix, v.name)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(kc int, a, b, c []%s, ldc int, alpha, beta %s)", e.name, e.name))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes one %d×%d tile of C with %s.", name, mr, nv*v.bytes/e.size, v.name))
	nr := nv * v.bytes / e.size
	acc := func(i, j int) VecPhysical { return v.reg(i*nv + j) }
	bReg := func(j int) VecPhysical { return v.reg(mr*nv + j) }
	tmp := v.reg(mr*nv + nv)

	kc := Load(Param("kc"), GP64())
	a := Load(Param("a").Base(), GP64())
	b := Load(Param("b").Base(), GP64())
	c := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(log2(e.size)), ldc)

	// Warm the C tile while the products run.
	cp := GP64()
	MOVQ(c, cp)
	for i := 0; i < mr; i++ {
		for off := 0; off < nr*e.size; off += 64 {
			PREFETCHT0(Mem{Base: cp, Disp: off})
		}
		ADDQ(ldc, cp)
	}
	for i := 0; i < mr; i++ {
		for j := 0; j < nv; j++ {
			v.zero(acc(i, j))
		}
	}

	step := func(p int) {
		for j := 0; j < nv; j++ {
			e.load(Mem{Base: b, Disp: (p*nr + j*v.bytes/e.size) * e.size}, bReg(j))
		}
		for i := 0; i < mr; i++ {
			e.bcast(Mem{Base: a, Disp: (p*mr + i) * e.size}, tmp)
			for j := 0; j < nv; j++ {
				e.fma(bReg(j), tmp, acc(i, j))
			}
		}
	}
	n := GP64()
	MOVQ(kc, n)
	SHRQ(U8(log2(unroll)), n)
	JZ(LabelRef(name + "_tail"))
	Label(name + "_loop")
	for p := 0; p < unroll; p++ {
		step(p)
	}
	ADDQ(U32(unroll*mr*e.size), a)
	ADDQ(U32(unroll*nr*e.size), b)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_tail")
	ANDQ(U8(unroll-1), kc)
	JZ(LabelRef(name + "_store"))
	Label(name + "_tailloop")
	step(0)
	ADDQ(U32(mr*e.size), a)
	ADDQ(U32(nr*e.size), b)
	DECQ(kc)
	JNZ(LabelRef(name + "_tailloop"))

	Label(name + "_store")
	store(v, e, name, mr, nv, acc, c, ldc)
	VZEROUPPER()
	RET()
}

// store writes alpha·acc + beta·C, or alpha·acc when beta is ±0.
func store(v isa, e elem, name string, mr, nv int, acc func(i, j int) VecPhysical, c, ldc Register) {
	// The b row and broadcast registers are free by now.
	alpha := v.reg(mr * nv)
	beta := v.reg(mr*nv + 1)
	t := v.reg(mr*nv + 2)
	mustAddr := func(p string) Mem {
		r, err := Param(p).Resolve()
		if err != nil {
			panic(err)
		}
		return r.Addr
	}
	e.bcast(mustAddr("alpha"), alpha)
	bits := GP64()
	e.loadGP(mustAddr("beta"), bits)
	JZ(LabelRef(name + "_beta0"))
	e.bcast(mustAddr("beta"), beta)
	for i := 0; i < mr; i++ {
		for j := 0; j < nv; j++ {
			m := Mem{Base: c, Disp: j * v.bytes}
			e.mul(m, beta, t)
			e.fma(alpha, acc(i, j), t)
			e.store(t, m)
		}
		ADDQ(ldc, c)
	}
	VZEROUPPER()
	RET()

	Label(name + "_beta0")
	for i := 0; i < mr; i++ {
		for j := 0; j < nv; j++ {
			e.mul(alpha, acc(i, j), acc(i, j))
			e.store(acc(i, j), Mem{Base: c, Disp: j * v.bytes})
		}
		ADDQ(ldc, c)
	}
}

// peak emits func fmaPeak<ISA><T>(n int), n passes of 16 independent
// vector fused multiply-adds, to measure the machine's arithmetic peak.
func peak(v isa, e elem) {
	name := fmt.Sprintf("fmaPeak%s%s", v.name, e.prefix)
	TEXT(name, NOSPLIT, "func(n int)")
	Doc(fmt.Sprintf("%s runs n passes of 16 independent %s vector FMAs on %s.", name, v.name, e.name))
	n := Load(Param("n"), GP64())
	x, y := v.reg(30), v.reg(31)
	v.zero(x)
	v.zero(y)
	for i := 0; i < 16; i++ {
		v.zero(v.reg(i))
	}
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	for i := 0; i < 16; i++ {
		e.fma(x, y, v.reg(i))
	}
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

func log2(n int) int {
	r := 0
	for n > 1 {
		n >>= 1
		r++
	}
	return r
}
