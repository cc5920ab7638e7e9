package committee

import "github.com/fbpgo/fbp/internal/check"

// NodeKind selects the first-layer node update.
type NodeKind int

const (
	// Gaussian is the "accurate" node: the Gaussian approximation of the
	// input sum, O(N) per node (the reference default).
	Gaussian NodeKind = iota
	// Exact is the convolution node, O(N²) per node; for small N.
	Exact
)

// Settings configure a focusing-BP run. The zero value runs standard
// reinforcement with dx = 0.01, no damping, ε = 1e-3, up to 1000 sweeps
// per step, initial message noise 0.01, Gaussian first-layer nodes and
// seed 0: the defaults of the reference package.
type Settings struct {
	// Protocol is the focusing protocol; the zero value is standard
	// reinforcement with dx = 0.01.
	Protocol Protocol
	// Damping is λ ∈ [0, 1): new = (1 − λ)·new + λ·old on the fields of
	// every message. 0 means no damping.
	Damping float64
	// Epsilon ends the sweeps of a focusing step when the largest change of
	// a message (as a magnetization) falls below it; 0 means 1e-3.
	Epsilon float64
	// MaxIters is the number of sweeps after which a focusing step ends
	// unconverged; 0 means 1000.
	MaxIters int
	// MaxSteps ends the run after this many focusing steps (counted from
	// the start of the protocol, so a restarted run keeps its budget); 0
	// means the whole protocol.
	MaxSteps int
	// InitNoise is randfact ∈ (0, 1]: the initial pattern-to-weight
	// messages are magnetizations uniform in [−InitNoise, InitNoise]; 0
	// means 0.01.
	InitNoise float64
	// FirstLayer selects the first-layer node update; zero is Gaussian.
	FirstLayer NodeKind
	// KeepGoing runs the whole protocol instead of stopping at the first
	// step that ends with zero training errors.
	KeepGoing bool
	// Seed seeds the one random source of a run (initial messages and the
	// sweep orders); the same seed gives an identical run.
	Seed uint64
	// Recorder, if not nil, receives the progress after every focusing
	// step; an error from it ends the run.
	Recorder Recorder
	// MaxMemory bounds, in bytes, the memory New is estimated to need
	// (Memory); over it New returns a *ParamError giving the estimate. 0
	// means half the machine's memory (memlimit.Default), a negative value
	// means no limit.
	MaxMemory int64
}

// resolved holds the settings with the defaults applied.
type resolved struct {
	Settings
	sched []Step
}

// Validate returns a *ParamError for the first invalid field of s, nil if
// every field is valid. It never panics.
func (s *Settings) Validate() error {
	_, err := s.resolve()
	return err
}

func (s *Settings) resolve() (*resolved, error) {
	if s == nil {
		return nil, &ParamError{"Settings", "", nil, "non-nil settings"}
	}
	switch {
	case !(s.Damping >= 0 && s.Damping < 1):
		return nil, &ParamError{"Settings", "Damping", s.Damping, "λ in [0, 1)"}
	case !check.Finite(s.Epsilon) || s.Epsilon < 0:
		return nil, &ParamError{"Settings", "Epsilon", s.Epsilon, "a finite tolerance ≥ 0 (0 means 1e-3)"}
	case s.MaxIters < 0:
		return nil, &ParamError{"Settings", "MaxIters", s.MaxIters, "a sweep count ≥ 0 (0 means 1000)"}
	case s.MaxSteps < 0:
		return nil, &ParamError{"Settings", "MaxSteps", s.MaxSteps, "a step count ≥ 0 (0 means all)"}
	case !(s.InitNoise >= 0 && s.InitNoise <= 1):
		return nil, &ParamError{"Settings", "InitNoise", s.InitNoise, "a magnetization in [0, 1] (0 means 0.01)"}
	case s.FirstLayer != Gaussian && s.FirstLayer != Exact:
		return nil, &ParamError{"Settings", "FirstLayer", s.FirstLayer, "Gaussian or Exact"}
	}
	sched, err := s.Protocol.Schedule()
	if err != nil {
		return nil, err
	}
	r := &resolved{Settings: *s, sched: sched}
	if r.Epsilon == 0 {
		r.Epsilon = 1e-3
	}
	if r.MaxIters == 0 {
		r.MaxIters = 1000
	}
	if r.InitNoise == 0 {
		r.InitNoise = 0.01
	}
	if r.MaxSteps == 0 || r.MaxSteps > len(sched) {
		r.MaxSteps = len(sched)
	}
	return r, nil
}

// String returns the name of k.
func (k NodeKind) String() string {
	return check.Name("NodeKind", int(k), "gaussian", "exact")
}
