package mpnet

import (
	"github.com/pkg/errors"
	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/ops"
)

// To moves the network's message state to dev (nil: back to host memory).
// The sweep graph is the same on every device: its ops run where their
// input tensors live (ops.Device). After To, SetBatch builds the sweep on
// the new device; Init, SetPrior, Iterate and the accessors (M, H, …) work
// as before, reading the device memory where needed, and Predict reads the
// weights once per call.
//
// Layers that store only their present weights (density < 1 without
// DenseStorage) and BP layers (K×N×B cavities) have no device kernels:
// To returns an error for them. BPI computes the same messages as BP at
// τmax = 1 with fused kernels; masks work with Config.DenseStorage.
func (net *Network) To(dev ops.Device) error {
	if err := net.ready(); err != nil {
		return err
	}
	if dev == net.dev {
		return nil
	}
	if dev != nil {
		if err := net.checkDevice(dev); err != nil {
			return err
		}
	}
	moved := make([][]*tensor.Dense, len(net.layers))
	for l, ly := range net.layers {
		for _, t := range ly.state() {
			v := float64s(*t)
			if err := net.devErr(); err != nil {
				net.release(moved)
				return err
			}
			u, err := newDenseOn(dev, net.dt, (*t).Shape()...)
			if err != nil {
				net.release(moved)
				return errors.Wrap(err, "mpnet: To")
			}
			setFloat64s(u, v)
			moved[l] = append(moved[l], u)
		}
	}
	if dev != nil {
		if err := dev.Sync(); err != nil {
			net.release(moved)
			return errors.Wrap(err, "mpnet: To")
		}
	}
	old := net.dev
	for l, ly := range net.layers {
		for j, t := range ly.state() {
			if old != nil {
				old.Release(*t)
			}
			*t = moved[l][j]
		}
	}
	net.releaseSweep()
	net.dev = dev
	return nil
}

// checkDevice returns an error if a layer cannot run on dev: a layer that
// stores only its present weights, or one whose kind has no device kernels.
func (net *Network) checkDevice(dev ops.Device) error {
	for l, ly := range net.layers {
		if ly.pat != nil {
			return errors.Errorf("mpnet: To(%s): layer %d stores only its present weights (density %v), which runs on the CPU only: set Config.DenseStorage", dev.Name(), l, net.cfg.density(l))
		}
		if why := ly.kind.info().hostOnly; why != "" {
			return errors.Errorf("mpnet: To(%s): layer %d is %s", dev.Name(), l, why)
		}
	}
	return nil
}

// Device returns the device holding the network's state, nil for host memory.
func (net *Network) Device() ops.Device {
	if net == nil {
		return nil
	}
	return net.dev
}

// state lists the layer's batch-independent tensors in a fixed order: the
// common ones, then its rule's extra state.
func (ly *layer) state() []**tensor.Dense {
	return append([]**tensor.Dense{&ly.m, &ly.sigma, &ly.h, &ly.hext, &ly.mask, &ly.psi, &ly.r}, ly.rule.extra()...)
}

// release frees partly moved state after a failed To.
func (net *Network) release(moved [][]*tensor.Dense) {
	for _, ts := range moved {
		for _, t := range ts {
			if d := ops.DeviceOf(t); d != nil {
				d.Release(t)
			}
		}
	}
}

// releaseSweep drops the sweep graph, freeing its device tensors.
func (net *Network) releaseSweep() {
	sw := net.sw
	net.sw = nil
	if sw == nil || net.dev == nil {
		return
	}
	rel := func(ts ...*tensor.Dense) {
		for _, t := range ts {
			if t != nil {
				net.dev.Release(t)
			}
		}
	}
	rel(sw.x, sw.out)
	for _, s := range sw.ls {
		rel(s.b)
	}
	for _, ly := range net.layers {
		ly.rule.release(net.dev)
	}
	ops.ReleaseGraph(sw.g)
}

// devErr returns the sticky error of the network's device, or nil.
func (net *Network) devErr() error {
	if net.dev == nil {
		return nil
	}
	if err := net.dev.Err(); err != nil {
		return errors.Wrap(err, "mpnet: device")
	}
	return nil
}
