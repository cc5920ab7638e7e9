package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The kernels of this file repeat the scalar Go code of ops bit for bit:
// the element-wise updates (ops/elementwise.go) and the preparation of the
// sign channel's streams (ops/bpi_vec.go, bpiPrep). They perform the same
// IEEE operations on the same operands in the same order: no multiply-add
// is fused where Go multiplies and adds (Go on amd64 does not fuse at the
// default GOAMD64=v1), the operand Go writes first is the first source
// (which decides the payload when both operands are NaN), and where the
// float32 code computes in float64, so do the kernels, in float64 lanes:
// a conversion, a square root and a division are correctly rounded in both.
// Their tanh is that of tanhRow, which the Go code they replace called on
// the same whole vectors.

// ewKernel describes an element kernel of the form of ops.kernel,
//
//	func <name>Row<ISA><T>(dst []T, in [][]T, p []T)
//
// which stores dst[n] = f(in[0][n], …; p[0], …) for n below len(dst)
// rounded down to a multiple of the vector width.
type ewKernel struct {
	name, formula string
	arity, params int
	damp          bool // the setup computes 1 − p[0] (ewRegs.omp)
	body          func(v isa, e elem, c *consts, r ewRegs) VecVirtual
}

// ewRegs are the registers of an element kernel: the input pointers, the
// broadcast parameters, the constant 1, 1 − p[0] (damp) and tanh's floor.
type ewRegs struct {
	in              []GPVirtual
	p               []VecVirtual
	one, omp, floor VecVirtual
}

// at returns the memory operand of input i at the current vector.
func (r ewRegs) at(i int) Mem { return Mem{Base: r.in[i]} }

// load returns input i at the current vector in a new register.
func (r ewRegs) load(v isa, e elem, i int) VecVirtual {
	x := v.vec()
	e.load(r.at(i), x)
	return x
}

// ewKernels are the element kernels. Each formula is written in the order
// of the operands of the instructions Go 1.26 compiles the scalar code to
// (the first source first), which only matters for NaN payloads: where
// both operands of an operation are NaN, x86 returns the first.
var ewKernels = []ewKernel{
	{name: "square", formula: "x·x", arity: 1, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.mul(x, x, x)
		return x
	}},
	{name: "oneMinusSquare", formula: "1 − x·x", arity: 1, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.mul(x, x, x)
		e.sub(x, r.one, x)
		return x
	}},
	{name: "squarePlus", formula: "x·x + d", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.mul(x, x, x)
		e.add(r.at(1), x, x)
		return x
	}},
	{name: "mul", formula: "a·b", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.mul(r.at(1), x, x)
		return x
	}},
	{name: "variance", formula: "(a + b) + 1e-8", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.add(r.at(1), x, x)
		e.add(c.val(varianceFloor), x, x)
		return x
	}},
	{name: "binaryVariance", formula: "(1 − m·m)·mask", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.mul(x, x, x)
		e.sub(x, r.one, x)
		e.mul(r.at(1), x, x)
		return x
	}},
	{name: "field", formula: "hold·r + (hin + hext)", arity: 3, params: 1, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x, y := r.load(v, e, 0), r.load(v, e, 2)
		e.add(r.at(1), x, x)
		e.mul(r.p[0], y, y)
		e.add(x, y, y)
		return y
	}},
	{name: "damp", formula: "old·ψ + (1 − ψ)·new", arity: 2, params: 1, damp: true, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x, y := r.load(v, e, 0), v.vec()
		e.mul(r.p[0], x, x)
		e.mul(r.at(1), r.omp, y)
		e.add(y, x, x)
		return x
	}},
	{name: "gamma", formula: "g·(ω/V + g)", arity: 3, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		g, x := r.load(v, e, 0), r.load(v, e, 1)
		e.div(r.at(2), x, x)
		e.add(g, x, x)
		e.mul(x, g, x)
		return x
	}},
	{name: "dampedTanh", formula: "(m·ψ + (1 − ψ)·tanh(H))·mask", arity: 3, params: 1, damp: true, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		t := tanhOf(v, e, c, r.floor, r.load(v, e, 1))
		x := r.load(v, e, 0)
		e.mul(r.p[0], x, x)
		e.mul(t, r.omp, t)
		e.add(t, x, x)
		e.mul(r.at(2), x, x)
		return x
	}},
	{name: "maskedTanh", formula: "tanh(H)·mask", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		t := tanhOf(v, e, c, r.floor, r.load(v, e, 0))
		e.mul(r.at(1), t, t)
		return t
	}},
	{name: "tanhSum", formula: "tanh(a + b)", arity: 2, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		x := r.load(v, e, 0)
		e.add(r.at(1), x, x)
		return tanhOf(v, e, c, r.floor, x)
	}},
	// in: P1, P2, P3, P4, gold.
	{name: "ampOmega", formula: "(P1 − (P2 + P3)·g) + (g·g)·P4", arity: 5, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		g, x, y := r.load(v, e, 4), r.load(v, e, 0), r.load(v, e, 1)
		e.add(r.at(2), y, y)
		e.mul(g, y, y)
		e.sub(y, x, x)
		e.mul(g, g, g)
		e.mul(r.at(3), g, g)
		e.add(g, x, x)
		return x
	}},
	// in: Q1, Q2, Q3, Q4, a, b.
	{name: "ampField", formula: "(Q2·a + Q1) − ((Q4·a + Q3)·b)", arity: 6, body: func(v isa, e elem, c *consts, r ewRegs) VecVirtual {
		a, x, y := r.load(v, e, 4), r.load(v, e, 1), r.load(v, e, 3)
		e.mul(a, x, x)
		e.add(r.at(0), x, x)
		e.mul(a, y, y)
		e.add(r.at(2), y, y)
		e.mul(r.at(5), y, y)
		e.sub(y, x, x)
		return x
	}},
}

