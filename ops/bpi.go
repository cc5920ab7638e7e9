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

// bpiOp computes the two cavity contractions of the BPI layer
// (ALGORITHMS §7.2) in one pass over the K·N·B cavity points, without
// materialising the K×N×B tensor of cavity output functions.
type bpiOp struct {
	output
	down bool     // also compute the downward field B (every layer but the first)
	p    *Pattern // sparse weights: m and Hin are nnz vectors; nil for dense K×N

	fields []signField // per (k, n): the prepared Btop, reused between calls
	s      []float64   // per (k, n): √V
	invS   []float64   // per (k, n): 1/√V

	dprep, dpart *tensor.Dense // device scratch: prepared Btop (5·K·B) and partial B (S·N·B)

	prep64 []float64 // vector kernels: the prepared rows (bpiPrep)
	prep32 []float32
}

// BPICavity returns the node of the BPI backward contractions, from the
// weight means m (K×N), the input means x̂ (N×B), the pre-activation means ω
// and variances V (K×B) and the field from above Btop (K×B):
//
//	gcav[k,i,n] = g(Btop[k,n], ω[k,n] − m[k,i]·x̂[i,n], V[k,n])     (§3.4, never stored)
//	Hin[k,i]    = Σ_n gcav[k,i,n]·x̂[i,n]
//	B[i,n]      = Σ_k m[k,i]·gcav[k,i,n]                           (only if down)
//
// The result is a vector holding Hin (K·N, row-major) followed, if down, by
// B (N·B, row-major); Section extracts them. The work is split over the
// inputs i, so each goroutine owns a column of Hin and rows of B.
func BPICavity(m, xhat, omega, v, btop *gorgonia.Node, down bool) (*gorgonia.Node, error) {
	return apply(&bpiOp{down: down}, m, xhat, omega, v, btop)
}

// BPICavitySparse is BPICavity for a layer that stores only the weights
// present in pattern p: m is the nnz vector of their means, and the result
// holds Hin at those entries (nnz, row-major order) followed, if down, by B.
// Only the K·N·B·density cavity points of present weights are evaluated;
// absent weights contribute nothing to B and need no Hin.
func BPICavitySparse(p *Pattern, m, xhat, omega, v, btop *gorgonia.Node, down bool) (*gorgonia.Node, error) {
	if p == nil {
		return nil, errors.New("ops: BPICavitySparse: nil pattern")
	}
	return apply(&bpiOp{down: down, p: p}, m, xhat, omega, v, btop)
}

func (o *bpiOp) Arity() int { return 5 }
func (o *bpiOp) Type() hm.Type {
	if o.p != nil {
		return fnType(1, 1, 2, 2, 2, 2)
	}
	return fnType(1, 2, 2, 2, 2, 2)
}

func (o *bpiOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	ss, err := shapes(o.String(), 5, ds)
	if err != nil {
		return nil, err
	}
	K, N, B, err := o.dims(ss[0], ss[1], ss[2], ss[3], ss[4])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{o.size(K, N, B)}, nil
}

// size is the length of the result: Hin (K·N, or nnz) and B (N·B) if down.
func (o *bpiOp) size(K, N, B int) int {
	n := K * N
	if o.p != nil {
		n = o.p.NNZ()
	}
	if o.down {
		n += N * B
	}
	return n
}

// dims checks m K×N, x̂ N×B and ω, V, Btop K×B.
func (o *bpiOp) dims(m, xhat, omega, v, btop tensor.Shape) (K, N, B int, err error) {
	if o.p != nil {
		if len(m) != 1 || m[0] != o.p.NNZ() || len(xhat) != 2 || len(omega) != 2 {
			return 0, 0, 0, errors.Errorf("ops: %v: want m of %d entries and matrices, got m %v, x̂ %v, ω %v", o, o.p.NNZ(), m, xhat, omega)
		}
		m = tensor.Shape{o.p.K, o.p.N}
	}
	if len(m) != 2 || len(xhat) != 2 || len(omega) != 2 {
		return 0, 0, 0, errors.Errorf("ops: %v: want matrices, got m %v, x̂ %v, ω %v", o, m, xhat, omega)
	}
	K, N, B = m[0], m[1], xhat[1]
	if xhat[0] != N || omega[0] != K || omega[1] != B || !v.Eq(omega) || !btop.Eq(omega) {
		return 0, 0, 0, errors.Errorf("ops: %v: shapes m %v, x̂ %v, ω %v, V %v, Btop %v do not fit K×N, N×B, K×B", o, m, xhat, omega, v, btop)
	}
	return K, N, B, nil
}

func (o *bpiOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) { return o.UsePreallocDo(nil, vs...) }

