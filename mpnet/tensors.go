package mpnet

import (
	"runtime"
	"sync"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// This file holds the few whole-tensor operations that the network applies
// to its state outside the sweep graph (initialisation, the PasP prior step,
// message resets and the copy of a sweep's results into the state). Each
// runs on the device that holds its tensors (ops.DeviceOf); device errors
// are sticky and surface through Network.devErr.

// newDenseOn returns a zeroed tensor on dev, or in host memory if dev is nil.
func newDenseOn(dev ops.Device, dt tensor.Dtype, shape ...int) (*tensor.Dense, error) {
	if dev != nil {
		return dev.New(dt, shape...)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.Of(dt)), nil
}

// scalar returns a one-element tensor holding v.
func scalar(dev ops.Device, dt tensor.Dtype, v float64) *tensor.Dense {
	t, _ := newDenseOn(dev, dt, 1)
	setScalar(t, v)
	return t
}

func setScalar(t *tensor.Dense, v float64) {
	if d := ops.DeviceOf(t); d != nil {
		d.Set(t, []float64{v})
		return
	}
	if t.Dtype() == tensor.Float64 {
		t.Float64s()[0] = v
	} else {
		t.Float32s()[0] = float32(v)
	}
}

// copyDense copies src into dst (same dtype and size).
func copyDense(dst, src *tensor.Dense) {
	if d := ops.DeviceOf(dst); d != nil {
		d.Copy(dst, src)
		return
	}
	if dst.Dtype() == tensor.Float64 {
		copy(dst.Float64s(), src.Float64s())
	} else {
		copy(dst.Float32s(), src.Float32s())
	}
}

// fill sets every element of t to v.
func fill(t *tensor.Dense, v float64) {
	if d := ops.DeviceOf(t); d != nil {
		d.Fill(t, v)
		return
	}
	if t.Dtype() == tensor.Float64 {
		s := t.Float64s()
		for i := range s {
			s[i] = v
		}
	} else {
		s := t.Float32s()
		for i := range s {
			s[i] = float32(v)
		}
	}
}

// axpby sets dst = a·x + b·dst; b = 0 ignores dst (no 0·Inf = NaN). A
// float32 tensor is computed in float64 and rounded once per element; the
// elements are independent, so a long tensor is split over goroutines.
func axpby(dst *tensor.Dense, a float64, x *tensor.Dense, b float64) {
	if d := ops.DeviceOf(dst); d != nil {
		d.Axpby(dst, a, x, b)
		return
	}
	if dst.Dtype() == tensor.Float64 {
		splitWork(dst.Shape().TotalSize(), splitGrain, func(lo, hi int) {
			axpbyRange(dst.Float64s()[lo:hi], a, x.Float64s()[lo:hi], b)
		})
		return
	}
	splitWork(dst.Shape().TotalSize(), splitGrain, func(lo, hi int) {
		axpbyRange(dst.Float32s()[lo:hi], a, x.Float32s()[lo:hi], b)
	})
}

// axpbyRange is axpby on slices of equal length.
func axpbyRange[T ops.Float](d []T, a float64, s []T, b float64) {
	s = s[:len(d)]
	if b == 0 {
		for i := range d {
			d[i] = T(a * float64(s[i]))
		}
		return
	}
	for i := range d {
		d[i] = T(a*float64(s[i]) + b*float64(d[i]))
	}
}

// splitGrain is the fewest elements axpby gives a goroutine.
const splitGrain = 1 << 16

// splitWork calls work on [0, n) in at most GOMAXPROCS contiguous parts of
// at least grain elements, each on a goroutine of its own but the first.
// work must only write the elements of its range.
func splitWork(n, grain int, work func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n/grain)
	if parts <= 1 {
		work(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() { work(n*p/parts, n*(p+1)/parts) })
	}
	work(0, n/parts)
	wg.Wait()
}

// float64s returns the elements of t as float64 (a copy for float32).
func float64s(t *tensor.Dense) []float64 {
	if d := ops.DeviceOf(t); d != nil {
		v, err := d.Get(t)
		if err != nil {
			return make([]float64, t.Shape().TotalSize())
		}
		return v
	}
	if t.Dtype() == tensor.Float64 {
		return t.Float64s()
	}
	s := t.Float32s()
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

// setFloat64s copies src into t, converting to t's dtype.
func setFloat64s(t *tensor.Dense, src []float64) {
	if d := ops.DeviceOf(t); d != nil {
		d.Set(t, src)
		return
	}
	if t.Dtype() == tensor.Float64 {
		copy(t.Float64s(), src)
		return
	}
	d := t.Float32s()
	for i, v := range src {
		d[i] = float32(v)
	}
}