// varianceFloor is ops.VarianceFloor.
const varianceFloor = 1e-8

// elementKernels emits every kernel of ewKernels.
func elementKernels(v isa, e elem, c *consts) {
	for _, k := range ewKernels {
		elementKernel(v, e, c, k)
	}
}

// elementKernel emits the kernel k (see ewKernel).
func elementKernel(v isa, e elem, c *consts, k ewKernel) {
	name := k.name + "Row" + v.name + e.suffix
	TEXT(name, NOSPLIT, fmt.Sprintf("func(dst []%[1]s, in [][]%[1]s, p []%[1]s)", e.name))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s stores %s with %s for whole vectors of dst, as ops.%s does (see elementwise.go in the generator).", name, k.formula, v.name, k.name))
	dst, n, ins := GP64(), GP64(), GP64()
	Load(Param("dst").Base(), dst)
	Load(Param("dst").Len(), n)
	Load(Param("in").Base(), ins)
	r := ewRegs{in: make([]GPVirtual, k.arity), one: v.vec(), floor: v.vec()}
	for i := range r.in {
		r.in[i] = GP64()
		MOVQ(Mem{Base: ins, Disp: 24 * i}, r.in[i]) // the base of in[i]
	}
	if k.params > 0 {
		ps := GP64()
		Load(Param("p").Base(), ps)
		for i := 0; i < k.params; i++ {
			r.p = append(r.p, v.vec())
			broadcast(e, Mem{Base: ps, Disp: i * e.size}, r.p[i])
		}
	}
	e.load(c.val(1), r.one)
	e.load(c.val(e.expm1Floor), r.floor)
	if k.damp {
		r.omp = v.vec()
		e.sub(r.p[0], r.one, r.omp) // 1 − ψ, in T
	}
	rowLoop(v, e, name, append([]GPVirtual{dst}, r.in...), n, func(p []GPVirtual) {
		e.load(k.body(v, e, c, r), Mem{Base: p[0]})
	})
}

