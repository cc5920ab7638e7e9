package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The BP layer (ALGORITHMS §7.1) keeps K×N×B cavity tensors, stored [K][N][B]
// with n fastest. A cavity input x̂cav may also be given as N×B: it is then
// the same for every k (the first layer's inputs, ALGORITHMS §7.7), which
// saves one K×N×B tensor. bpOp is one of the BP updates below.
type bpOp struct {
	output
	kind bpKind
	down bool // BPCavityBackward: also the downward field B

	prep64 []float64 // vector kernels: the prepared rows (bpiPrep)
	prep32 []float32
}

type bpKind int

const (
	bpCavityMeans   bpKind = iota // x̂cav[k,i,n] = tanh(Bup_below[i,n] + Bcav[k,i,n])
	bpOmega                       // ω[k,n] = Σ_i mcav[k,i,n]·x̂cav[k,i,n]
	bpCavityG                     // gcav[k,i,n] = g(Btop[k,n], ω[k,n] − mcav·x̂cav, V[k,n])
	bpDownField                   // B[i,n] = Σ_k mcav[k,i,n]·gcav[k,i,n]
	bpCavityDown                  // Bcav[k,i,n] = B[i,n] − mcav[k,i,n]·gcav[k,i,n]
	bpHin                         // Hin[k,i] = Σ_n gcav[k,i,n]·x̂cav[k,i,n]
	bpCavityMag                   // mcav ← ψ·mcav + (1−ψ)·tanh(H[k,i] − gcav·x̂cav)·mask[k,i]
	bpBackward                    // gcav, Hin and B of BPCavityG, BPHin and BPDownField in one pass
	bpCavityMagDown               // BPCavityMag and BPCavityDown in one pass
)

var bpNames = [...]string{"BPCavityMeans", "BPOmega", "BPCavityG", "BPDownField", "BPCavityDown", "BPHin", "BPCavityMag",
	"BPCavityBackward", "BPCavityMagDown"}
var bpArity = [...]int{2, 2, 5, 2, 3, 2, 6, 5, 7}

// BPCavityMeans returns x̂cav[k,i,n] = tanh(Bup_below[i,n] + Bcav[k,i,n]).
func BPCavityMeans(bupBelow, bcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpCavityMeans}, bupBelow, bcav)
}

// BPOmega returns ω[k,n] = Σ_i mcav[k,i,n]·x̂cav[k,i,n] (K×B).
func BPOmega(mcav, xcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpOmega}, mcav, xcav)
}

// BPCavityG returns gcav[k,i,n] = g(Btop[k,n], ω[k,n] − mcav[k,i,n]·x̂cav[k,i,n], V[k,n]),
// the sign-channel output function at the cavity pre-activations (§3.4).
func BPCavityG(btop, omega, v, mcav, xcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpCavityG}, btop, omega, v, mcav, xcav)
}

// BPDownField returns B[i,n] = Σ_k mcav[k,i,n]·gcav[k,i,n] (N×B).
func BPDownField(mcav, gcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpDownField}, mcav, gcav)
}

// BPCavityDown returns Bcav[k,i,n] = B[i,n] − mcav[k,i,n]·gcav[k,i,n].
// gcav may also be the result of BPCavityBackward.
func BPCavityDown(b, mcav, gcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpCavityDown}, b, mcav, gcav)
}

// BPHin returns Hin[k,i] = Σ_n gcav[k,i,n]·x̂cav[k,i,n] (K×N).
func BPHin(gcav, xcav *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpHin}, gcav, xcav)
}

// BPCavityMag returns the damped cavity magnetizations
// mcav[k,i,n] ← (ψ·mcav + (1−ψ)·tanh(Hcav))·mask[k,i] with the cavity field
// Hcav[k,i,n] = H[k,i] − gcav[k,i,n]·x̂cav[k,i,n]; psi is a scalar. gcav
// may also be the result of BPCavityBackward.
func BPCavityMag(mcav, h, gcav, xcav, mask, psi *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpCavityMag}, mcav, h, gcav, xcav, mask, psi)
}

// BPCavityBackward returns, in one pass over the K·N·B cavity points, the
// results of BPCavityG, BPHin and (if down) BPDownField, as one vector:
// gcav (K·N·B, [k][i][n]), then Hin (K·N), then B (N·B). BPCavityDown and
// BPCavityMag take the vector as their gcav; Section extracts Hin and B.
func BPCavityBackward(btop, omega, v, mcav, xcav *gorgonia.Node, down bool) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpBackward, down: down}, btop, omega, v, mcav, xcav)
}

// backwardSize is the length of the result of BPCavityBackward.
func (o *bpOp) backwardSize(K, N, B int) int {
	n := K*N*B + K*N
	if o.down {
		n += N * B
	}
	return n
}

