package mpnet

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/tensor"
)

// refFirstNonFinite is the reference of firstNonFiniteOf: math.IsNaN and
// math.IsInf, one value at a time.
func refFirstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// TestFirstNonFiniteWords checks the word-at-a-time scan, and the copy
// that scans block by block, against the reference in float32 and float64, on lengths around the block and the
// word, on float32 slices that start off a word boundary, with the largest
// finite values, subnormals and −0 (which are finite) and NaN and ±Inf at
// the first, a middle and the last place.
func TestFirstNonFiniteWords(t *testing.T) {
	edge := []float64{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, math.Copysign(0, -1), 1e-40}
	bads := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for _, n := range []int{0, 1, 2, 3, 7, 2*scanBlock - 1, 2 * scanBlock, 2*scanBlock + 1, 5*scanBlock + 3, 3*copyBlock + 1} {
		v := make([]float64, n)
		for i := range v {
			v[i] = edge[i%len(edge)]
		}
		for _, at := range []int{-1, 0, n / 2, n - 2, n - 1} {
			if at < -1 || at >= n {
				continue
			}
			for _, bad := range bads {
				w := append([]float64(nil), v...)
				if at >= 0 {
					w[at] = bad
					w[n-1] = bad // a later one must not be found first
				}
				checkScan(t, fmt.Sprintf("n=%d, %v at %d", n, bad, at), w)
			}
		}
	}
	v64 := []float64{1, 2, 3, 4, 5}
	v64[3] = math.MaxFloat64
	checkScan(t, "MaxFloat64", v64)
}

// checkScan compares firstNonFiniteOf with the reference on v, on its
// float32 conversion and on the float32 slice v[1:] off a word boundary.
func checkScan(t *testing.T, name string, v []float64) {
	t.Helper()
	want := refFirstNonFinite(v)
	if got := firstNonFiniteOf(v); got != want {
		t.Errorf("%s, float64: got %d, want %d", name, got, want)
	}
	dst := make([]float64, len(v))
	if got := copyFirstNonFinite(dst, v); got != want || fmt.Sprint(dst) != fmt.Sprint(v) {
		t.Errorf("%s, float64 copied: got %d, want %d", name, got, want)
	}
	f := make([]float32, len(v)+1)
	for i, x := range v {
		f[i+1] = float32(x)
	}
	c := make([]float64, len(v))
	for i := range c {
		c[i] = float64(f[i+1])
	}
	want = refFirstNonFinite(c)
	if got := firstNonFiniteOf(f[1:]); got != want {
		t.Errorf("%s, float32 off a word: got %d, want %d", name, got, want)
	}
	if got := firstNonFiniteOf(f[:len(v)]); got != refFirstNonFinite(append([]float64{0}, c...)[:len(v)]) {
		t.Errorf("%s, float32 on a word: got %d", name, got)
	}
}

// TestAxpbyMatchesReference checks axpby, split over goroutines, against
// the element loop it replaced, bit for bit: in float64 and float32 (each
// element computed in float64 and rounded once), with b = 0 ignoring an
// Inf in dst.
func TestAxpbyMatchesReference(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3*splitGrain + 17
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, b := range []float64{0, 0.7} {
			x, d := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i], d[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			d[5] = math.Inf(1)
			xt, dd := denseOf(dt, x), denseOf(dt, d)
			want := float64s(dd)
			for i, xi := range float64s(xt) {
				switch {
				case b == 0 && dt == tensor.Float32:
					want[i] = float64(float32(1.3 * xi))
				case dt == tensor.Float32:
					want[i] = float64(float32(1.3*xi + b*want[i]))
				case b == 0:
					want[i] = 1.3 * xi
				default:
					want[i] = 1.3*xi + b*want[i]
				}
			}
			axpby(dd, 1.3, xt, b)
			for i, got := range float64s(dd) {
				if math.Float64bits(got) != math.Float64bits(want[i]) {
					t.Fatalf("%v, b=%v: element %d is %v, want %v", dt, b, i, got, want[i])
				}
			}
		}
	}
}

// denseOf returns a host tensor of dtype dt holding v.
func denseOf(dt tensor.Dtype, v []float64) *tensor.Dense {
	t := tensor.New(tensor.WithShape(len(v)), tensor.Of(dt))
	setFloat64s(t, v)
	return t
}

// TestTransposeInto checks the tiled transpose against the definition on
// shapes that are not multiples of the tile.
func TestTransposeInto(t *testing.T) {
	for _, s := range [][2]int{{1, 1}, {3, 70}, {37, 33}, {128, 65}} {
		B, N := s[0], s[1]
		x := make([]float64, B*N)
		for i := range x {
			x[i] = float64(i) + 0.1
		}
		d64, d32 := make([]float64, B*N), make([]float32, B*N)
		transposeInto(d64, x, B, N)
		transposeInto(d32, x, B, N)
		for n := range B {
			for i := range N {
				if d64[i*B+n] != x[n*N+i] || d32[i*B+n] != float32(x[n*N+i]) {
					t.Fatalf("%d×%d: [%d,%d] is %v / %v, want %v", B, N, i, n, d64[i*B+n], d32[i*B+n], x[n*N+i])
				}
			}
		}
	}
}