// bpiPrepRow emits
//
//	func bpiPrepRow<ISA><T>(row, btop, v []T, stride int)
//
// which writes, for n below len(btop) rounded down to a multiple of the
// vector width, the streams SI, C1, OM and M2A of one prepared row (ops
// bpiPrep; stream s at row[s·stride:]) from a = |Btop| (in T),
// t = tanh(a) (tanhRow's, in T) and, in float64,
//
//	OM  = 2t/(1 + t),   s = √V,   sgn = sign(Btop) (0 at ±0, Btop if NaN),
//	SI  = sgn/s,        C1 = ((sgn·√(2/π))·OM)/s,   M2A = −2·a (in T).
func bpiPrepRow(v isa, e elem, c *consts) {
	name := "bpiPrepRow" + v.name + e.suffix
	TEXT(name, NOSPLIT, fmt.Sprintf("func(row, btop, v []%s, stride int)", e.name))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s prepares one row of sign-channel streams with %s for whole vectors of btop, as ops.bpiPrep does (see bpiPrepRow in the generator).", name, v.name))
	row, bt, vp, n, sb, sb3 := GP64(), GP64(), GP64(), GP64(), GP64(), GP64()
	Load(Param("row").Base(), row)
	Load(Param("btop").Base(), bt)
	Load(Param("v").Base(), vp)
	Load(Param("btop").Len(), n)
	Load(Param("stride"), sb)
	SHLQ(U8(log2(e.size)), sb)
	LEAQ(Mem{Base: sb, Index: sb, Scale: 2}, sb3)
	stream := func(s, disp int) Mem {
		m := map[int]Mem{sSI: {Index: sb, Scale: 1}, sC1: {Index: sb, Scale: 2}, sOM: {Index: sb3, Scale: 1}, sM2A: {Index: sb, Scale: 4}}[s]
		m.Base, m.Disp = row, disp
		return m
	}
	d := c.as(f64)
	floor, one, zero := v.vec(), v.vec(), v.vec()
	e.load(c.val(e.expm1Floor), floor)
	f64.load(d.val(1), one)
	v.xor(zero, zero, zero)
	rowLoop(v, e, name, []GPVirtual{row, bt, vp}, n, func(p []GPVirtual) {
		a, m2a := v.vec(), v.vec()
		e.load(Mem{Base: p[1]}, a)
		v.and(c.raw(e.signBit-1), a, a) // |Btop|
		e.mul(c.val(-2), a, m2a)
		e.load(m2a, stream(sM2A, 0))
		t := tanhOf(v, e, c, floor, a)
		for h := 0; h < f64.size/e.size; h++ {
			disp := h * v.bytes / 2
			th, btd, vd := widen(v, e, t, nil, h), widen(v, e, nil, &Mem{Base: p[1], Disp: disp}, h), widen(v, e, nil, &Mem{Base: p[2], Disp: disp}, h)
			for s, x := range prepPoint(v, d, one, zero, th, btd, vd) {
				narrowStore(v, e, x, stream(sSI+s, disp))
			}
		}
	})
}

// prepPoint returns SI, C1 and OM of bpiPrepRow in float64 lanes from
// t = tanh|Btop|, Btop and V.
func prepPoint(v isa, d *consts, one, zero, t, bt, vv VecVirtual) [3]VecVirtual {
	om, den, s, sgn, si, c1 := v.vec(), v.vec(), v.vec(), v.vec(), v.vec(), v.vec()
	f64.add(t, t, om)    // 2t (Go's 2*t, exact either way)
	f64.add(t, one, den) // 1 + t
	f64.div(den, om, om)
	f64.sqrt(vv, s)
	v.and(d.raw(f64.signBit), bt, sgn)
	v.or(d.raw(math.Float64bits(1)), sgn, sgn)                 // ±1
	cmpMask(v, f64, 0, zero, bt).blend(v, f64, zero, sgn, sgn) // Btop = ±0: +0
	cmpMask(v, f64, 3, bt, bt).blend(v, f64, bt, sgn, sgn)     // NaN: Btop
	f64.div(s, sgn, si)
	f64.mul(d.val(math.Sqrt2/math.SqrtPi), sgn, c1)
	f64.mul(om, c1, c1)
	f64.div(s, c1, c1)
	return [3]VecVirtual{si, c1, om}
}

// widen returns half h of the vector of T in reg (or at mem) as float64
// lanes in a new register: the vector itself for float64.
func widen(v isa, e elem, reg VecVirtual, mem *Mem, h int) VecVirtual {
	x := v.vec()
	var src Op
	switch {
	case e.size == 8 && mem != nil:
		f64.load(*mem, x)
		return x
	case e.size == 8:
		return reg
	case mem != nil:
		src = *mem
	case h == 0 && v.wide:
		src = reg.AsY()
	case h == 0:
		src = reg.AsX()
	case v.wide:
		hi := v.vec()
		VEXTRACTF64X4(U8(1), reg, hi.AsY())
		src = hi.AsY()
	default:
		hi := v.vec()
		VEXTRACTF128(U8(1), reg, hi.AsX())
		src = hi.AsX()
	}
	VCVTPS2PD(src, x)
	return x
}

// narrowStore stores the float64 lanes x at m as T.
func narrowStore(v isa, e elem, x VecVirtual, m Mem) {
	if e.size == 8 {
		f64.load(x, m)
		return
	}
	y := v.vec()
	if v.wide {
		VCVTPD2PS(x, y.AsY())
		VMOVUPS(y.AsY(), m)
		return
	}
	VCVTPD2PSY(x, y.AsX())
	VMOVUPS(y.AsX(), m)
}
