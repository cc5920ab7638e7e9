package mpnet

import (
	"math"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"
)

// Resident is a data set held in the memory of the network's device, so
// that mini-batches are gathered there (ALGORITHMS §9.1 step 2 without a
// host transfer per batch): Upload it once, then load batches with
// SetBatchResident. On the host it is a plain copy and SetBatchResident is
// SetBatch.
type Resident struct {
	net *Network
	M   int           // samples
	x   *tensor.Dense // M×N_0 samples, one per row
	lab *tensor.Dense // M label fields: ±Inf (sign output) or class indices (ArgMax)
	hx  []float64     // host copy (host networks only)
	hy  []int
}

// Upload validates the M samples x (M×N_0, one per row) and labels y as
// SetBatch does and puts them in the network's device memory (float32
// MNIST: 188 MB). Release frees it.
func (net *Network) Upload(x []float64, y []int) (*Resident, error) {
	if err := net.ready(); err != nil {
		return nil, err
	}
	N0 := net.cfg.Widths[0]
	M := len(y)
	if M == 0 || len(x) != M*N0 {
		return nil, errors.Errorf("mpnet: Upload: %d labels and %d inputs for %d features", M, len(x), N0)
	}
	lab, err := net.labelFields(y)
	if err != nil {
		return nil, errors.Wrap(err, "mpnet: Upload")
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.Errorf("mpnet: Upload: input %d of sample %d is %v", j%N0, j/N0, v)
		}
	}
	r := &Resident{net: net, M: M}
	if net.dev == nil {
		r.hx, r.hy = x, y
		return r, nil
	}
	if r.x, err = net.dev.New(net.dt, M, N0); err != nil {
		return nil, errors.Wrap(err, "mpnet: Upload")
	}
	if r.lab, err = net.dev.New(net.dt, M); err != nil {
		net.dev.Release(r.x)
		return nil, errors.Wrap(err, "mpnet: Upload")
	}
	setFloat64s(r.x, x)
	setFloat64s(r.lab, lab)
	return r, net.devErr()
}

// Release frees the device memory of r.
func (r *Resident) Release() {
	if r == nil || r.net == nil {
		return
	}
	if r.net.dev != nil {
		r.net.dev.Release(r.x)
		r.net.dev.Release(r.lab)
	}
	r.x, r.lab, r.hx, r.hy = nil, nil, nil, nil
}

// SetBatchResident loads the mini-batch of the samples idx of r, like
// SetBatch: on a device one upload of the indices and one gather kernel.
func (net *Network) SetBatchResident(r *Resident, idx []int) error {
	if err := net.ready(); err != nil {
		return err
	}
	if r == nil || r.net != net {
		return errors.New("mpnet: SetBatchResident: data uploaded by another network")
	}
	if r.hx == nil && r.x == nil {
		return errors.New("mpnet: SetBatchResident: released data")
	}
	B := len(idx)
	if B == 0 {
		return errors.New("mpnet: SetBatchResident: empty mini-batch")
	}
	for n, i := range idx {
		if i < 0 || i >= r.M {
			return errors.Errorf("mpnet: SetBatchResident: index %d of sample %d is outside [0, %d)", i, n, r.M)
		}
	}
	if net.dev == nil {
		N0 := net.cfg.Widths[0]
		x, y := make([]float64, B*N0), make([]int, B)
		for n, i := range idx {
			copy(x[n*N0:(n+1)*N0], r.hx[i*N0:(i+1)*N0])
			y[n] = r.hy[i]
		}
		return net.SetBatch(x, y)
	}
	if err := net.ensureSweep(B); err != nil {
		return err
	}
	i32 := make([]int32, B)
	for n, i := range idx {
		i32[n] = int32(i)
	}
	if err := net.dev.Gather(net.sw.x, net.sw.out, r.x, r.lab, i32); err != nil {
		return errors.Wrap(err, "mpnet: SetBatchResident")
	}
	net.sw.reset(net)
	return net.devErr()
}
