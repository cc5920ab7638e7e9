package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/internal/isa"
)

// vecLevels returns the vector levels this CPU runs (not the scalar one).
func vecLevels() []vecLevel {
	var ls []vecLevel
	for l := vecScalar + 1; l < numVecLevels; l++ {
		if isa.Supported(l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// atLevel runs f with the kernels forced to level l.
func atLevel(t testing.TB, l vecLevel, f func()) {
	t.Helper()
	old := activeLevel.Load()
	defer activeLevel.Store(old)
	if err := SetCPUKernels(l.String()); err != nil {
		t.Fatal(err)
	}
	f()
}

// cavFieldCase draws (Btop, ω, V, x) of one cavity point: ordinary values,
// saturated fields (|ω| up to 1e3), hard labels (Btop = ±Inf), Btop = 0,
// tiny and huge |Btop| and variances.
func cavFieldCase(rng *rand.Rand) (btop, omega, v, x float64) {
	sign := float64(1 - 2*rng.IntN(2))
	btop = sign * math.Exp(rng.NormFloat64()*3)
	switch rng.IntN(10) {
	case 0:
		btop = sign * math.Inf(1)
	case 1:
		btop = 0
	case 2:
		btop = sign * (19 + 40*rng.Float64())
	}
	v = math.Exp(rng.NormFloat64() * 2)
	omega = rng.NormFloat64() * 3
	if rng.IntN(4) == 0 {
		omega = (2*rng.Float64() - 1) * 1e3
	}
	x = rng.NormFloat64()
	if rng.IntN(3) == 0 {
		x = float64(1 - 2*rng.IntN(2))
	}
	return btop, omega, v, x
}

// cavRef is the scalar reference of one row: g at the u' the kernels
// compute (in T arithmetic, in their operation order), in float64 by
// signField.gu.
func cavRef[T Float](m T, x, omega, v, btop []T) []float64 {
	g := make([]float64, len(x))
	for n := range x {
		f := newSignField(float64(btop[n]))
		s := math.Sqrt(float64(v[n]))
		si := T(1 / s)
		u := (m*x[n] - omega[n]) * si // as the kernel: sign applied exactly
		g[n] = f.gu(float64(u), s)
	}
	return g
}

// TestCavRowKernels checks every vector cavity kernel against the scalar
// output function point by point (through acc = m·g), and the row sum h,
// on random rows whose lengths are not multiples of the vector width.
func TestCavRowKernels(t *testing.T) {
	for _, l := range vecLevels() {
		t.Run(l.String()+"/float64", func(t *testing.T) { testCavRow[float64](t, l, 1e-12, 0x1p-1022) })
		t.Run(l.String()+"/float32", func(t *testing.T) { testCavRow[float32](t, l, 1e-5, 0x1p-126) })
	}
}

// testCavRow allows a relative error tol, and an absolute one of
// 4·minNormal·|m|·max(1, 1/s) where exp underflows (or is flushed to 0).
func testCavRow[T Float](t *testing.T, l vecLevel, tol, minNormal float64) {
	rng := newRNG(11, uint64(l))
	cav := cavRow[T](l)
	worst := 0.0
	for _, B := range []int{1, 3, 8, 13, 31, 32, 33, 100, 128, 129} {
		for rep := 0; rep < 40; rep++ {
			x, omega, v, btop := make([]T, B), make([]T, B), make([]T, B), make([]T, B)
			m := T(rng.NormFloat64())
			for n := range x {
				b, w, vv, xx := cavFieldCase(rng)
				btop[n], omega[n], v[n], x[n] = T(b), T(w), T(vv), T(xx)
				if rng.IntN(8) == 0 { // u' = ±0: the two branches of D meet
					x[n], omega[n] = 1, m
				}
			}
			bp := padded(B)
			prep := make([]T, cavStreams*bp)
			bpiPrep(prep, omega, v, btop, 1, B, bp)
			xp, acc := make([]T, bp), make([]T, bp)
			copy(xp, x)
			h := cav(xp, prep, acc, bp, m)
			g := cavRef(m, x, omega, v, btop)
			var hw, habs, hfloor float64
			for n := range x {
				want := float64(m) * g[n]
				hw += g[n] * float64(x[n])
				habs += math.Abs(g[n] * float64(x[n]))
				scale := 4 * minNormal * math.Max(1, 1/math.Sqrt(float64(v[n])))
				hfloor += scale * math.Abs(float64(x[n]))
				floor := scale * math.Abs(float64(m))
				e := math.Abs(float64(acc[n]) - want)
				if e > floor {
					worst = math.Max(worst, e/math.Abs(want))
				}
				if !(e <= tol*math.Abs(want)+floor) {
					t.Fatalf("B=%d n=%d: Btop=%v ω=%v V=%v x=%v m=%v: m·g = %v, want %v", B, n, btop[n], omega[n], v[n], x[n], m, acc[n], want)
				}
			}
			for n := B; n < bp; n++ {
				if acc[n] != 0 {
					t.Fatalf("B=%d: padded point %d has m·g = %v, want 0", B, n, acc[n])
				}
			}
			if e := math.Abs(float64(h) - hw); !(e <= 4*tol*habs+hfloor) {
				t.Fatalf("B=%d: h = %v, want %v (|Σ| %v)", B, h, hw, habs)
			}
		}
	}
	t.Logf("%v: worst relative error of g: %.3g", l, worst)
}

// TestBPICavityLevels checks the whole BPICavity op (dense and sparse,
// with and without B) at every vector level against the scalar level, on
// shapes whose batch is not a multiple of the vector width, with an empty
// mask row and column.
func TestBPICavityLevels(t *testing.T) {
	for _, s := range []kNB{{1, 1, 1}, {3, 5, 7}, {6, 4, 33}, {9, 17, 64}} {
		for _, sparse := range []bool{false, true} {
			for _, l := range vecLevels() {
				name := fmt.Sprintf("%v/sparse=%t/%v", s, sparse, l)
				t.Run(name+"/float64", func(t *testing.T) { testBPILevel[float64](t, l, s, sparse, 1e-12) })
				t.Run(name+"/float32", func(t *testing.T) { testBPILevel[float32](t, l, s, sparse, 1e-5) })
			}
		}
	}
}

func testBPILevel[T Float](t *testing.T, l vecLevel, s kNB, sparse bool, tol float64) {
	rng := newRNG(5, uint64(s.K*1000+s.N*10+s.B))
	K, N, B := s.K, s.N, s.B
	mk := func(n int, f func() float64) []T {
		a := make([]T, n)
		for i := range a {
			a[i] = T(f())
		}
		return a
	}
	var p *Pattern
	nm := K * N
	if sparse {
		mask := make([]float64, K*N)
		for j := range mask {
			if j/N != 0 && j%N != N-1 && rng.IntN(3) > 0 { // row 0 and column N−1 empty
				mask[j] = 1
			}
		}
		p = NewPattern(K, N, mask)
		nm = p.NNZ()
	}
	m := mk(nm, func() float64 { return 2*rng.Float64() - 1 })
	x := mk(N*B, func() float64 { return 2*rng.Float64() - 1 })
	omega, v, btop := make([]T, K*B), make([]T, K*B), make([]T, K*B)
	for j := range omega {
		b, w, vv, _ := cavFieldCase(rng)
		btop[j], omega[j], v[j] = T(b), T(w), T(vv)
	}
	n := nm + N*B
	want, got := make([]T, n), make([]T, n)
	fields, sv, inv := make([]signField, K*B), make([]float64, K*B), make([]float64, K*B)
	bpiCavity(want, m, x, omega, v, btop, fields, sv, inv, K, N, B, true, p)
	scratch := make([]T, bpiVecScratch(K, N, B))
	bpiCavityVec(cavRow[T](l), got, m, x, omega, v, btop, scratch, K, N, B, true, p)
	// The scale of each sum: the same contraction of |g|.
	for j := range want {
		e := math.Abs(float64(got[j] - want[j]))
		if !(e <= tol*math.Max(1, math.Abs(float64(want[j])))) {
			t.Fatalf("element %d of %d: %v, want %v", j, n, got[j], want[j])
		}
	}
}

// TestCavRowErfcx isolates the kernels' erfcx: with Btop = +Inf, V = 1 and
// m = 0, g = √(2/π)/erfcx(u'/√2) = GH(u') with u' = −ω, which the test sweeps
// over [1e-6, 1e6] (log-spaced) and compares with GH, built on the
// tabulated Erfcx (relative error ≤ 5e-16). Bounds: 2e-14 (float64;
// Weideman's form with 19 fitted terms, 5.6e-15 against a
// continued-fraction reference, measured 5.2e-15 here) and 2e-6 (float32,
// 8 fitted terms in float32, measured 3.6e-7).
func TestCavRowErfcx(t *testing.T) {
	for _, l := range vecLevels() {
		t.Run(l.String()+"/float64", func(t *testing.T) { testCavErfcx[float64](t, l, 2e-14) })
		t.Run(l.String()+"/float32", func(t *testing.T) { testCavErfcx[float32](t, l, 2e-6) })
	}
}

func testCavErfcx[T Float](t *testing.T, l vecLevel, tol float64) {
	const points = 4096
	cav := cavRow[T](l)
	x, acc, prep := make([]T, vecPad), make([]T, vecPad), make([]T, cavStreams*vecPad)
	x[0] = 1 // one point per call: h = g
	worst := 0.0
	for j := 0; j < points; j++ {
		u := T(math.Pow(10, -6+12*float64(j)/(points-1)))
		bpiPrep(prep, []T{-u}, []T{1}, []T{T(math.Inf(1))}, 1, 1, vecPad)
		g := float64(cav(x, prep, acc, vecPad, 0))
		want := GH(float64(u))
		e := math.Abs(g-want) / want
		worst = math.Max(worst, e)
		if !(e <= tol) {
			t.Fatalf("u' = %v: g = %v, want GH(u') = %v (rel %.3g)", u, g, want, e)
		}
	}
	t.Logf("%v: worst relative error %.3g", l, worst)
}

// TestBPCavityGLevels checks the BP cavity output functions (bpCavityG) at
// every vector level against the scalar cavityG point by point, with x̂cav
// per unit and broadcast, on batches that are not multiples of the vector
// width. The kernels form u' = (m·x̂ − ω)·sign(Btop)/s where the scalar code
// divides by s: one rounding more, which g amplifies by up to u'², so the
// bound is relative tol·max(1, u'²/2), with the absolute floor of testCavRow.
func TestBPCavityGLevels(t *testing.T) {
	for _, s := range []kNB{{1, 1, 1}, {3, 5, 7}, {4, 6, 33}, {5, 3, 64}} {
		for _, bcast := range []bool{false, true} {
			for _, l := range vecLevels() {
				name := fmt.Sprintf("%v/bcast=%t/%v", s, bcast, l)
				t.Run(name+"/float64", func(t *testing.T) { testBPGLevel[float64](t, l, s, bcast, 1e-13, 0x1p-1022) })
				t.Run(name+"/float32", func(t *testing.T) { testBPGLevel[float32](t, l, s, bcast, 2e-6, 0x1p-126) })
			}
		}
	}
}

func testBPGLevel[T Float](t *testing.T, l vecLevel, s kNB, bcast bool, tol, minNormal float64) {
	rng := newRNG(9, uint64(s.K*1000+s.N*10+s.B))
	K, N, B := s.K, s.N, s.B
	omega, v, btop := make([]T, K*B), make([]T, K*B), make([]T, K*B)
	for j := range omega {
		b, w, vv, _ := cavFieldCase(rng)
		btop[j], omega[j], v[j] = T(b), T(w), T(vv)
	}
	mcav := make([]T, K*N*B)
	for j := range mcav {
		mcav[j] = T(2*rng.Float64() - 1)
	}
	nx := K * N * B
	if bcast {
		nx = N * B
	}
	x := make([]T, nx)
	for j := range x {
		x[j] = T(2*rng.Float64() - 1)
	}
	xc := cavX[T]{x, bcast, N * B}
	knb := K * N * B
	want, got := make([]T, knb), make([]T, knb)
	cavityG(want, btop, omega, v, mcav, xc, K, N, B)
	var prep []T
	cavityGVec(cavGRow[T](l), got, btop, omega, v, mcav, xc, &prep, K, N, B)
	checkBPG(t, got, want, btop, omega, v, mcav, xc, s, tol, minNormal)

	// The fused backward step: the same messages, and their contractions.
	wantF, gotF := make([]T, knb+K*N+N*B), make([]T, knb+K*N+N*B)
	atLevel(t, vecScalar, func() { cavityBackward(wantF, btop, omega, v, mcav, xc, &prep, K, N, B, true) })
	atLevel(t, l, func() { cavityBackward(gotF, btop, omega, v, mcav, xc, &prep, K, N, B, true) })
	checkBPG(t, gotF[:knb], wantF[:knb], btop, omega, v, mcav, xc, s, tol, minNormal)
	// The contractions, against those of the same messages summed in the
	// scalar order, to the rounding of the sums (scale: the sums of |·|).
	g := gotF[:knb]
	ref, refAbs := make([]T, K*N+N*B), make([]T, K*N+N*B)
	cavityHin(ref[:K*N], g, xc, K, N, B)
	cavityDownField(ref[K*N:], mcav, g, K, N, B)
	cavityHin(refAbs[:K*N], absX(g), cavX[T]{absX(x), bcast, N * B}, K, N, B)
	cavityDownField(refAbs[K*N:], absX(mcav), absX(g), K, N, B)
	for j, w := range ref {
		if g := gotF[knb+j]; !(math.Abs(float64(g-w)) <= tol*float64(refAbs[j])) {
			t.Fatalf("contraction %d (Hin: < %d): %v, want %v (Σ|·| %v)", j, K*N, g, w, refAbs[j])
		}
	}
}

// absX returns |x| element by element.
func absX[T Float](x []T) []T {
	a := make([]T, len(x))
	for j, v := range x {
		a[j] = T(math.Abs(float64(v)))
	}
	return a
}

// checkBPG checks BP cavity messages got against the scalar want (see
// TestBPCavityGLevels for the bound).
func checkBPG[T Float](t *testing.T, got, want, btop, omega, v, mcav []T, xc cavX[T], s kNB, tol, minNormal float64) {
	t.Helper()
	K, N, B := s.K, s.N, s.B
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			for n := 0; n < B; n++ {
				j, kn := (k*N+i)*B+n, k*B+n
				sd := math.Sqrt(float64(v[kn]))
				u := (float64(mcav[j]*xc.at(k)[i*B+n]) - float64(omega[kn])) / sd
				floor := 4 * minNormal * math.Max(1, 1/sd)
				w, g := float64(want[j]), float64(got[j])
				if !(math.Abs(g-w) <= tol*math.Max(1, u*u/2)*math.Abs(w)+floor) {
					t.Fatalf("(k,i,n) = (%d,%d,%d), Btop=%v ω=%v V=%v u=%v: g = %v, want %v", k, i, n, btop[kn], omega[kn], v[kn], u, g, w)
				}
			}
		}
	}
}

// TestSetCPUKernels checks the level names SetCPUKernels accepts, that it
// refuses others with an error naming the accepted ones, and that a refused
// call changes nothing.
func TestSetCPUKernels(t *testing.T) {
	defer SetCPUKernels("auto")
	for l := vecScalar; l < numVecLevels; l++ {
		err := SetCPUKernels(l.String())
		if isa.Supported(l) != (err == nil) {
			t.Errorf("SetCPUKernels(%q) = %v, but supported = %t", l, err, isa.Supported(l))
		}
		if err == nil && CPUKernels() != l.String() {
			t.Errorf("after SetCPUKernels(%q), CPUKernels() = %q", l, CPUKernels())
		}
	}
	if err := SetCPUKernels("scalar"); err != nil {
		t.Fatal(err)
	}
	err := SetCPUKernels("sse4")
	if err == nil || !strings.Contains(err.Error(), "auto, scalar, avx2 or avx512") {
		t.Errorf("SetCPUKernels(\"sse4\") = %v, want an error listing the levels", err)
	}
	if CPUKernels() != "scalar" {
		t.Errorf("a refused SetCPUKernels changed the level to %q", CPUKernels())
	}
	if err := SetCPUKernels("auto"); err != nil || CPUKernels() != bestVecLevel().String() {
		t.Errorf("SetCPUKernels(\"auto\") = %v, level %q, want %q", err, CPUKernels(), bestVecLevel())
	}
}
