package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// ewBits returns the bits of x, NaN payloads and signaling bits included.
func ewBits[T Float](x T) uint64 {
	if f, ok := any(x).(float32); ok {
		return uint64(math.Float32bits(f))
	}
	return math.Float64bits(float64(x))
}

// ewCases returns n values of T: ordinary ones of both signs, magnitudes
// log-uniform over the whole range of T (subnormals and the largest finite
// values included), values in [−1, 1] and {0, 1} (weight means, masks), and
// ±0, ±1, ±Inf, quiet NaNs of both signs and a signaling NaN at random
// places.
func ewCases[T Float](rng *rand.Rand, n int) []T {
	minExp, maxExp := -323.0, 308.0
	if ewBits(T(1)) == uint64(math.Float32bits(1)) {
		minExp, maxExp = -45, 38
	}
	nan := func(bits64 uint64, bits32 uint32) T {
		if ewBits(T(1)) == uint64(math.Float32bits(1)) {
			return T(math.Float32frombits(bits32))
		}
		return T(math.Float64frombits(bits64))
	}
	special := []T{0, T(math.Copysign(0, -1)), 1, -1, T(math.Inf(1)), T(math.Inf(-1)),
		nan(0x7ff8000000000001, 0x7fc00001), nan(0xfff8000000000000, 0xffc00000), nan(0x7ff0000000000002, 0x7f800002)}
	x := make([]T, n)
	for j := range x {
		switch r := rng.IntN(20); {
		case r < 6:
			x[j] = T(math.Copysign(math.Pow(10, minExp+(maxExp-minExp)*rng.Float64()), rng.Float64()-0.5))
		case r < 11:
			x[j] = T(2*rng.Float64() - 1)
		case r < 13:
			x[j] = T(rng.IntN(2))
		case r < 14:
			x[j] = T(rng.NormFloat64() * 5)
		default:
			x[j] = special[rng.IntN(len(special))]
		}
	}
	return x
}

// withTanh calls f(lo, t) for consecutive blocks of x, with
// t[j] = tanh(x[lo+j]) evaluated by the vector kernel k: with dampedTanhOld
// and maskedTanhOld (and tanhSumOld), the code the vector forms of
// dampedTanh and maskedTanh (and tanhSum) replaced at the vector levels,
// kept as their reference.
func withTanh[T Float](k rowFunc[T], x []T, f func(lo int, t []T)) {
	var buf [256]T
	for lo := 0; lo < len(x); lo += len(buf) {
		t := buf[:min(len(buf), len(x)-lo)]
		tanhVec(k, t, x[lo:lo+len(t)])
		f(lo, t)
	}
}

func dampedTanhOld[T Float](dst []T, in [][]T, p []T) {
	m, h, mask, psi := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], p[0]
	withTanh(tanhRow[T](), h, func(lo int, t []T) {
		d, m, mask := dst[lo:lo+len(t)], m[lo:lo+len(t)], mask[lo:lo+len(t)]
		for j, tj := range t {
			d[j] = (psi*m[j] + (1-psi)*tj) * mask[j]
		}
	})
}

func maskedTanhOld[T Float](dst []T, in [][]T, _ []T) {
	h, mask := in[0][:len(dst)], in[1][:len(dst)]
	withTanh(tanhRow[T](), h, func(lo int, t []T) {
		d, mask := dst[lo:lo+len(t)], mask[lo:lo+len(t)]
		for j, tj := range t {
			d[j] = tj * mask[j]
		}
	})
}

func tanhSumOld[T Float](dst []T, in [][]T, _ []T) {
	a, b := in[0][:len(dst)], in[1][:len(dst)]
	for j := range dst {
		dst[j] = a[j] + b[j]
	}
	tanhVec(tanhRow[T](), dst, dst)
}

// ewRefs returns, for each element kernel with a vector form, the code it
// replaces: the scalar kernel at the scalar level, or the old tanh kernels.
func ewRefs[T Float]() map[*kernel]func(dst []T, in [][]T, p []T) {
	refs := map[*kernel]func(dst []T, in [][]T, p []T){
		dampedTanhK: dampedTanhOld[T],
		maskedTanhK: maskedTanhOld[T],
		tanhSumK:    tanhSumOld[T],
	}
	for _, k := range []*kernel{squareK, oneMinusSquareK, squarePlusK, mulK, varianceK, binaryVarianceK, fieldK, dampK, gammaK, ampOmegaK, ampFieldK} {
		f := pick[T](k.k64, k.k32).(func([]T, [][]T, []T))
		refs[k] = func(dst []T, in [][]T, p []T) {
			old := activeLevel.Load()
			defer activeLevel.Store(old)
			activeLevel.Store(int32(vecScalar))
			f(dst, in, p)
		}
	}
	return refs
}

