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
//	func <p>kern[Rows]<ISA>(kc int, a []T, lda int, b, c []T, ldc int, alpha, beta T)
//
// for an mr×(nv vectors) tile. b holds kc rows of nr = nv·lanes contiguous
// elements ldb apart (ldb = nr for packed panels, B's leading dimension
// for B as stored). Without rows, a holds kc columns of mr contiguous elements lda
// apart (packed panels have lda = mr, a transposed A its leading dimension);
// with rows, mr rows of kc contiguous elements lda apart (A as stored). With
// acc = Σ_p A[:,p]·B[p,:] (one fused multiply-add per p, p ascending) it
// stores c[i·ldc+j] = alpha·acc[i][j] + beta·c[i·ldc+j], and never reads c
// when beta is ±0. Accumulators use vector registers 0…mr·nv−1, the b row
// the next nv and the broadcast element the one after.
//
// A kernel of one vector per row (nv = 1) is named <p>kern[Rows]Narrow<ISA>.
func kernel(v isa, e elem, mr, nv int, rows bool) {
	layout, form, width := "columns of A", "", ""
	if rows {
		layout, form = "rows of A", "Rows"
	}
	if nv == 1 {
		width = "Narrow"
	}
	name := fmt.Sprintf("%skern%s%s%s", e.prefix, form, width, v.name)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(kc int, a []%s, lda int, b []%s, ldb int, c []%s, ldc int, alpha, beta %s)", e.name, e.name, e.name, e.name))
	Pragma("noescape")
	nr := nv * v.bytes / e.size
	Doc(fmt.Sprintf("%s computes one %d×%d tile of C with %s from contiguous %s.", name, mr, nr, v.name, layout))
	acc := func(i, j int) VecPhysical { return v.reg(i*nv + j) }
	bReg := func(j int) VecPhysical { return v.reg(mr*nv + j) }
	tmp := v.reg(mr*nv + nv)

	kc := Load(Param("kc"), GP64())
	var al aLayout
	if rows {
		al = newRowLayout(e, mr)
	} else {
		al = newColLayout(e, "a", "lda")
	}
	bl := newColLayout(e, "b", "ldb")
	c := Load(Param("c").Base(), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(log2(e.size)), ldc)
	prefetchC(c, ldc, mr, nr*e.size)
	for i := 0; i < mr; i++ {
		for j := 0; j < nv; j++ {
			v.zero(acc(i, j))
		}
	}

	step := func(p int) {
		for j := 0; j < nv; j++ {
			e.load(bl.addr(j*v.bytes/e.size, p), bReg(j))
		}
		for i := 0; i < mr; i++ {
			e.bcast(al.addr(i, p), tmp)
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
	al.advance(unroll)
	bl.advance(unroll)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_tail")
	ANDQ(U8(unroll-1), kc)
	JZ(LabelRef(name + "_store"))
	Label(name + "_tailloop")
	step(0)
	al.advance(1)
	bl.advance(1)
	DECQ(kc)
	JNZ(LabelRef(name + "_tailloop"))

	Label(name + "_store")
	store(v, e, name, mr, nv, acc, c, ldc)
	VZEROUPPER()
	RET()
}

// prefetchC warms the rows of the C tile while the products run.
func prefetchC(c, ldc Register, mr, rowBytes int) {
	cp := GP64()
	MOVQ(c, cp)
	for i := 0; i < mr; i++ {
		for off := 0; off < rowBytes; off += 64 {
			PREFETCHT0(Mem{Base: cp, Disp: off})
		}
		ADDQ(ldc, cp)
	}
}

// aLayout addresses the elements A[i, p] of the current unrolled step and
// moves on along p.
type aLayout interface {
	addr(i, p int) Mem // A[i, p], p < unroll, relative to the current column
	advance(steps int)
}

// colLayout is A[i,p] at a + p·s + i·size with s = lda·size: every column
// is contiguous. The unrolled columns are a, a+s, a+2s and a+3s.
type colLayout struct {
	size     int
	a, s, s3 Register
}

// newColLayout loads the slice and leading dimension parameters named.
func newColLayout(e elem, slice, ld string) *colLayout {
	l := &colLayout{size: e.size}
	l.a = Load(Param(slice).Base(), GP64())
	l.s = Load(Param(ld), GP64())
	SHLQ(U8(log2(e.size)), l.s)
	l.s3 = GP64()
	LEAQ(Mem{Base: l.s, Index: l.s, Scale: 2}, l.s3)
	return l
}

func (l *colLayout) addr(i, p int) Mem {
	return strided(Mem{Base: l.a, Disp: i * l.size}, l.s, l.s3, p)
}

// strided returns m moved by j (0 to 4) strides s, with s3 = 3s, in the
// scaled-index forms of the addressing modes.
func strided(m Mem, s, s3 Register, j int) Mem {
	switch j {
	case 1:
		m.Index, m.Scale = s, 1
	case 2:
		m.Index, m.Scale = s, 2
	case 3:
		m.Index, m.Scale = s3, 1
	case 4:
		m.Index, m.Scale = s, 4
	}
	return m
}

func (l *colLayout) advance(steps int) {
	if steps == 1 {
		ADDQ(l.s, l.a)
		return
	}
	LEAQ(Mem{Base: l.a, Index: l.s, Scale: byte(steps)}, l.a)
}

// rowLayout is A[i,p] at a + i·r + p·size with r = lda·size: every row is
// contiguous. Rows are reached in groups of five from bases a, a+5r, a+10r
// as base, base+r, base+2r, base+3r and base+4r.
type rowLayout struct {
	size  int
	bases []Register
	r, r3 Register
}

func newRowLayout(e elem, mr int) *rowLayout {
	l := &rowLayout{size: e.size}
	a := Load(Param("a").Base(), GP64())
	l.r = Load(Param("lda"), GP64())
	SHLQ(U8(log2(e.size)), l.r)
	l.r3 = GP64()
	LEAQ(Mem{Base: l.r, Index: l.r, Scale: 2}, l.r3)
	l.bases = []Register{a}
	for g := 1; g*5 < mr; g++ {
		next := GP64()
		LEAQ(Mem{Base: l.bases[g-1], Index: l.r, Scale: 4}, next)
		ADDQ(l.r, next)
		l.bases = append(l.bases, next)
	}
	return l
}

func (l *rowLayout) addr(i, p int) Mem {
	return strided(Mem{Base: l.bases[i/5], Disp: p * l.size}, l.r, l.r3, i%5)
}

func (l *rowLayout) advance(steps int) {
	for _, b := range l.bases {
		ADDQ(U8(steps*l.size), b)
	}
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

// copier emits func copy<rowBytes><ISA>(dst, src *byte, lds, rows int),
// which copies rows of rowBytes bytes from src, lds bytes apart, to
// consecutive rows at dst: the packing of panels that lie as rows in memory.
func copier(v isa, rowBytes int) {
	name := fmt.Sprintf("copy%d%s", rowBytes, v.name)
	TEXT(name, NOSPLIT, "func(dst, src *byte, lds, rows int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies rows of %d bytes, lds bytes apart at src, to consecutive rows at dst.", name, rowBytes))
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	lds := Load(Param("lds"), GP64())
	n := Load(Param("rows"), GP64())
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	Label(name + "_loop")
	// Widest moves first: zmm (AVX-512 only), ymm, xmm, then a general register.
	off, r := 0, 0
	for _, w := range []int{64, 32, 16, 8} {
		for ; w <= v.bytes && rowBytes-off >= w; off += w {
			var reg Op
			switch w {
			case 64:
				reg = zreg(r)
			case 32:
				reg = yreg(r)
			case 16:
				reg = []VecPhysical{X0, X1, X2, X3}[r]
			case 8:
				g := GP64()
				MOVQ(Mem{Base: src, Disp: off}, g)
				MOVQ(g, Mem{Base: dst, Disp: off})
				continue
			}
			VMOVUPS(Mem{Base: src, Disp: off}, reg)
			VMOVUPS(reg, Mem{Base: dst, Disp: off})
			r++
		}
	}
	if off != rowBytes {
		panic(fmt.Sprintf("%s: rows of %d bytes are not whole words", name, rowBytes))
	}
	ADDQ(lds, src)
	ADDQ(U32(rowBytes), dst)
	DECQ(n)
	JNZ(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}
