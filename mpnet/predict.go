package mpnet

import (
	"cmp"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// predictChunk is the number of samples propagated together.
const predictChunk = 1024

// tieBreak is added to pre-activations before taking their sign, so that
// ties go to +1 (ALGORITHMS §12.1).
const tieBreak = 1e-10

// Predict writes the point-wise prediction of each of the M = len(dst)
// samples in x (M×N_0, one sample per row) into dst: the network with
// weights W_l = sign(m_l)·mask_l (W_l = m_l·mask_l for a CBPI layer, whose
// weights are continuous) and sign activations (ALGORITHMS §12.1).
// Predictions are ±1 for a sign output and class indices for ArgMax
// (the first maximum on ties).
//
// The first layer's pre-activations are those of the naive sums
// Σ_i W_ki x_i in ascending i, bit for bit in their signs: on inputs that
// are mostly one background value (images) the first layer runs on each
// sample's other inputs only, and a unit whose sum lies within rounding
// of the tie is summed again the naive way (sparseFirst); otherwise it is
// a dense product. Every later layer with ±1 weights runs on bit-packed
// signs (XNOR and popcount), which gives exactly the dense result: its
// pre-activations are integers.
//
// Predict returns an error, and writes nothing, for a nil or zero network,
// no samples, len(x) ≠ M·N_0, a NaN or Inf input, or a NaN or Inf in the
// weight state m, H or Hext (a *NonFiniteError: a diverged network has no
// prediction, even when m = tanh(H) is still finite).
func (net *Network) Predict(dst []int, x []float64) error {
	return net.predict(dst, x, false)
}

// PredictBayes writes the Bayesian predictions of ALGORITHMS §12.2: one
// moment-propagation pass through the factorised weight posterior,
//
//	ω = m x̂,  s² = σ x̂² + m² Δ + σ Δ + 1e-8,  x̂ ← 2H(−ω/s) − 1,  Δ ← 1 − x̂²,
//
// starting from x̂ = x, Δ = 0; the prediction is sign(x̂_L) or argmax_k x̂_L[k].
// The products run in the float type of the network's messages, the first
// layer on sparse inputs as in Predict (the sums then differ from the
// dense ones by their rounding), x̂ = erf(ω/(s√2)) by ops.ErfRatio.
// It returns an error in the cases of Predict, and for a NaN or Inf
// variance σ.
func (net *Network) PredictBayes(dst []int, x []float64) error {
	return net.predict(dst, x, true)
}

func (net *Network) predict(dst []int, x []float64, bayes bool) error {
	if err := net.checkShape(len(dst), x); err != nil {
		return err
	}
	p, err := newPredictor(net, !bayes, bayes)
	if err != nil {
		return cmp.Or(net.checkSamples(len(dst), x), err)
	}
	out := make([]int, len(dst)) // dst is left unchanged on an error
	if bayes {
		err = p.check(nil, out, x)
	} else {
		err = p.check(out, nil, x)
	}
	if err != nil {
		return err
	}
	copy(dst, out)
	return nil
}

// checkShape checks a network to predict with and the number of inputs x
// of M samples.
func (net *Network) checkShape(M int, x []float64) error {
	if err := net.ready(); err != nil {
		return err
	}
	N0 := net.cfg.Widths[0]
	if M == 0 {
		return errors.New("mpnet: predict: no samples")
	}
	if len(x) != M*N0 {
		return errors.Errorf("mpnet: predict: %d samples need %d inputs, got %d", M, M*N0, len(x))
	}
	return nil
}

// checkSamples is checkShape, then a check that the inputs x are finite
// (the first NaN or Inf is reported). A prediction checks its inputs as it
// reads them (predictor.check); this is for the errors found before.
func (net *Network) checkSamples(M int, x []float64) error {
	if err := net.checkShape(M, x); err != nil {
		return err
	}
	return inputError(x, net.cfg.Widths[0], firstNonFiniteAll(x))
}

// inputError returns the error for the NaN or Inf input x[i] (N0 inputs
// per sample), nil for i < 0.
func inputError(x []float64, N0, i int) error {
	if i < 0 {
		return nil
	}
	return errors.Errorf("mpnet: predict: input %d of sample %d is %v (inputs must be finite)", i%N0, i/N0, x[i])
}

// predictor holds the weights of one Predict, PredictBayes or Errors
// call, as float64 K×N matrices and in the forms the chunks use.
type predictor struct {
	net *Network
	// Point-wise (nil if not wanted): the weights, and the packed weights of
	// the layers below the first whose weights are all in {−1, 0, +1}, nil
	// for the others (dense product).
	w      [][]float64
	packed []*ternary
	// Bayesian (nil if not wanted): the weights in the network's float type.
	bayes64 *bayesWeights[float64]
	bayes32 *bayesWeights[float32]
	first   *sparseFirst // the first layer for sparse inputs; nil: dense only
	dense   bool         // the reference: dense first layer on every chunk
}

// newPredictor checks that the state of net is finite (a *NonFiniteError
// otherwise) and prepares its weights for point-wise and/or Bayesian
// prediction.
func newPredictor(net *Network, point, bayes bool) (*predictor, error) {
	if err := net.CheckFinite(); err != nil { // m, H and Hext
		return nil, errors.Wrap(err, "mpnet: predict")
	}
	if net.dt == tensor.Float32 {
		return predictorOf[float32](net, point, bayes)
	}
	return predictorOf[float64](net, point, bayes)
}

// predictorOf is newPredictor for a network whose messages are of type T.
// It reads the means m and (for a Bayesian prediction) the variances σ of
// every layer once, in T, checks σ, and prepares the layers over up to
// GOMAXPROCS goroutines.
func predictorOf[T ops.Float](net *Network, point, bayes bool) (*predictor, error) {
	L := net.L()
	mean, vari := make([][]T, L), make([][]T, L)
	for l, ly := range net.layers {
		mean[l] = weightsOf[T](ly, ly.m)
		if bayes {
			vari[l] = weightsOf[T](ly, ly.sigma)
			if i := firstNonFiniteOf(vari[l]); i >= 0 {
				return nil, errors.Wrap(&NonFiniteError{Layer: l, Field: "sigma", Index: i}, "mpnet: predict")
			}
		}
	}
	if err := net.devErr(); err != nil {
		return nil, err
	}
	p := &predictor{net: net}
	if point {
		p.w, p.packed = make([][]float64, L), make([]*ternary, L)
		forEach(L, func() func(int) {
			return func(l int) { p.w[l], p.packed[l] = pointWeightsOf(net.layers[l], mean[l]) }
		})
	}
	if bayes {
		switch bw := any(newBayesWeights(net, mean, vari)).(type) {
		case *bayesWeights[float32]:
			p.bayes32 = bw
		case *bayesWeights[float64]:
			p.bayes64 = bw
		}
	}
	return p, nil
}

// weightsOf returns the K×N row-major values of the weight-shaped state
// tensor t of ly in the float type T (zeros at absent weights of a sparse
// layer): the tensor's own storage, which the caller must not change, for
// a host tensor of type T stored densely; a copy otherwise.
func weightsOf[T ops.Float](ly *layer, t *tensor.Dense) []T {
	var v []T
	if ops.DeviceOf(t) == nil {
		v, _ = t.Data().([]T)
	}
	if v == nil {
		v = convert[T](float64s(t))
	}
	if ly.pat == nil {
		return v
	}
	out := make([]T, ly.K*ly.N)
	for k := range ly.K {
		for q := ly.pat.RowPtr[k]; q < ly.pat.RowPtr[k+1]; q++ {
			out[k*ly.N+int(ly.pat.Col[q])] = v[q]
		}
	}
	return out
}

// pointWeightsOf returns the point-wise weights of layer ly from its means
// m, and, below the first layer, the weights packed if they are ternary.
func pointWeightsOf[T ops.Float](ly *layer, m []T) ([]float64, *ternary) {
	w := convert[float64](m)
	ly.rule.pointWeights(w) // sign(m), or m for Gaussian weights (§12.1)
	if !ly.first {
		if t, ok := packTernary(w, ly.K, ly.N); ok { // nil unless ternary
			return w, t.withRows()
		}
	}
	return w, nil
}

// forEach calls do(i) for i = 0 … n−1 on up to GOMAXPROCS goroutines, each
// taking the next i as it finishes one; newDo makes each goroutine's do
// (with its own scratch space).
func forEach(n int, newDo func() func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			do := newDo()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				do(i)
			}
		})
	}
	wg.Wait()
}

