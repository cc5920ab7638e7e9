package experiments

import (
	"math"
	"math/rand/v2"

	"github.com/pkg/errors"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// view is a trainer of any kind with the views an experiment needs.
type view struct {
	tr  *pasp.Trainer
	bn  *compare.BinaryNet
	ebp *compare.EBP
}

func newView(f compare.Fitter) (*view, error) {
	switch f := f.(type) {
	case *pasp.Trainer:
		return &view{tr: f}, nil
	case *compare.BinaryNet:
		return &view{bn: f}, nil
	case *compare.EBP:
		return &view{ebp: f}, nil
	}
	return nil, errors.Errorf("experiments: no error rates for a trainer of type %T", f)
}

// errors returns the point-wise and Bayesian error rates (%) on x, y; the
// Bayesian rate is 0 for BinaryNet and SGD, which have no Bayesian prediction.
func (h *view) errors(x []float64, y []int) (pw, bayes float64, err error) {
	switch {
	case h.tr != nil:
		return h.tr.Network().Errors(x, y)
	case h.bn != nil:
		pw, err = h.bn.Errors(x, y)
		return pw, 0, err
	}
	return h.ebp.Errors(x, y)
}

// pointWeights returns the point-wise weights of every layer (K×N
// row-major, pruned weights 0), or nil when the trainer has none.
func (h *view) pointWeights() [][]float64 {
	var ws [][]float64
	switch {
	case h.tr != nil:
		net := h.tr.Network()
		for l := 0; l < net.L(); l++ {
			ws = append(ws, net.PointWeights(l))
		}
	case h.bn != nil:
		for l := 0; l < h.bn.L(); l++ {
			w, mask := h.bn.Weights(l), h.bn.Mask(l)
			for i, v := range w {
				w[i] = 1 // sign(0) = +1, as BinaryNet predicts
				if v < 0 {
					w[i] = -1
				}
				if mask != nil {
					w[i] *= mask[i]
				}
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// widths returns N_0 … N_L of the trainer's network.
func (h *view) widths() []int {
	if h.tr != nil {
		return h.tr.Network().Config().Widths
	}
	if h.bn != nil {
		return h.bn.Widths()
	}
	return h.ebp.Settings().Widths
}

// layerPoint computes the overlap diagnostics of every layer at epoch.
func (h *view) layerPoint(epoch int) LayerPoint {
	p := LayerPoint{Epoch: epoch}
	widths := h.widths()
	if h.tr != nil {
		net := h.tr.Network()
		for l := 0; l < net.L(); l++ {
			q0, off, abs := pointOverlaps(net.M(l), widths[l+1], widths[l])
			p.Q0 = append(p.Q0, q0)
			p.QabOff = append(p.QabOff, off)
			p.QabAbs = append(p.QabAbs, abs)
		}
	}
	for l, w := range h.pointWeights() {
		q0, off, abs := pointOverlaps(w, widths[l+1], widths[l])
		p.Q0Point = append(p.Q0Point, q0)
		p.QabOffPoint = append(p.QabOffPoint, off)
		p.QabAbsPoint = append(p.QabAbsPoint, abs)
	}
	return p
}

// pointOverlaps returns, for the K×N weights or means w with
// q = w wᵀ / N (mpnet.Overlaps, ALGORITHMS §13), mean_k q[k,k] and the
// means of q[k,p] and |q[k,p]| over k ≠ p (0 for K = 1).
func pointOverlaps(w []float64, K, N int) (q0, off, abs float64) {
	q := make([]float64, K*K)
	a := blas64.General{Rows: K, Cols: N, Stride: N, Data: w}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1/float64(N), a, a, 0, blas64.General{Rows: K, Cols: K, Stride: K, Data: q})
	for k := 0; k < K; k++ {
		for p := 0; p < K; p++ {
			if v := q[k*K+p]; k == p {
				q0 += v
			} else {
				off += v
				abs += math.Abs(v)
			}
		}
	}
	q0 /= float64(K)
	if K > 1 {
		off /= float64(K * (K - 1))
		abs /= float64(K * (K - 1))
	}
	return q0, off, abs
}

// energyStream is the PCG stream of the weight flips of the local energy.
const energyStream = 0x656e65726779

// localEnergy returns the training error (%) on x, y of the point-wise
// weights of h with each non-zero weight flipped independently with
// probability p, for p = 0 (once) and every p of j.Flips (j.Repeats draws
// each), EXPERIMENTS §I.8. At p = 0 it checks that its forward pass
// agrees with the trainer's own point-wise error.
func localEnergy(h *view, j *Job, x []float64, y []int) ([]EnergyPoint, error) {
	ws := h.pointWeights()
	if ws == nil {
		return nil, errors.Errorf("local energy: %s has no point-wise binary weights", j.Kind)
	}
	widths := h.widths()
	want, _, err := h.errors(x, y)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(j.Seed, energyStream))
	var out []EnergyPoint
	for _, p := range append([]float64{0}, j.Flips...) {
		n := j.Repeats
		if p == 0 {
			n = 1
		}
		pt := EnergyPoint{P: p, Samples: len(y)}
		for range n {
			e := pointErrors(flip(rng, ws, p), widths, x, y)
			if p == 0 && math.Abs(e-want) > 1e-9 {
				return nil, errors.Errorf("local energy: forward pass gives %v %% at p = 0, the trainer %v %%", e, want)
			}
			pt.Errors = append(pt.Errors, e)
		}
		pt.Mean, pt.Std = compare.MeanStd(pt.Errors)
		out = append(out, pt)
	}
	return out, nil
}

// flip returns a copy of ws with every non-zero weight negated with
// probability p.
func flip(rng *rand.Rand, ws [][]float64, p float64) [][]float64 {
	flipped := make([][]float64, len(ws))
	for l, w := range ws {
		f := append([]float64(nil), w...)
		for i := range f {
			if f[i] != 0 && rng.Float64() < p {
				f[i] = -f[i]
			}
		}
		flipped[l] = f
	}
	return flipped
}

// pointErrors returns the error rate (%) of the sign network with K×N
// weights ws on x (M×N_0) and labels y: hidden units sign(a + 1e-10), the
// output sign(a + 1e-10) or the first maximum, as mpnet.Network.Predict.
func pointErrors(ws [][]float64, widths []int, x []float64, y []int) float64 {
	const chunk, tie = 1024, 1e-10
	N0, M := widths[0], len(y)
	pred := make([]int, chunk)
	wrong := 0
	for lo := 0; lo < M; lo += chunk {
		hi := min(lo+chunk, M)
		r := hi - lo
		h := x[lo*N0 : hi*N0]
		for l, w := range ws {
			N, K := widths[l], widths[l+1]
			z := make([]float64, r*K)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1,
				blas64.General{Rows: r, Cols: N, Stride: N, Data: h},
				blas64.General{Rows: K, Cols: N, Stride: N, Data: w},
				0, blas64.General{Rows: r, Cols: K, Stride: K, Data: z})
			if l < len(ws)-1 {
				for i, v := range z {
					z[i] = mpnet.Sign(v + tie)
				}
			}
			h = z
		}
		mpnet.Decide(pred[:r], h, widths[len(widths)-1], tie)
		for n, p := range pred[:r] {
			if p != y[lo+n] {
				wrong++
			}
		}
	}
	return 100 * float64(wrong) / float64(M)
}
