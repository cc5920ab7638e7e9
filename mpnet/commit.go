package mpnet

import (
	"math"
	"sync"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// commit copies the state of the sweep just run into the network: each
// rule's batch state first (AMP keeps the m it replaces), then m, σ, H and
// B. It returns max_l mean|m_old − m_new| and the first NaN or Inf of the
// new state as a *NonFiniteError, found as CheckFinite would (on a device
// by checkOnDevice, in one round trip).
func (net *Network) commit() (change float64, bad error) {
	sw := net.sw
	if net.dev != nil {
		// One round trip for the change and the finiteness checks.
		change, bad = net.checkOnDevice()
		for l, ly := range net.layers {
			s := sw.ls[l]
			ly.rule.commit(ly, s)
			copyDense(ly.m, value(s.mNew))
			copyDense(ly.sigma, value(s.sigmaNew))
			copyDense(ly.h, value(s.hNew))
			if s.bNew != nil {
				copyDense(s.b, value(s.bNew))
			}
		}
		return change, bad
	}
	res := make([]layerCommit, len(net.layers))
	var wg sync.WaitGroup
	var here []func() // run on this goroutine once the others have started
	for l, ly := range net.layers {
		s, r := sw.ls[l], &res[l]
		for k, job := range []func(){func() { r.commitMeans(ly, s) }, func() { r.commitFields(ly, s) }} {
			if l == 0 && k == 0 || ly.K*ly.N < commitGrain {
				here = append(here, job)
			} else {
				wg.Go(job)
			}
		}
	}
	for _, job := range here {
		job()
	}
	wg.Wait()
	for l, r := range res {
		if r.change > change || r.change != r.change { // keep a NaN
			change = r.change
		}
		for j, i := range r.bad {
			if i >= 0 && bad == nil {
				bad = &NonFiniteError{Layer: l, Field: [3]string{"m", "H", "Hext"}[j], Index: i}
			}
		}
	}
	return change, bad
}

// commitGrain is the least number of weights of a layer whose commit runs
// on goroutines of its own: the means of layer 0 are committed on the
// calling goroutine, everything else of a large layer on its own.
const commitGrain = 1 << 14

// layerCommit is what commitMeans and commitFields find: mean|m_old − m_new| and the index
// of the first NaN or Inf of the new m, the new H and Hext (−1 for none).
type layerCommit struct {
	change float64
	bad    [3]int
}

// commitMeans is commit of the rule's batch state and of m on one host
// layer. The change of m is summed in index order in float64 while m is
// copied, in one pass; the new m is scanned for NaN and Inf only when that
// sum is not finite, since a NaN or Inf on either side makes its term, and
// so the sum, NaN or +Inf.
func (r *layerCommit) commitMeans(ly *layer, s *layerSweep) {
	ly.rule.commit(ly, s)
	var sum float64
	if ly.m.Dtype() == tensor.Float64 {
		sum = moveMeans(ly.m.Float64s(), value(s.mNew).Float64s())
	} else {
		sum = moveMeans(ly.m.Float32s(), value(s.mNew).Float32s())
	}
	if n := ly.m.Shape().TotalSize(); n > 0 {
		r.change = sum / float64(n)
	}
	r.bad[0] = -1
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		r.bad[0] = firstNonFinite(ly.m)
	}
}

// commitFields is commit of σ, H and B on one host layer, and the scans of
// H and Hext; it touches nothing that commitMeans does.
func (r *layerCommit) commitFields(ly *layer, s *layerSweep) {
	copyDense(ly.sigma, value(s.sigmaNew))
	if ly.h.Dtype() == tensor.Float64 {
		r.bad[1] = copyFirstNonFinite(ly.h.Float64s(), value(s.hNew).Float64s())
	} else {
		r.bad[1] = copyFirstNonFinite(ly.h.Float32s(), value(s.hNew).Float32s())
	}
	r.bad[2] = firstNonFinite(ly.hext)
	if s.bNew != nil {
		copyDense(s.b, value(s.bNew))
	}
}

// moveMeans copies src into dst and returns Σ_i |dst_i − src_i| of the old
// dst, each term and the sum in float64, summed in index order.
func moveMeans[T ops.Float](dst, src []T) float64 {
	var sum float64
	src = src[:len(dst)]
	for i, x := range dst {
		y := src[i]
		sum += math.Abs(float64(x) - float64(y))
		dst[i] = y
	}
	return sum
}