// UsePreallocDo computes the contractions into prealloc when it fits.
func (o *bpiOp) UsePreallocDo(prealloc gorgonia.Value, vs ...gorgonia.Value) (gorgonia.Value, error) {
	ts, dt, err := dense(o.String(), []int{-1, 2, 2, 2, 2}, vs)
	if err != nil {
		return nil, err
	}
	K, N, B, err := o.dims(ts[0].Shape(), ts[1].Shape(), ts[2].Shape(), ts[3].Shape(), ts[4].Shape())
	if err != nil {
		return nil, err
	}
	if v, ok, err := o.onDevice(o.String(), ts, prealloc, dt, tensor.Shape{o.size(K, N, B)}, func(d deviceKernels, dst *tensor.Dense) error {
		return d.bpiCavity(o, dst, ts[0], ts[1], ts[2], ts[3], ts[4], K, N, B)
	}); ok {
		return v, err
	}
	dst := o.dst(prealloc, dt, tensor.Shape{o.size(K, N, B)})
	if l := currentLevel(); l != vecScalar {
		np := bpiVecScratch(K, N, B)
		if dt == tensor.Float64 {
			o.prep64 = grow(o.prep64, np)
			bpiCavityVec(cavRow[float64](l), f64(dst), f64(ts[0]), f64(ts[1]), f64(ts[2]), f64(ts[3]), f64(ts[4]), o.prep64, K, N, B, o.down, o.p)
		} else {
			o.prep32 = grow(o.prep32, np)
			bpiCavityVec(cavRow[float32](l), f32(dst), f32(ts[0]), f32(ts[1]), f32(ts[2]), f32(ts[3]), f32(ts[4]), o.prep32, K, N, B, o.down, o.p)
		}
		return dst, nil
	}
	if cap(o.s) < K*B {
		o.fields, o.s, o.invS = make([]signField, K*B), make([]float64, K*B), make([]float64, K*B)
	}
	o.fields, o.s, o.invS = o.fields[:K*B], o.s[:K*B], o.invS[:K*B]
	if dt == tensor.Float64 {
		bpiCavity(f64(dst), f64(ts[0]), f64(ts[1]), f64(ts[2]), f64(ts[3]), f64(ts[4]), o.fields, o.s, o.invS, K, N, B, o.down, o.p)
	} else {
		bpiCavity(f32(dst), f32(ts[0]), f32(ts[1]), f32(ts[2]), f32(ts[3]), f32(ts[4]), o.fields, o.s, o.invS, K, N, B, o.down, o.p)
	}
	return dst, nil
}

// bpiCavity writes Hin (and B) into dst. fields, s and invS are K·B
// scratch. With a pattern p, only present weights are visited and Hin is
// written in the pattern's row-major order.
func bpiCavity[T Float](dst, m, xhat, omega, v, btop []T, fields []signField, s, invS []float64, K, N, B int, down bool, p *Pattern) {
	for j := range fields {
		fields[j] = newSignField(float64(btop[j]))
		s[j] = math.Sqrt(float64(v[j]))
		invS[j] = 1 / s[j]
	}
	nh := K * N
	if p != nil {
		nh = p.NNZ()
	}
	hin := dst[:nh]
	var bdown []T
	if down {
		bdown = dst[nh : nh+N*B]
	}
	cost := K * B * 60
	if p != nil {
		cost = max(p.NNZ()/max(N, 1), 1) * B * 60
	}
	parallelFor(N, cost, func(lo, hi int) {
		acc := make([]float64, B)
		for i := lo; i < hi; i++ {
			xi := xhat[i*B : (i+1)*B]
			clear(acc)
			// (k, pos): the units k connected to input i and the position of
			// weight (k, i) in m and Hin.
			visit := func(k, pos int) {
				mki := float64(m[pos])
				fk, wk, sk, ik := fields[k*B:(k+1)*B], omega[k*B:(k+1)*B], s[k*B:(k+1)*B], invS[k*B:(k+1)*B]
				var h float64
				for n, x := range xi {
					gc := fk[n].gu((mki*float64(x)-float64(wk[n]))*ik[n], sk[n])
					h += gc * float64(x)
					acc[n] += mki * gc
				}
				hin[pos] = T(h)
			}
			if p == nil {
				for k := 0; k < K; k++ {
					visit(k, k*N+i)
				}
			} else {
				for q := p.ColPtr[i]; q < p.ColPtr[i+1]; q++ {
					visit(int(p.ColRow[q]), int(p.ColPos[q]))
				}
			}
			if down {
				bi := bdown[i*B : (i+1)*B]
				for n := range bi {
					bi[n] = T(acc[n])
				}
			}
		}
	})
}

// release frees the op's output and device scratch.
func (o *bpiOp) release() {
	o.output.release()
	for _, t := range []*tensor.Dense{o.dprep, o.dpart} {
		if d := DeviceOf(t); d != nil {
			d.Release(t)
		}
	}
	o.dprep, o.dpart = nil, nil
}

func (o *bpiOp) WriteHash(h hash.Hash) { writeHash(h, o) }
func (o *bpiOp) Hashcode() uint32      { return hashOf(o) }
func (o *bpiOp) String() string {
	if o.p != nil {
		return fmt.Sprintf("BPICavitySparse{down=%t, %d×%d, nnz=%d, pattern=%p}", o.down, o.p.K, o.p.N, o.p.NNZ(), o.p)
	}
	return fmt.Sprintf("BPICavity{down=%t}", o.down)
}

var _ gorgonia.UsePreallocDoer = (*bpiOp)(nil)