// BPCavityMagDown returns BPCavityMag(mcav, h, gcav, xcav, mask, psi) and
// BPCavityDown(b, mcav, gcav) from one pass, as a 2×K×N×B tensor: the new
// mcav, then Bcav.
func BPCavityMagDown(mcav, h, gcav, xcav, mask, psi, b *gorgonia.Node) (*gorgonia.Node, error) {
	return apply(&bpOp{kind: bpCavityMagDown}, mcav, h, gcav, xcav, mask, psi, b)
}

func (o *bpOp) Arity() int { return bpArity[o.kind] }

func (o *bpOp) Type() hm.Type {
	switch o.kind {
	case bpCavityMeans:
		return fnType(3, 2, 3)
	case bpOmega:
		return hm.NewFnType(tt(3), hm.TypeVariable('x'), tt(2))
	case bpCavityG:
		return hm.NewFnType(tt(2), tt(2), tt(2), tt(3), hm.TypeVariable('x'), tt(3))
	case bpDownField:
		return fnType(2, 3, 3)
	case bpCavityDown:
		return hm.NewFnType(tt(2), tt(3), hm.TypeVariable('g'), tt(3))
	case bpHin:
		return hm.NewFnType(tt(3), hm.TypeVariable('x'), tt(2))
	case bpBackward:
		return hm.NewFnType(tt(2), tt(2), tt(2), tt(3), hm.TypeVariable('x'), tt(1))
	case bpCavityMagDown:
		return hm.NewFnType(tt(3), tt(2), hm.TypeVariable('g'), hm.TypeVariable('x'), tt(2), tt(1), tt(2), tt(4))
	default:
		return hm.NewFnType(tt(3), tt(2), hm.TypeVariable('g'), hm.TypeVariable('x'), tt(2), tt(1), tt(3))
	}
}

// cavShape returns K, N, B of a K×N×B shape.
func cavShape(s tensor.Shape) (K, N, B int, ok bool) {
	if len(s) != 3 {
		return 0, 0, 0, false
	}
	return s[0], s[1], s[2], true
}

// fitsX reports whether x̂cav shape s is K×N×B or N×B.
func fitsX(s tensor.Shape, K, N, B int) bool {
	return s.Eq(tensor.Shape{K, N, B}) || s.Eq(tensor.Shape{N, B})
}

func (o *bpOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(bpNames[o.kind], o.Arity(), ds)
	if err != nil {
		return nil, err
	}
	return o.outShape(ss)
}

// fitsG reports whether gcav shape s is K×N×B or the vector of
// BPCavityBackward, which starts with the K·N·B cavity messages.
func fitsG(s tensor.Shape, K, N, B int) bool {
	return s.Eq(tensor.Shape{K, N, B}) || len(s) == 1 && s[0] >= K*N*B
}

// outShape checks the input shapes and returns the output shape.
func (o *bpOp) outShape(ss []tensor.Shape) (tensor.Shape, error) {
	bad := errors.Errorf("ops: %s: input shapes %v do not fit K×N×B cavity tensors", bpNames[o.kind], ss)
	cav := ss[o.kind.cavIn()]
	K, N, B, ok := cavShape(cav)
	if !ok {
		return nil, bad
	}
	kb, nb, kn := tensor.Shape{K, B}, tensor.Shape{N, B}, tensor.Shape{K, N}
	switch o.kind {
	case bpCavityMeans:
		ok = ss[0].Eq(nb)
	case bpOmega:
		ok = fitsX(ss[1], K, N, B)
		cav = kb
	case bpCavityG:
		ok = ss[0].Eq(kb) && ss[1].Eq(kb) && ss[2].Eq(kb) && fitsX(ss[4], K, N, B)
	case bpDownField:
		ok = ss[1].Eq(cav)
		cav = nb
	case bpCavityDown:
		ok = ss[0].Eq(nb) && fitsG(ss[2], K, N, B)
	case bpHin:
		ok = fitsX(ss[1], K, N, B)
		cav = kn
	case bpCavityMag, bpCavityMagDown:
		ok = ss[1].Eq(kn) && fitsG(ss[2], K, N, B) && fitsX(ss[3], K, N, B) && ss[4].Eq(kn) && ss[5].TotalSize() == 1
		if o.kind == bpCavityMagDown {
			ok = ok && ss[6].Eq(nb)
			cav = tensor.Shape{2, K, N, B}
		}
	case bpBackward:
		ok = ss[0].Eq(kb) && ss[1].Eq(kb) && ss[2].Eq(kb) && fitsX(ss[4], K, N, B)
		cav = tensor.Shape{o.backwardSize(K, N, B)}
	}
	if !ok {
		return nil, bad
	}
	return cav.Clone(), nil
}

