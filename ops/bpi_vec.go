package ops

import (
	"math"
	"unsafe"
)

// The vector form of the BPI cavity contraction (bpiCavity). With
// sgn = sign(Btop[k,n]), a = |Btop[k,n]|, q = exp(−2a) and s = √V[k,n], the
// output function of §3.4 at the cavity point (k, i, n) is
//
//	u' = (m[k,i]·x̂[i,n] − ω[k,n])·sgn/s,   E = erfcx(|u'|/√2),
//	g  = sgn·√(2/π)·(1 − q)/s / D,
//	D  = (1 − q)·E + exp(u'²/2 + ln 2 − 2a)   (u' ≥ 0),
//	D  = exp(u'²/2 + ln 2) − (1 − q)·E        (u' < 0),
//
// the identity erfcx(−t) = 2·exp(t²) − erfcx(t) turning the second branch
// into the first. Everything but m·x̂ depends on (k, n) only: bpiPrep
// stores it once per call, as five streams per row k, each padded to a
// multiple of vecPad with zeros (a padded point has g = 0). The kernels
// (internal/gen/vecasm) evaluate erfcx by Weideman's rational expansion and
// exp by range reduction, without branches, and never overflow: where the
// exponent y of D is positive they divide numerator and denominator by
// exp(y).
//
// Accuracy, against signField.gu on the same u': relative error ≤ 1e-12
// (float64; measured ≤ 2e-13: erfcx ≤ 1e-14 (19 fitted terms), exp ≤ 2e-15
// (fitted, degree 10), and the rounding of its argument, up to 745, once) and ≤ 1e-5 (float32; measured 5e-6,
// mostly that rounding, of an argument up to 88), apart from an absolute
// error of a few smallest normal numbers of T times m·max(1, 1/s) where
// exp underflows (the AVX2 kernels flush exp to 0 below −708, resp. −87).

// vecPad is the multiple every kernel row length is padded to: the widest
// vector (16 float32) times the vectors per stage of the AVX-512 kernels
// (2, skewWidth in the generator).
const vecPad = 32

// Streams of a prepared row, in the order of the generator.
const (
	cavOmega = iota
	cavSI
	cavC1
	cavOM
	cavM2A
	cavStreams
)

// padded returns b rounded up to a multiple of vecPad.
func padded(b int) int { return (b + vecPad - 1) / vecPad * vecPad }

// bpiPrep writes the streams of every row k into prep (K·cavStreams·bp),
// their padding zero. It takes 1 − q = 1 − exp(−2a) as
// 2·tanh(a)/(1 + tanh(a)), which keeps its relative accuracy for small a.
// The vector kernel of the level, if any, does the whole blocks of rowLanes
// points of each row with the vector tanh (the blocks tanhVec would hand
// to it); the rest take math.Tanh and prepPoint.
func bpiPrep[T Float](prep, omega, v, btop []T, K, B, bp int) {
	pk := ewRows[T]().prep
	for k := 0; k < K; k++ {
		row, bt, vk := prep[k*cavStreams*bp:(k+1)*cavStreams*bp], btop[k*B:(k+1)*B], v[k*B:(k+1)*B]
		for s := range cavStreams {
			clear(row[s*bp+B : (s+1)*bp])
		}
		copy(row[cavOmega*bp:], omega[k*B:(k+1)*B])
		lo := 0
		if pk != nil {
			lo = B &^ (rowLanes - 1)
			pk(row, bt[:lo], vk[:lo], bp)
		}
		for n := lo; n < B; n++ {
			a := T(math.Abs(float64(bt[n])))
			row[cavSI*bp+n], row[cavC1*bp+n], row[cavOM*bp+n] = prepPoint(bt[n], T(math.Tanh(float64(a))), vk[n])
			row[cavM2A*bp+n] = -2 * a
		}
	}
}

// prepPoint returns the streams SI, C1 and OM of one point from Btop,
// t = tanh|Btop| and V, computed in float64.
func prepPoint[T Float](btop, t, v T) (si, c1, om T) {
	bt, th := float64(btop), float64(t)
	oneMq := 2 * th / (1 + th)
	s := math.Sqrt(float64(v))
	sgn := 0.0
	switch {
	case bt > 0:
		sgn = 1
	case bt < 0:
		sgn = -1
	case bt != bt:
		sgn = bt
	}
	return T(sgn / s), T(sgn * spSqrt2OverPi * oneMq / s), T(oneMq)
}

// cavBlockBytes is the size of the block of prepared rows that
// bpiCavityVec keeps hot in the L2 cache while it visits every input of its
// chunk: without blocking, the rows of all K units (2.5 MB in float64 at
// K = 501, B = 128) would stream from L3 once per input.
const cavBlockBytes = 192 << 10

// bpiVecScratch is the length of the scratch of bpiCavityVec: the prepared
// rows and, per input, a padded copy of x̂ and an accumulator of B.
func bpiVecScratch(K, N, B int) int { return (K*cavStreams + 2*N) * padded(B) }

// bpiCavityVec is bpiCavity with the row kernel cav; scratch holds
// bpiVecScratch(K, N, B) elements. Each goroutine takes a chunk of inputs i
// and runs over the units k in blocks of rows, the inputs inside.
func bpiCavityVec[T Float](cav cavRowFunc[T], dst, m, xhat, omega, v, btop, scratch []T, K, N, B int, down bool, p *Pattern) {
	bp := padded(B)
	prep, cols := scratch[:K*cavStreams*bp], scratch[K*cavStreams*bp:]
	bpiPrep(prep, omega, v, btop, K, B, bp)
	nh := K * N
	if p != nil {
		nh = p.NNZ()
	}
	hin := dst[:nh]
	cost := K * B * 4
	if p != nil {
		cost = max(p.NNZ()/max(N, 1), 1) * B * 4
	}
	rowLen := cavStreams * bp
	kb := max(1, cavBlockBytes/(rowLen*int(unsafe.Sizeof(m[0]))))
	parallelFor(N, cost, func(lo, hi int) {
		buf := cols[2*lo*bp : 2*hi*bp]
		clear(buf)
		xs, accs := buf[:(hi-lo)*bp], buf[(hi-lo)*bp:]
		for i := lo; i < hi; i++ {
			copy(xs[(i-lo)*bp:], xhat[i*B:(i+1)*B])
		}
		var next []int32 // sparse: the next entry of each column
		if p != nil {
			next = append(next, p.ColPtr[lo:hi]...)
		}
		for k0 := 0; k0 < K; k0 += kb {
			k1 := min(k0+kb, K)
			for i := lo; i < hi; i++ {
				x, acc := xs[(i-lo)*bp:(i-lo+1)*bp], accs[(i-lo)*bp:(i-lo+1)*bp]
				if p == nil {
					for k := k0; k < k1; k++ {
						hin[k*N+i] = cav(x, prep[k*rowLen:(k+1)*rowLen], acc, bp, m[k*N+i])
					}
					continue
				}
				q := next[i-lo]
				for ; q < p.ColPtr[i+1] && int(p.ColRow[q]) < k1; q++ {
					k, pos := int(p.ColRow[q]), p.ColPos[q]
					hin[pos] = cav(x, prep[k*rowLen:(k+1)*rowLen], acc, bp, m[pos])
				}
				next[i-lo] = q
			}
		}
		if down {
			for i := lo; i < hi; i++ {
				copy(dst[nh+i*B:nh+(i+1)*B], accs[(i-lo)*bp:])
			}
		}
	})
}
