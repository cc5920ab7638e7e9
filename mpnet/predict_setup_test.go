package mpnet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// refPredictor builds the weights of a prediction the plain way, as
// newPredictor did before it read the tensors in their own float type:
// every state as a float64 K×N copy (layer.full), the point-wise weights
// from a copy of m, the Bayesian ones converted to T from float64 and
// transposed one value at a time, and the sparse first layer for the
// background b from float64 row sums taken one row at a time.
func refPredictor[T ops.Float](net *Network, b float64) (*predictor, *bayesWeights[T]) {
	L := net.L()
	p := &predictor{net: net, w: make([][]float64, L), packed: make([]*ternary, L)}
	bw := &bayesWeights[T]{mt: make([][]T, L), sqt: make([][]T, L), rowSum: make([][]T, L), floor: make([][]T, L)}
	bw.dense0.Do(func() {}) // set below
	for l, ly := range net.layers {
		K, N := ly.K, ly.N
		mean, vari := ly.full(ly.m), ly.full(ly.sigma)
		p.w[l] = ly.full(ly.m)
		ly.rule.pointWeights(p.w[l])
		if t, ok := packTernary(p.w[l], K, N); ok && !ly.first {
			p.packed[l] = t.withRows()
		}
		m, v := convert[T](mean), convert[T](vari)
		if l == 0 {
			bw.m0, bw.vari0, bw.n0 = m, v, N
		}
		bw.mt[l], bw.sqt[l], bw.rowSum[l], bw.floor[l] = make([]T, K*N), make([]T, K*N), make([]T, K), make([]T, K)
		for k := range K {
			s := T(ops.VarianceFloor)
			for i := range N {
				bw.mt[l][i*K+k], bw.sqt[l][i*K+k] = m[k*N+i], m[k*N+i]*m[k*N+i]
				if l == 0 {
					bw.sqt[l][i*K+k] = v[k*N+i]
				}
				s += v[k*N+i]
			}
			bw.rowSum[l][k], bw.floor[l][k] = s, T(ops.VarianceFloor)
		}
	}
	rowSums := func(w []float64, c float64) []float64 {
		K, N := net.layers[0].K, net.layers[0].N
		out := make([]float64, K)
		for k := range K {
			var s float64
			for _, v := range w[k*N : (k+1)*N] {
				s += v
			}
			out[k] = c * s
		}
		return out
	}
	ly := net.layers[0]
	f := &sparseFirst{b: b}
	base := rowSums(p.w[0], b)
	for k := range base {
		base[k] += tieBreak
	}
	if sp, err := ops.NewSignProduct(p.w[0], base, ly.K, ly.N); err == nil {
		f.w, f.point = p.w[0], sp
	}
	bases := [][]float64{rowSums(ly.full(ly.m), b), rowSums(ly.full(ly.sigma), b*b)}
	for k := range bases[1] {
		bases[1][k] += ops.VarianceFloor
	}
	switch any(bw).(type) {
	case *bayesWeights[float32]:
		f.b32 = bayesProduct(convert[float32](ly.full(ly.m)), convert[float32](ly.full(ly.sigma)), bases, ly.K, ly.N)
	default:
		f.b64 = bayesProduct(ly.full(ly.m), ly.full(ly.sigma), bases, ly.K, ly.N)
	}
	p.first = f
	return p, bw
}

// sameBits reports whether a and b hold the same values bit for bit.
func sameBits[T ops.Float](a, b []T) bool {
	return slices.EqualFunc(a, b, func(x, y T) bool { return math.Float64bits(float64(x)) == math.Float64bits(float64(y)) })
}

// TestPredictorMatchesReference checks that newPredictor and newSparseFirst
// prepare, bit for bit, the weights that refPredictor prepares, for float64
// and float32 networks of each weight kind, with dense and sparse storage
// and masks, and that the point-wise and Bayesian predictions of both
// agree on inputs with a background (the sparse first layer) and without
// (the dense one, prepared at its first use).
func TestPredictorMatchesReference(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, k := range []Kind{MF, BPI, CBPI} {
			for _, dense := range []bool{true, false} {
				name := fmt.Sprintf("%v/%v/dense=%v", dt, k, dense)
				widths := []int{70, 65, 33, 10}
				cfg := Config{Widths: widths, Kinds: Kinds(k, 3, 10), Dtype: dt, Density: []float64{0.7, 0.6, 1}, DenseStorage: dense}
				net := trainNoPanic(t, cfg, 7, 3, 1, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
				if dt == tensor.Float32 {
					checkPredictor[float32](t, name, net)
				} else {
					checkPredictor[float64](t, name, net)
				}
			}
		}
	}
}

