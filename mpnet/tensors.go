package mpnet

import (
	"math"
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

// axpby sets dst = a·x + b·dst; b = 0 ignores dst (no 0·Inf = NaN).
func axpby(dst *tensor.Dense, a float64, x *tensor.Dense, b float64) {
	if d := ops.DeviceOf(dst); d != nil {
		d.Axpby(dst, a, x, b)
		return
	}
	if dst.Dtype() == tensor.Float64 {
		d, s := dst.Float64s(), x.Float64s()
		for i := range d {
			if b == 0 {
				d[i] = a * s[i]
			} else {
				d[i] = a*s[i] + b*d[i]
			}
		}
	} else {
		d, s := dst.Float32s(), x.Float32s()
		for i := range d {
			if b == 0 {
				d[i] = float32(a * float64(s[i]))
			} else {
				d[i] = float32(a*float64(s[i]) + b*float64(d[i]))
			}
		}
	}
}

// meanAbsDiff returns mean |a − b| of host tensors (a device uses Check).
func meanAbsDiff(a, b *tensor.Dense) float64 {
	var s float64
	var n int
	if a.Dtype() == tensor.Float64 {
		x, y := a.Float64s(), b.Float64s()
		for i := range x {
			s += math.Abs(x[i] - y[i])
		}
		n = len(x)
	} else {
		x, y := a.Float32s(), b.Float32s()
		for i := range x {
			s += math.Abs(float64(x[i]) - float64(y[i]))
		}
		n = len(x)
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
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

// firstNonFinite returns the index of the first NaN or Inf in the host
// tensor t, or −1 (a device uses Check). NaN and ±Inf are the values whose
// exponent bits are all set; testing the bits costs a fraction of
// math.IsNaN and math.IsInf, and this runs on every state tensor after
// every sweep.
func firstNonFinite(t *tensor.Dense) int {
	if t.Dtype() == tensor.Float64 {
		return firstNonFinite64(t.Float64s())
	}
	const exp = 0xff << 23
	for i, v := range t.Float32s() {
		if math.Float32bits(v)&exp == exp {
			return i
		}
	}
	return -1
}

// firstNonFinite64 is firstNonFinite on a float64 slice.
func firstNonFinite64(v []float64) int {
	const exp = 0x7ff << 52
	for i, x := range v {
		if math.Float64bits(x)&exp == exp {
			return i
		}
	}
	return -1
}

// scanChunk is the fewest values firstNonFiniteAll gives a goroutine.
const scanChunk = 1 << 18

// firstNonFiniteAll is firstNonFinite64 over GOMAXPROCS goroutines for long
// v (the inputs of a whole data set): each scans one part, and the first
// index of the first part that has one is returned.
func firstNonFiniteAll(v []float64) int {
	parts := min(runtime.GOMAXPROCS(0), len(v)/scanChunk)
	if parts <= 1 {
		return firstNonFinite64(v)
	}
	found := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := len(v)*p/parts, len(v)*(p+1)/parts
		wg.Go(func() {
			found[p] = firstNonFinite64(v[lo:hi])
			if found[p] >= 0 {
				found[p] += lo
			}
		})
	}
	wg.Wait()
	for _, i := range found {
		if i >= 0 {
			return i
		}
	}
	return -1
}
