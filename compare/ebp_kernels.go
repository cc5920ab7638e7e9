package compare

import (
	"math"
	"runtime"
	"sync"

	"github.com/fbpgo/fbp/ops"
)

// This file holds the per-layer kernels of Expectation Backpropagation
// (BASELINES §2.2). They are plain float64 loops over row-major slices, not
// Gorgonia ops: EBP is an online algorithm whose every example reads the
// weights written by the previous one, so each step is a handful of
// matrix–vector products followed by an in-place update of the layer state.
// A graph would have to be re-run per example (batch 1 is the default), its
// ops may not overwrite their inputs, and the per-node overhead would exceed
// the work of a 101-wide layer. Each kernel's doc comment is its formula,
// and ebp_test.go checks every kernel against a naive transcription of the
// spec's equations (the ops-style naive-versus-kernel test).
//
// Shapes: a layer has K = V_l units of fan-in N = V_{l-1}; weight matrices
// are K×N row-major (row k holds the weights into unit k). The kernels
// panic on a length mismatch, which is a programming error.

// ebpVarianceFloor is added to every pre-activation variance s2 so that
// √s2 > 0 when all weights and inputs are polarised (the same regulariser
// as ops.VarianceFloor).
const ebpVarianceFloor = ops.VarianceFloor

// ebpMoments is the forward moment propagation of one layer:
//
//	mu[k]   = (1/√N) Σ_j Wbar[k,j] xbar[j]
//	s2[k]   = (1/N) Σ_j ( <W²>[k,j] x2[j] − Wbar[k,j]² xbar[j]² ) + ebpVarianceFloor
//	vbar[k] = 2Φ(mu[k]/√s2[k]) − 1 = erf(mu[k]/√(2 s2[k]))
//
// x2 holds the second moments <x²> of the inputs. w2 nil means binary
// weights, <W²> = 1.
func ebpMoments(mu, s2, vbar, wbar, w2, xbar, x2 []float64) {
	K, N := len(mu), len(xbar)
	if len(s2) != K || len(vbar) != K || len(wbar) != K*N || len(x2) != N || (w2 != nil && len(w2) != K*N) {
		panic("compare: ebpMoments: length mismatch")
	}
	invSqrtN, invN := 1/math.Sqrt(float64(N)), 1/float64(N)
	ebpParallel(K, 4*N, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			row := wbar[k*N : (k+1)*N]
			var m, v float64
			if w2 == nil {
				for j, w := range row {
					a := w * xbar[j]
					m += a
					v += x2[j] - a*a
				}
			} else {
				r2 := w2[k*N : (k+1)*N]
				for j, w := range row {
					a := w * xbar[j]
					m += a
					v += r2[j]*x2[j] - a*a
				}
			}
			mu[k] = m * invSqrtN
			s2[k] = v*invN + ebpVarianceFloor
			vbar[k] = math.Erf(mu[k] / math.Sqrt(2*s2[k]))
		}
	})
}

// ebpOutputDelta is the derivative of the log-likelihood of the targets
// y ∈ {±1} with respect to the output means:
//
//	delta[k] = y_k N(0 | mu[k], s2[k]) / Φ(y_k mu[k]/√s2[k])
//	         = y_k GH(−y_k mu[k]/√s2[k]) / √s2[k]
//
// (G is even, Φ(u) = H(−u)); GH keeps the ratio finite far in both tails.
func ebpOutputDelta(delta, mu, s2, y []float64) {
	if len(mu) != len(delta) || len(s2) != len(delta) || len(y) != len(delta) {
		panic("compare: ebpOutputDelta: length mismatch")
	}
	for k := range delta {
		s := math.Sqrt(s2[k])
		delta[k] = y[k] * ops.GH(-y[k]*mu[k]/s) / s
	}
}