// check runs p on the samples x and returns the error of inputError for
// their first NaN or Inf input, or nil.
func (p *predictor) check(point, bayes []int, x []float64) error {
	return inputError(x, p.net.cfg.Widths[0], p.run(point, bayes, x))
}

// run writes the point-wise predictions of the samples x into point and
// the Bayesian ones into bayes (either may be nil, when p does not hold
// its weights), and returns −1; or, if an input is NaN or Inf, the index
// of the first such input, and then the predictions are unspecified. The
// chunks of predictChunk samples spread over up to GOMAXPROCS goroutines,
// each with its own scratch space; each chunk's result does not depend on
// the others. A chunk whose inputs are mostly the background value of the
// first sample runs the first layer on its foreground only (sparseFirst).
func (p *predictor) run(point, bayes []int, x []float64) int {
	N0, M := p.net.cfg.Widths[0], len(x)/p.net.cfg.Widths[0]
	if p.first == nil && !p.dense {
		p.first = newSparseFirst(p, background(x, N0))
	}
	chunks := (M + predictChunk - 1) / predictChunk
	var mu sync.Mutex
	bad := -1
	forEach(chunks, func() func(int) {
		ws := new(workspace)
		return func(c int) {
			lo, hi := c*predictChunk, min((c+1)*predictChunk, M)
			if i := p.chunk(ws, point, bayes, lo, hi, x[lo*N0:hi*N0]); i >= 0 {
				mu.Lock()
				if bad < 0 || lo*N0+i < bad {
					bad = lo*N0 + i
				}
				mu.Unlock()
			}
		}
	})
	return bad
}