func checkPredictor[T ops.Float](t *testing.T, name string, net *Network) {
	t.Helper()
	const b, M = -0.42, 300
	N0 := net.cfg.Widths[0]
	rng := rand.New(rand.NewPCG(8, 8))
	sparse, dense := make([]float64, M*N0), make([]float64, M*N0)
	for j := range sparse {
		sparse[j], dense[j] = b, rng.NormFloat64()
		if rng.IntN(6) == 0 {
			sparse[j] = rng.NormFloat64()
		}
	}
	p, err := newPredictor(net, true, true)
	if err != nil {
		t.Fatal(err)
	}
	p.first = newSparseFirst(p, b)
	ref, refBW := refPredictor[T](net, b)
	if ops.CPUKernels() == "scalar" { // no sparse first layer
		ref.first = nil
	}
	var bw *bayesWeights[T]
	switch v := any(&bw).(type) {
	case **bayesWeights[float32]:
		*v, ref.bayes32 = p.bayes32, any(refBW).(*bayesWeights[float32])
	case **bayesWeights[float64]:
		*v, ref.bayes64 = p.bayes64, any(refBW).(*bayesWeights[float64])
	}
	point, bayes := make([]int, M), make([]int, M)
	refPoint, refBayes := make([]int, M), make([]int, M)
	for _, x := range [][]float64{sparse, dense} {
		p.run(point, bayes, x)
		ref.run(refPoint, refBayes, x)
		if !slices.Equal(point, refPoint) || !slices.Equal(bayes, refBayes) {
			t.Fatalf("%s: the predictions differ from the reference's", name)
		}
	}
	for l := range net.L() {
		if !sameBits(p.w[l], ref.w[l]) || (p.packed[l] == nil) != (ref.packed[l] == nil) ||
			(p.packed[l] != nil && !reflect.DeepEqual(p.packed[l], ref.packed[l])) {
			t.Fatalf("%s: layer %d: point-wise weights differ", name, l)
		}
		if !sameBits(bw.mt[l], refBW.mt[l]) || !sameBits(bw.sqt[l], refBW.sqt[l]) ||
			!sameBits(bw.rowSum[l], refBW.rowSum[l]) || !sameBits(bw.floor[l], refBW.floor[l]) {
			t.Fatalf("%s: layer %d: Bayesian weights differ", name, l)
		}
	}
	if !sameBits(bw.m0, refBW.m0) || !sameBits(bw.vari0, refBW.vari0) {
		t.Fatalf("%s: the first layer's means or variances differ", name)
	}
	if !reflect.DeepEqual(p.first, ref.first) {
		t.Fatalf("%s: the sparse first layer differs", name)
	}
}

// TestPredictChecksInputs checks the input check that the chunks do as they
// read their inputs: for NaN and Inf inputs in sparse chunks (checked by
// sparseInputs.build), in a dense chunk, in the first sample (whose values
// give the background) and in several chunks at once, Predict, PredictBayes
// and Errors report the first one, as a plain scan finds it, and leave dst
// unchanged.
func TestPredictChecksInputs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const b, M = -0.42, 3*predictChunk + 5
	widths := []int{70, 65, 33, 10}
	net := trainNoPanic(t, Config{Widths: widths, Kinds: Kinds(MF, 3, 10), Dtype: tensor.Float32},
		7, 3, 1, []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8})
	N0 := widths[0]
	rng := rand.New(rand.NewPCG(9, 9))
	good, y := make([]float64, M*N0), make([]int, M)
	for j := range good {
		good[j] = b
		if rng.IntN(6) == 0 || j/(predictChunk*N0) == 1 { // chunk 1 is dense
			good[j] = rng.NormFloat64()
		}
	}
	if err := net.Predict(make([]int, M), good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]int{{0}, {5}, {M*N0 - 1}, {predictChunk*N0 + 3}, {2*predictChunk*N0 + 70, predictChunk*N0 + 69},
		{3*predictChunk*N0 + 1, 2*predictChunk*N0 + 7}} {
		x := slices.Clone(good)
		for j, i := range bad {
			x[i] = []float64{math.NaN(), math.Inf(-1)}[j%2]
		}
		first := slices.IndexFunc(x, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
		want := fmt.Sprintf("input %d of sample %d is %v", first%N0, first/N0, x[first])
		dst := make([]int, M)
		for _, f := range []func() error{
			func() error { return net.Predict(dst, x) },
			func() error { return net.PredictBayes(dst, x) },
			func() error { _, _, err := net.Errors(x, y); return err },
		} {
			if err := f(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("bad inputs at %v: error %v, want one containing %q", bad, err, want)
			}
		}
		if slices.ContainsFunc(dst, func(v int) bool { return v != 0 }) {
			t.Errorf("bad inputs at %v: dst changed", bad)
		}
	}
}