func (o *bpOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) { return o.UsePreallocDo(nil, vs...) }

// UsePreallocDo runs the update into prealloc when it fits.
func (o *bpOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(bpNames[o.kind], anyRanks(o.Arity()), vs)
	if err != nil {
		return nil, err
	}
	ss := make([]tensor.Shape, len(ts))
	for i, t := range ts {
		ss[i] = t.Shape()
	}
	out, err := o.outShape(ss)
	if err != nil {
		return nil, err
	}
	if err := hostOnly(o.String(), "BP layers (materialised K×N×B cavities)", ts); err != nil {
		return nil, err
	}
	dst := o.dst(prealloc, dt, out)
	if dt == tensor.Float64 {
		bpKernel(o.kind, f64(dst), tsData(ts, f64), ss, &o.prep64)
	} else {
		bpKernel(o.kind, f32(dst), tsData(ts, f32), ss, &o.prep32)
	}
	return dst, nil
}

func tsData[T Float](ts []*tensor.Dense, data func(*tensor.Dense) []T) [][]T {
	in := make([][]T, len(ts))
	for i, t := range ts {
		in[i] = data(t)
	}
	return in
}

// cavIn returns the index of the input of update k that is a K×N×B cavity
// tensor (the one that sets K, N and B).
func (k bpKind) cavIn() int {
	switch k {
	case bpCavityMeans, bpCavityDown:
		return 1
	case bpCavityG, bpBackward:
		return 3
	}
	return 0
}

// bpKernel runs update kind; ss are the checked input shapes, prep the
// op's scratch for the vector kernels.
func bpKernel[T Float](kind bpKind, dst []T, in [][]T, ss []tensor.Shape, prep *[]T) {
	cav := ss[kind.cavIn()]
	K, N, B := cav[0], cav[1], cav[2]
	// x is the x̂cav input at index i, which may be broadcast over k.
	x := func(i int) cavX[T] { return cavX[T]{in[i], len(ss[i]) == 2, N * B} }
	knb := K * N * B
	switch kind {
	case bpCavityMeans:
		cavityMeans(dst, in[0], in[1], K, N, B)
	case bpOmega:
		cavityOmega(dst, in[0], x(1), K, N, B)
	case bpCavityG:
		if cav := cavGRow[T](currentLevel()); cav != nil {
			cavityGVec(cav, dst, in[0], in[1], in[2], in[3], x(4), prep, K, N, B)
			return
		}
		cavityG(dst, in[0], in[1], in[2], in[3], x(4), K, N, B)
	case bpDownField:
		cavityDownField(dst, in[0], in[1], K, N, B)
	case bpCavityDown:
		cavityDown(dst, in[0], in[1], in[2][:knb], K, N, B)
	case bpHin:
		cavityHin(dst, in[0], x(1), K, N, B)
	case bpCavityMag:
		cavityMag(dst, nil, in[0], in[1], in[2][:knb], nil, x(3), in[4], in[5][0], K, N, B)
	case bpCavityMagDown:
		cavityMag(dst[:knb], dst[knb:], in[0], in[1], in[2][:knb], in[6], x(3), in[4], in[5][0], K, N, B)
	case bpBackward:
		cavityBackward(dst, in[0], in[1], in[2], in[3], x(4), prep, K, N, B, len(dst) > knb+K*N)
	}
}

// cavX is a x̂cav input: K×N×B, or N×B and the same for every k (bcast).
type cavX[T Float] struct {
	x     []T
	bcast bool
	nb    int // N·B
}

// at returns the N×B slab of unit k.
func (c cavX[T]) at(k int) []T {
	if c.bcast {
		return c.x
	}
	return c.x[k*c.nb : (k+1)*c.nb]
}

// cavityMeans: dst[k,i,n] = tanh(bup[i,n] + bcav[k,i,n]).
func cavityMeans[T Float](dst, bup, bcav []T, K, N, B int) {
	nb := N * B
	sumTanh := bpRows[T](currentLevel()).sumTanh
	parallelFor(K, nb*20, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			d, bc, j0 := dst[k*nb:(k+1)*nb], bcav[k*nb:(k+1)*nb], 0
			if sumTanh != nil {
				j0 = nb &^ (rowLanes - 1)
				sumTanh(d[:j0], bup[:j0], bc[:j0])
			}
			for j := j0; j < nb; j++ {
				d[j] = T(math.Tanh(float64(bup[j] + bc[j])))
			}
		}
	})
}