// workspace is the scratch space of one goroutine of run.
type workspace struct {
	sp     sparseInputs
	pt     pointScratch
	b64    bayesScratch[float64]
	b32    bayesScratch[float32]
	scores []float64
}

// chunk predicts the samples lo … hi−1, whose inputs are x, and returns
// −1; or, predicting nothing, the index in x of their first NaN or Inf
// input. The sparse first layer checks the inputs as it reads them.
func (p *predictor) chunk(ws *workspace, point, bayes []int, lo, hi int, x []float64) int {
	r, N0 := hi-lo, p.net.cfg.Widths[0]
	var sp, spBayes *sparseInputs
	checked := 0
	if p.first != nil {
		if ws.sp.build(x, r, N0, p.first.b) {
			sp = &ws.sp
			if sp.frac <= maxForegroundBayes {
				spBayes = sp
			}
		} else if ws.sp.bad >= 0 {
			return ws.sp.bad
		}
		checked = ws.sp.checked
	}
	if i := firstNonFinite64(x[checked*N0:]); i >= 0 {
		return checked*N0 + i
	}
	K := p.net.layers[p.net.L()-1].K
	switch {
	case p.bayes32 != nil:
		ws.scores = p.bayes32.scores(&ws.b32, ws.scores, p.net, x, r, spBayes, p.first.bayes32())
		Decide(bayes[lo:hi], ws.scores, K, 0)
	case p.bayes64 != nil:
		ws.scores = p.bayes64.scores(&ws.b64, ws.scores, p.net, x, r, spBayes, p.first.bayes64())
		Decide(bayes[lo:hi], ws.scores, K, 0)
	}
	if point != nil {
		p.pointChunk(ws, point[lo:hi], x, sp)
	}
	return -1
}

// gemmNT sets c (r×K) = a (r×N) · bᵀ (b is K×N).
func gemmNT(c, a, b []float64, r, N, K int) {
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: r, Cols: N, Stride: N, Data: a},
		blas64.General{Rows: K, Cols: N, Stride: N, Data: b},
		0, blas64.General{Rows: r, Cols: K, Stride: K, Data: c})
}