// ebpBackward propagates delta of layer l (K units, fan-in N) to the N
// units below, whose pre-activation moments are muPrev and s2Prev:
//
//	dprev[j] = 2 N(0 | muPrev[j], s2Prev[j]) (1/√N) Σ_k Wbar[k,j] delta[k]
//	         = 2 G(muPrev[j]/√s2Prev[j]) / √s2Prev[j] · (1/√N) Σ_k Wbar[k,j] delta[k]
func ebpBackward(dprev, delta, wbar, muPrev, s2Prev []float64) {
	K, N := len(delta), len(dprev)
	if len(wbar) != K*N || len(muPrev) != N || len(s2Prev) != N {
		panic("compare: ebpBackward: length mismatch")
	}
	invSqrtN := 1 / math.Sqrt(float64(N))
	ebpParallel(N, 2*K, func(lo, hi int) {
		d := dprev[lo:hi]
		for j := range d {
			d[j] = 0
		}
		for k, dk := range delta {
			row := wbar[k*N+lo : k*N+hi]
			for j, w := range row {
				d[j] += w * dk
			}
		}
		for j := range d {
			s := math.Sqrt(s2Prev[lo+j])
			d[j] *= 2 * ops.G(muPrev[lo+j]/s) / s * invSqrtN
		}
	})
}

// ebpAccumulate adds one example's update to the accumulator of a layer:
//
//	acc[k,j] += (1/√N) delta[k] xbar[j]
func ebpAccumulate(acc, delta, xbar []float64) {
	K, N := len(delta), len(xbar)
	if len(acc) != K*N {
		panic("compare: ebpAccumulate: length mismatch")
	}
	invSqrtN := 1 / math.Sqrt(float64(N))
	ebpParallel(K, N, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			dk := delta[k] * invSqrtN
			if dk == 0 {
				continue
			}
			row := acc[k*N : (k+1)*N]
			for j, x := range xbar {
				row[j] += dk * x
			}
		}
	})
}

// ebpApply applies and clears the accumulated update of a layer, then
// refreshes the moments of its weights:
//
//	binary   (s2w nil):  h += acc,          Wbar = tanh(h)
//	Gaussian:            mu += s2w ⊙ acc,   Wbar = mu,  <W²> = mu² + s2w
//
// h holds the fields (binary) or the means (Gaussian); w2 is nil for binary
// weights. The weight variances s2w are unchanged (first order in 1/√N).
func ebpApply(h, wbar, w2, s2w, acc []float64) {
	n := len(h)
	if len(wbar) != n || len(acc) != n || (s2w != nil && (len(s2w) != n || len(w2) != n)) {
		panic("compare: ebpApply: length mismatch")
	}
	cost := 1
	if s2w == nil {
		cost = 20 // one tanh
	}
	ebpParallel(n, cost, func(lo, hi int) {
		if s2w == nil {
			for i := lo; i < hi; i++ {
				h[i] += acc[i]
				wbar[i] = math.Tanh(h[i])
				acc[i] = 0
			}
			return
		}
		for i := lo; i < hi; i++ {
			h[i] += s2w[i] * acc[i]
			wbar[i] = h[i]
			w2[i] = h[i]*h[i] + s2w[i]
			acc[i] = 0
		}
	})
}

// ebpSignForward is the point-wise forward pass of one layer with weights
// W ∈ K×N (sign(h) or mu):
//
//	z[k] = Σ_j W[k,j] x[j]
//	out[k] = sign(z[k])  (sign(0) = +1), or z[k] when out is the raw output
//
// The 1/√N scale of the spec does not change signs or the argmax and is
// left out. raw selects the raw output.
func ebpSignForward(out, w, x []float64, raw bool) {
	K, N := len(out), len(x)
	if len(w) != K*N {
		panic("compare: ebpSignForward: length mismatch")
	}
	for k := range out {
		var z float64
		for j, v := range w[k*N : (k+1)*N] {
			z += v * x[j]
		}
		if !raw {
			z = ebpSign(z)
		}
		out[k] = z
	}
}

// ebpSign returns +1 for v ≥ 0 and −1 otherwise (sign(0) = +1, as in
// BASELINES §1.2).
func ebpSign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// ebpMinGrain is the least work, in inner-loop multiply-adds, worth a
// goroutine of its own.
const ebpMinGrain = 1 << 15

// ebpParallel calls body over [0, n) split into contiguous chunks, in
// parallel when n·cost is large enough. Every index is handled by exactly
// one call and the kernels sum in a fixed order inside an index, so the
// results do not depend on the scheduling.
func ebpParallel(n, cost int, body func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n*cost/ebpMinGrain, n)
	if workers <= 1 {
		body(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			body(lo, hi)
		}(w*n/workers, (w+1)*n/workers)
	}
	wg.Wait()
}