// cavityOmega: dst[k,n] = Σ_i mcav[k,i,n]·x̂cav[k,i,n].
func cavityOmega[T Float](dst, mcav []T, xcav cavX[T], K, N, B int) {
	mulAdd := bpRows[T](currentLevel()).mulAdd
	nv := 0
	if mulAdd != nil {
		nv = B &^ (rowLanes - 1)
	}
	parallelFor(K, N*B, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			x, row := xcav.at(k), dst[k*B:(k+1)*B]
			clear(row)
			for i := 0; i < N; i++ {
				m, xi := mcav[(k*N+i)*B:(k*N+i+1)*B], x[i*B:(i+1)*B]
				if nv > 0 {
					mulAdd(row[:nv], m[:nv], xi[:nv])
				}
				for n := nv; n < B; n++ {
					row[n] += m[n] * xi[n]
				}
			}
		}
	})
}

// cavityG: dst[k,i,n] = g(Btop[k,n], ω[k,n] − mcav[k,i,n]·x̂cav[k,i,n], V[k,n]).
func cavityG[T Float](dst, btop, omega, v, mcav []T, xcav cavX[T], K, N, B int) {
	parallelFor(K, N*B*60, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			x := xcav.at(k)
			for n := 0; n < B; n++ {
				f, w, s := newSignField(float64(btop[k*B+n])), float64(omega[k*B+n]), math.Sqrt(float64(v[k*B+n]))
				for i := 0; i < N; i++ {
					j := (k*N+i)*B + n
					dst[j] = T(f.g(w-float64(mcav[j]*x[i*B+n]), s))
				}
			}
		}
	})
}

// cavityDownField: dst[i,n] = Σ_k mcav[k,i,n]·gcav[k,i,n].
func cavityDownField[T Float](dst, mcav, gcav []T, K, N, B int) {
	parallelFor(N, K*B, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := dst[i*B : (i+1)*B]
			clear(row)
			for k := 0; k < K; k++ {
				j := (k*N + i) * B
				m, g := mcav[j:j+B], gcav[j:j+B]
				for n := range row {
					row[n] += m[n] * g[n]
				}
			}
		}
	})
}

// cavityDown: dst[k,i,n] = b[i,n] − mcav[k,i,n]·gcav[k,i,n].
func cavityDown[T Float](dst, b, mcav, gcav []T, K, N, B int) {
	nb := N * B
	b = b[:nb]
	parallelFor(K, nb, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			d, m, g := dst[k*nb:(k+1)*nb], mcav[k*nb:(k+1)*nb], gcav[k*nb:(k+1)*nb]
			for j, bj := range b {
				d[j] = bj - m[j]*g[j]
			}
		}
	})
}

// cavityHin: dst[k,i] = Σ_n gcav[k,i,n]·x̂cav[k,i,n].
func cavityHin[T Float](dst, gcav []T, xcav cavX[T], K, N, B int) {
	parallelFor(K, N*B, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			x := xcav.at(k)
			for i := 0; i < N; i++ {
				var h T
				g, xi := gcav[(k*N+i)*B:(k*N+i+1)*B], x[i*B:(i+1)*B]
				for n := range g {
					h += g[n] * xi[n]
				}
				dst[k*N+i] = h
			}
		}
	})
}

// cavityMag: dst[k,i,n] = (ψ·mcav[k,i,n] + (1−ψ)·tanh(H[k,i] − gcav[k,i,n]·x̂cav[k,i,n]))·mask[k,i]
// and, if b is not nil, bc = b − mcav·gcav (cavityDown) from the mcav before
// the update (dst may be mcav).
func cavityMag[T Float](dst, bc, mcav, h, gcav, b []T, xcav cavX[T], mask []T, psi T, K, N, B int) {
	if k := bpRows[T](currentLevel()); k.mag != nil {
		cavityMagVec(k, dst, bc, mcav, h, gcav, b, xcav, mask, psi, K, N, B)
		return
	}
	if b != nil {
		cavityDown(bc, b, mcav, gcav, K, N, B)
	}
	parallelFor(K, N*B*20, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			x := xcav.at(k)
			for i := 0; i < N; i++ {
				hki, mk := h[k*N+i], mask[k*N+i]
				for n := 0; n < B; n++ {
					j := (k*N+i)*B + n
					dst[j] = magPoint(mcav[j], gcav[j], x[i*B+n], hki, psi, mk)
				}
			}
		}
	})
}

// magPoint is the damped, masked cavity mean of one point (cavityMag).
func magPoint[T Float](m, g, x, h, psi, mk T) T {
	return (psi*m + (1-psi)*T(math.Tanh(float64(h-g*x)))) * mk
}

func (o *bpOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *bpOp) Hashcode() uint32      { return hashOf(o) }
func (o *bpOp) String() string {
	if o.kind == bpBackward {
		return fmt.Sprintf("%s{down=%t}", bpNames[o.kind], o.down)
	}
	return bpNames[o.kind]
}

var _ gorgonia.UsePreallocDoer = (*bpOp)(nil)