// pointChunk writes the point-wise predictions of the len(dst) samples x:
// the sparse first layer if sp holds their foreground, dense products for
// the first layer otherwise and for layers with continuous weights, packed
// ones for the others.
func (p *predictor) pointChunk(ws *workspace, dst []int, x []float64, sp *sparseInputs) {
	r, start := len(dst), 0
	h := x         // dense activations (or inputs, or last scores)
	var a *ternary // packed activations; h is stale while a != nil
	if f := p.first; sp != nil && f.point != nil {
		a, start = newTernary(r, p.net.layers[0].K), 1
		f.pointFirst(a, x, sp, &ws.pt)
	}
	for l, ly := range p.net.layers[start:] {
		l += start
		K, N := ly.K, ly.N
		if w := p.packed[l]; w != nil {
			if a == nil {
				a, _ = packTernary(h, r, N) // signs: always ternary
			}
			if ly.last {
				h = make([]float64, r*K)
				scoresTo(h, a, w)
				break
			}
			next := newTernary(r, K)
			signsTo(next, a, w)
			a = next
			continue
		}
		if a != nil {
			h = make([]float64, r*N)
			a.unpack(h)
			a = nil
		}
		z := make([]float64, r*K)
		gemmNT(z, h, p.w[l], r, N, K)
		if !ly.last {
			for j, v := range z {
				z[j] = sign(v + tieBreak)
			}
		}
		h = z
	}
	Decide(dst, h, p.net.layers[p.net.L()-1].K, tieBreak)
}

// Decide writes the prediction for each of the len(dst) rows of scores
// (K values per row, row-major): for K = 1 the sign of the score plus tie
// (±1, 0 for an exact zero), otherwise the index of the first maximum
// (ALGORITHMS §12). Every trainer of the module decides this way. Rows
// that scores does not hold, and every row when K < 1, are left unchanged.
func Decide(dst []int, scores []float64, K int, tie float64) {
	if K < 1 {
		return
	}
	for n := range dst[:min(len(dst), len(scores)/K)] {
		row := scores[n*K : (n+1)*K]
		if K == 1 {
			dst[n] = int(sign(row[0] + tie))
			continue
		}
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		dst[n] = best
	}
}

// Sign returns +1 for v > 0, −1 for v < 0 and 0 for 0 (and NaN): the sign
// of point-wise weights and activations (ALGORITHMS §12.1).
func Sign(v float64) float64 { return sign(v) }

// sign is branch-free: the signs of weights are as good as random.
func sign(v float64) float64 { return float64(b2i(v > 0) - b2i(v < 0)) }

// b2i returns 1 for true and 0 for false (a flag, not a branch).
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// Errors returns the point-wise and Bayesian error rates, in percent, of the
// network on the samples x (M×N_0) with labels y (±1 for a sign output,
// class indices in [0, K) for ArgMax). It returns an error in the cases of
// Predict and PredictBayes, and for a label the output cannot produce.
func (net *Network) Errors(x []float64, y []int) (pointwise, bayes float64, err error) {
	if err := net.checkShape(len(y), x); err != nil {
		return 0, 0, errors.Wrap(err, "mpnet: Errors")
	}
	if _, err := net.labelFields(y); err != nil {
		return 0, 0, errors.Wrap(cmp.Or(net.checkSamples(len(y), x), err), "mpnet: Errors")
	}
	p, err := newPredictor(net, true, true)
	if err != nil {
		if e := net.checkSamples(len(y), x); e != nil {
			return 0, 0, errors.Wrap(e, "mpnet: Errors")
		}
		return 0, 0, err
	}
	point, bayesPred := make([]int, len(y)), make([]int, len(y))
	if err := p.check(point, bayesPred, x); err != nil {
		return 0, 0, errors.Wrap(err, "mpnet: Errors")
	}
	rate := func(pred []int) float64 {
		wrong := 0
		for n, p := range pred {
			if p != y[n] {
				wrong++
			}
		}
		return 100 * float64(wrong) / float64(len(y))
	}
	return rate(point), rate(bayesPred), nil
}
