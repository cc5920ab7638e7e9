package mpnet

import (
	"math"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// sweep is one message-passing iteration (ALGORITHMS §8) for a fixed batch
// size B, compiled once as a Gorgonia ExprGraph and run by a TapeMachine for
// every iteration of every mini-batch. Its input nodes are bound to the
// network's state tensors; after a run, the new state is copied from the
// output nodes into those tensors.
type sweep struct {
	B   int
	g   *gorgonia.ExprGraph
	vm  gorgonia.VM
	x   *tensor.Dense // N_0×B inputs (x̂ of layer 0)
	out *tensor.Dense // 1×B: ±Inf label fields (sign output) or class indices (ArgMax)
	ls  []*layerSweep

	psi, r []float64 // the scalars last set (a device skips unchanged ones)
	xt     []float64 // the transposed batch on its way to a device
}

// layerSweep holds the batch-sized message state and the graph nodes that
// every kind has; a layer's rule holds those of its own (rule.go).
type layerSweep struct {
	b *tensor.Dense // N×B downward field sent by this layer (previous iteration)

	// input nodes bound to state
	m, sigma, h, hext, mask, psi, r, bIn *gorgonia.Node
	// nodes of the forward step
	xhat, delta, omega, v, bup *gorgonia.Node
	// nodes of the backward step (results copied into the state)
	bNew, hNew, mNew, sigmaNew *gorgonia.Node
}

// SetBatch loads a mini-batch: x holds B samples of N_0 features, one sample
// per row (B×N_0 row-major), y the labels: ±1 for a sign output, class
// indices 0..C−1 for ArgMax. The sweep graph is built on the first call and
// whenever B changes. SetBatch also resets the downward messages of every
// layer (ALGORITHMS §9.1 step 3).
func (net *Network) SetBatch(x []float64, y []int) error {
	if err := net.ready(); err != nil {
		return err
	}
	N0 := net.cfg.Widths[0]
	B := len(y)
	if B == 0 {
		return errors.New("mpnet: SetBatch: empty mini-batch")
	}
	if len(x) != B*N0 {
		return errors.Errorf("mpnet: SetBatch: %d labels need %d×%d = %d inputs, got %d", B, B, N0, B*N0, len(x))
	}
	lab, err := net.labelFields(y)
	if err != nil {
		return errors.Wrap(err, "mpnet: SetBatch")
	}
	if j := firstNonFinite64(x); j >= 0 {
		return errors.Errorf("mpnet: SetBatch: input %d of sample %d is %v", j%N0, j/N0, x[j])
	}
	if err := net.ensureSweep(B); err != nil {
		return err
	}
	sw := net.sw
	sw.setInputs(x, N0)
	setFloat64s(sw.out, lab)
	sw.reset(net)
	return net.devErr()
}

// setInputs sets x̂ of the first layer to the transposed batch x (B×N0):
// x̂[i,n] = x[n,i], written straight into a host tensor; a device gets it
// through a buffer kept for the next batch.
func (sw *sweep) setInputs(x []float64, N0 int) {
	switch {
	case ops.DeviceOf(sw.x) != nil:
		if len(sw.xt) != len(x) {
			sw.xt = make([]float64, len(x))
		}
		transposeInto(sw.xt, x, sw.B, N0)
		setFloat64s(sw.x, sw.xt)
	case sw.x.Dtype() == tensor.Float64:
		transposeInto(sw.x.Float64s(), x, sw.B, N0)
	default:
		transposeInto(sw.x.Float32s(), x, sw.B, N0)
	}
}

// transposeTile is the side of the square tiles transposeInto copies: a
// tile's rows in x and in dst stay in the cache while it is copied.
const transposeTile = 32

// transposeInto sets dst[i·B+n] = x[n·N+i] for the B×N matrix x, tile by
// tile, converting to T.
func transposeInto[T ops.Float](dst []T, x []float64, B, N int) {
	for n0 := 0; n0 < B; n0 += transposeTile {
		n1 := min(n0+transposeTile, B)
		for i0 := 0; i0 < N; i0 += transposeTile {
			i1 := min(i0+transposeTile, N)
			for i := i0; i < i1; i++ {
				col := dst[i*B+n0 : i*B+n1]
				for k := range col {
					col[k] = T(x[(n0+k)*N+i])
				}
			}
		}
	}
}

// labelFields validates the labels y and returns the label fields of the
// output: class indices for ArgMax, Btop = β·y = ±Inf for a sign output (§5.2).
func (net *Network) labelFields(y []int) ([]float64, error) {
	classes := net.cfg.Classes()
	argmax := net.layers[len(net.layers)-1].kind.MultiClass()
	lab := make([]float64, len(y))
	for n, yn := range y {
		switch {
		case argmax && (yn < 0 || yn >= classes):
			return nil, errors.Errorf("label %d of sample %d is not a class in [0, %d)", yn, n, classes)
		case argmax:
			lab[n] = float64(yn)
		case yn != 1 && yn != -1:
			return nil, errors.Errorf("label %d of sample %d: a sign output needs labels ±1", yn, n)
		default:
			lab[n] = math.Inf(yn)
		}
	}
	return lab, nil
}

// ensureSweep builds the sweep graph for batch size B unless it exists.
func (net *Network) ensureSweep(B int) error {
	if net.sw != nil && net.sw.B == B {
		return nil
	}
	net.releaseSweep()
	sw, err := net.buildSweep(B)
	if err != nil {
		return err
	}
	net.sw = sw
	return nil
}

// reset clears the downward messages (ALGORITHMS §9.1 step 3): B = 0 and
// the batch state of every rule (AMP, BP). H, m, σ and Hext persist.
func (sw *sweep) reset(net *Network) {
	for l, ly := range net.layers {
		s := sw.ls[l]
		if s.b != nil {
			fill(s.b, 0)
		}
		ly.rule.reset(ly, sw.x)
	}
}

// Iterate runs one message-passing iteration (ALGORITHMS §8) on the loaded
// mini-batch: forward over the layers, backward over the layers, marginal
// updates with damping psi and reinforcement r (one value per layer). It
// returns max_l mean|m_old − m_new|.
func (net *Network) Iterate(psi, r []float64) (float64, error) {
	sw := net.sw
	if sw == nil {
		return 0, errors.New("mpnet: Iterate before SetBatch")
	}
	if len(psi) != len(net.layers) || len(r) != len(net.layers) {
		return 0, errors.Errorf("mpnet: Iterate: %d values of psi and %d of r for %d layers", len(psi), len(r), len(net.layers))
	}
	for l, ly := range net.layers {
		// On a device each set is a synchronous upload: skip unchanged values.
		if sw.psi == nil || sw.psi[l] != psi[l] || sw.r[l] != r[l] || net.dev == nil {
			setScalar(ly.psi, psi[l])
			setScalar(ly.r, r[l])
		}
	}
	sw.psi, sw.r = append(sw.psi[:0], psi...), append(sw.r[:0], r...)
	defer sw.vm.Reset()
	if err := sw.vm.RunAll(); err != nil {
		sw.psi = nil
		return 0, errors.Wrap(err, "mpnet: sweep")
	}
	change, bad := net.commit()
	// A field that overflowed to ±Inf leaves m = ±1 finite but turns into
	// NaN at the next prior step: commit looked for the first NaN or Inf in
	// CheckFinite's order (O(K·N) against the sweep's O(K·N·B)); report it.
	if err := net.devErr(); err != nil {
		return change, err
	}
	if bad != nil {
		return change, bad
	}
	if math.IsNaN(change) || math.IsInf(change, 0) {
		return change, errors.New("mpnet: non-finite change of the magnetizations")
	}
	return change, nil
}

// checkOnDevice returns max_l mean|m_l − m_l,new| of the sweep just run and
// a *NonFiniteError for the first NaN or Inf in the new m, H or in Hext,
// with a single download from the device.
func (net *Network) checkOnDevice() (float64, error) {
	sw := net.sw
	pairs := make([][2]*tensor.Dense, 0, len(net.layers))
	finite := make([]*tensor.Dense, 0, 3*len(net.layers))
	for l, ly := range net.layers {
		s := sw.ls[l]
		pairs = append(pairs, [2]*tensor.Dense{ly.m, value(s.mNew)})
		finite = append(finite, value(s.mNew), value(s.hNew), ly.hext)
	}
	diffs, bad, err := net.dev.Check(pairs, finite)
	if err != nil {
		return math.NaN(), errors.Wrap(err, "mpnet: device")
	}
	var change float64
	for _, c := range diffs {
		if c > change || c != c {
			change = c
		}
	}
	for j, i := range bad {
		if i >= 0 {
			return change, &NonFiniteError{Layer: j / 3, Field: [3]string{"m", "H", "Hext"}[j%3], Index: i}
		}
	}
	return change, nil
}

// value returns a node's value after a run.
func value(n *gorgonia.Node) *tensor.Dense { return n.Value().(*tensor.Dense) }