// TestSetBatchInputs checks that SetBatch loads the transposed batch into
// x̂ and refuses a NaN or Inf input naming its sample and feature.
func TestSetBatchInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		cfg := Config{Widths: []int{70, 40, 3}, Kinds: Kinds(MF, 2, 3), Dtype: dt}
		net := initNet(t, cfg, rng)
		x, y := problem(rng, cfg.Widths, 37)
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		got := float64s(net.sw.x)
		for n := range 37 {
			for i := range 70 {
				if want := float64(float32(x[n*70+i])); dt == tensor.Float32 && got[i*37+n] != want ||
					dt == tensor.Float64 && got[i*37+n] != x[n*70+i] {
					t.Fatalf("%v: x̂[%d,%d] = %v, want x[%d,%d] = %v", dt, i, n, got[i*37+n], n, i, x[n*70+i])
				}
			}
		}
		for _, c := range []struct {
			at   int
			v    float64
			want string
		}{{2*70 + 5, math.NaN(), "mpnet: SetBatch: input 5 of sample 2 is NaN"},
			{36*70 + 69, math.Inf(-1), "mpnet: SetBatch: input 69 of sample 36 is -Inf"}} {
			bad := append([]float64(nil), x...)
			bad[c.at] = c.v
			bad[len(bad)-1] = math.NaN() // a later one must not be named
			if c.at == len(bad)-1 {
				bad[c.at] = c.v
			}
			if err := net.SetBatch(bad, y); err == nil || err.Error() != c.want {
				t.Errorf("%v: SetBatch error %v, want %q", dt, err, c.want)
			}
		}
	}
}

// TestIterateChangeAndFinite checks, in float64 and float32, that the
// change Iterate returns is max_l mean|m_old − m_new| summed in index order
// in float64, bit for bit, and that a non-finite Hext is reported by
// Iterate with the layer, field and index that CheckFinite and the
// reference scan give.
func TestIterateChangeAndFinite(t *testing.T) {
	psi, r := []float64{0.5, 0.5, 0.5}, []float64{0, 0, 0}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		rng := rand.New(rand.NewPCG(7, 8))
		cfg := Config{Widths: []int{300, 200, 100, 1}, Kinds: Kinds(MF, 3, 1), Dtype: dt}
		net := initNet(t, cfg, rng)
		x, y := problem(rng, cfg.Widths, 16)
		if err := net.SetBatch(x, y); err != nil {
			t.Fatal(err)
		}
		old := [][]float64{net.M(0), net.M(1), net.M(2)}
		change, err := net.Iterate(psi, r)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		for l, m := range old {
			var s float64
			for i, v := range net.M(l) {
				s += math.Abs(m[i] - v)
			}
			want = max(want, s/float64(len(m)))
		}
		if math.Float64bits(change) != math.Float64bits(want) {
			t.Errorf("%v: change %v, want %v", dt, change, want)
		}
		hext := net.layers[1].hext
		v := float64s(hext)
		v[4321], v[7777] = math.Inf(1), math.NaN()
		setFloat64s(hext, v)
		_, err = net.Iterate(psi, r)
		var nf *NonFiniteError
		if !errors.As(err, &nf) {
			t.Fatalf("%v: Iterate with an Inf in Hext returned %v", dt, err)
		}
		ref := refNonFinite(net)
		if cf := net.CheckFinite(); *nf != ref || cf == nil || cf.Error() != err.Error() {
			t.Errorf("%v: Iterate reported %v, CheckFinite %v, the reference %v", dt, err, cf, &ref)
		}
	}
}

// refNonFinite is CheckFinite by the reference scan.
func refNonFinite(net *Network) NonFiniteError {
	for l := range net.layers {
		for _, f := range []struct {
			name string
			v    []float64
		}{{"m", net.M(l)}, {"H", net.H(l)}, {"Hext", net.Hext(l)}} {
			if i := refFirstNonFinite(f.v); i >= 0 {
				return NonFiniteError{Layer: l, Field: f.name, Index: i}
			}
		}
	}
	return NonFiniteError{Index: -1}
}

// BenchmarkBookkeeping times the passes over the state outside the sweep
// graph at the shape of the first layer of W1 (501×784), in float64 and
// float32: the finite scan of one tensor, the copy of m with its change,
// the PasP step axpby, and SetBatch's check and transpose of a batch of
// 128.
func BenchmarkBookkeeping(b *testing.B) {
	const K, N, B = 501, 784, 128
	rng := rand.New(rand.NewPCG(9, 10))
	v := make([]float64, K*N)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	x := v[:B*N]
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		m, w := denseOf(dt, v), denseOf(dt, v)
		xt := tensor.New(tensor.WithShape(N, B), tensor.Of(dt))
		b.Run(fmt.Sprintf("%v/finite", dt), func(b *testing.B) {
			for b.Loop() {
				firstNonFinite(m)
			}
		})
		b.Run(fmt.Sprintf("%v/moveMeans", dt), func(b *testing.B) {
			for b.Loop() {
				if dt == tensor.Float64 {
					moveMeans(m.Float64s(), w.Float64s())
				} else {
					moveMeans(m.Float32s(), w.Float32s())
				}
			}
		})
		b.Run(fmt.Sprintf("%v/axpby", dt), func(b *testing.B) {
			for b.Loop() {
				axpby(m, 1, w, 1)
			}
		})
		b.Run(fmt.Sprintf("%v/batch", dt), func(b *testing.B) {
			sw := &sweep{B: B, x: xt}
			for b.Loop() {
				firstNonFinite64(x)
				sw.setInputs(x, N)
			}
		})
	}
}