// TestElementKernelsBits runs every element kernel with a vector form at
// every vector level of this CPU, on lengths with and without tails and on
// inputs with ±0, ±Inf, NaNs, subnormals and huge values, and checks every
// element bit for bit against the code the vector form replaces.
func TestElementKernelsBits(t *testing.T) {
	for _, l := range vecLevels() {
		atLevel(t, l, func() {
			t.Run(l.String()+"/float64", func(t *testing.T) { testElementBits[float64](t) })
			t.Run(l.String()+"/float32", func(t *testing.T) { testElementBits[float32](t) })
		})
	}
}

func testElementBits[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	params := []T{0.8, 0, 1, 0.5, -3, T(math.Inf(1)), T(math.NaN())}
	for k, ref := range ewRefs[T]() {
		f := pick[T](k.k64, k.k32).(func([]T, [][]T, []T))
		for _, n := range []int{0, 1, 7, 15, 16, 17, 33, 100, 257, 1031} {
			in := make([][]T, k.arity)
			for i := range in {
				in[i] = ewCases[T](rng, n)
			}
			p := make([]T, k.params)
			for i := range p {
				p[i] = params[rng.IntN(len(params))]
			}
			got, want := make([]T, n), make([]T, n)
			f(got, in, p)
			ref(want, in, p)
			for j := range got {
				if ewBits(got[j]) != ewBits(want[j]) {
					args := make([]string, k.arity)
					for i := range args {
						args[i] = fmt.Sprintf("%v (%#x)", in[i][j], ewBits(in[i][j]))
					}
					t.Errorf("%s n=%d j=%d: %v p=%v: got %v (%#x), want %v (%#x)", k.name, n, j, args, p, got[j], ewBits(got[j]), want[j], ewBits(want[j]))
				}
			}
		}
	}
}

// bpiPrepRef is bpiPrep as it was before its vector kernel: |Btop|, its
// tanh by tanhVec at the current level (math.Tanh at the scalar level),
// then prepPoint, in Go.
func bpiPrepRef[T Float](prep, omega, v, btop []T, K, B, bp int) {
	clear(prep)
	for k := 0; k < K; k++ {
		row := prep[k*cavStreams*bp : (k+1)*cavStreams*bp]
		a, t := row[cavM2A*bp:cavM2A*bp+B], row[cavOM*bp:cavOM*bp+B]
		for n := range a {
			a[n] = T(math.Abs(float64(btop[k*B+n])))
		}
		if tk := tanhRow[T](); tk != nil {
			tanhVec(tk, t, a)
		} else {
			for n := range t {
				t[n] = T(math.Tanh(float64(a[n])))
			}
		}
		for n := 0; n < B; n++ {
			j := k*B + n
			row[cavOmega*bp+n] = omega[j]
			row[cavSI*bp+n], row[cavC1*bp+n], row[cavOM*bp+n] = prepPoint(btop[j], t[n], v[j])
			row[cavM2A*bp+n] = -2 * a[n]
		}
	}
}

// TestBPIPrepBits checks bpiPrep at every level (the scalar one included)
// bit for bit against bpiPrepRef, on rows with and without tails, over
// garbage in prep, with Btop, ω and V from ewCases (V also positive only).
func TestBPIPrepBits(t *testing.T) {
	for l := vecScalar; l < numVecLevels; l++ {
		if l != vecScalar && !slices.Contains(vecLevels(), l) {
			continue
		}
		atLevel(t, l, func() {
			t.Run(l.String()+"/float64", func(t *testing.T) { testPrepBits[float64](t) })
			t.Run(l.String()+"/float32", func(t *testing.T) { testPrepBits[float32](t) })
		})
	}
}

func testPrepBits[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, s := range []struct{ K, B int }{{1, 1}, {2, 15}, {3, 16}, {2, 17}, {3, 128}, {2, 250}} {
		for _, positiveV := range []bool{false, true} {
			K, B, bp := s.K, s.B, padded(s.B)
			btop, omega, v := ewCases[T](rng, K*B), ewCases[T](rng, K*B), ewCases[T](rng, K*B)
			if positiveV {
				for j := range v {
					v[j] = T(math.Abs(float64(v[j])))
				}
			}
			got, want := ewCases[T](rng, K*cavStreams*bp), make([]T, K*cavStreams*bp)
			bpiPrep(got, omega, v, btop, K, B, bp)
			bpiPrepRef(want, omega, v, btop, K, B, bp)
			for j := range got {
				if ewBits(got[j]) != ewBits(want[j]) {
					n := j % bp
					x := (j/(cavStreams*bp))*B + min(n, B-1)
					t.Errorf("K=%d B=%d stream %d n=%d: Btop=%v ω=%v V=%v: got %v (%#x), want %v (%#x)",
						K, B, j/bp%cavStreams, n, btop[x], omega[x], v[x], got[j], ewBits(got[j]), want[j], ewBits(want[j]))
				}
			}
		}
	}
}
