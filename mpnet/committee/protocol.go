package committee

import (
	"fmt"
	"math"
)

// ProtocolKind names a focusing protocol of ALGORITHMS §16.
type ProtocolKind int

const (
	// StandardReinforcement: γ = +Inf, y = 1/(1 − x), x = 0, dx, 2dx, … < 1.
	StandardReinforcement ProtocolKind = iota
	// Scoping: y fixed, γ = γ₀, γ₀ + dγ, … ≤ γ₁.
	Scoping
	// PseudoReinforcement: γ = atanh(ρ^x), y = 1 + ρ^(1−2x)/(1 − ρ),
	// ρ = 0, dρ, 2dρ, … < 1 (x = ½: γ = atanh √ρ, y = (2 − ρ)/(1 − ρ)).
	PseudoReinforcement
	// FreeScoping: an explicit list of (γ, y).
	FreeScoping
)

var protocolNames = [...]string{"standard", "scoping", "pseudo", "free"}

func (k ProtocolKind) String() string {
	if k >= 0 && int(k) < len(protocolNames) {
		return protocolNames[k]
	}
	return fmt.Sprintf("ProtocolKind(%d)", int(k))
}

// ParseProtocolKind returns the kind named by String ("standard",
// "scoping", "pseudo" or "free").
func ParseProtocolKind(s string) (ProtocolKind, error) {
	for k, name := range protocolNames {
		if s == name {
			return ProtocolKind(k), nil
		}
	}
	return 0, fmt.Errorf("committee: unknown protocol %q (want standard, scoping, pseudo or free)", s)
}

// Step is one focusing step: the coupling γ ≥ 0 (+Inf allowed) to the
// reference and the number of replicas y ≥ 1 (+Inf allowed). The focusing
// message uses pol = tanh γ and y − 1.
type Step struct {
	Gamma, Y float64
}

// Protocol is a focusing protocol: a kind and its parameters. The zero
// value is standard reinforcement with dx = 0.01.
type Protocol struct {
	Kind ProtocolKind
	// Step is the increment of x (StandardReinforcement), of ρ
	// (PseudoReinforcement) or of γ (Scoping), in (0, 1) for the first two
	// and > 0 for Scoping; 0 means 0.01.
	Step float64
	// X is the exponent x ∈ (0, 1] of PseudoReinforcement; 0 means ½ (x = 0
	// is StandardReinforcement).
	X float64
	// Y is the fixed y ≥ 1 of Scoping (+Inf allowed).
	Y float64
	// GammaStart and GammaStop bound the γ of Scoping: GammaStart ≥ 0 and
	// GammaStop ≥ GammaStart, both finite.
	GammaStart, GammaStop float64
	// Steps is the list of FreeScoping, non-empty.
	Steps []Step
}

// maxSteps bounds the length of a schedule.
const maxSteps = 1 << 24

// Schedule returns the sequence of focusing steps of p, or an error naming
// the first invalid parameter (a nil p is invalid).
func (p *Protocol) Schedule() ([]Step, error) {
	if p == nil {
		return nil, &ParamError{"Protocol", "", nil, "a protocol (nil)"}
	}
	step := p.Step
	if step == 0 {
		step = 0.01
	}
	switch p.Kind {
	case StandardReinforcement, PseudoReinforcement:
		if !(step > 0 && step < 1) {
			return nil, &ParamError{"Protocol", "Step", p.Step, "a value in (0, 1)"}
		}
		if 1/step >= maxSteps {
			return nil, &ParamError{"Protocol", "Step", p.Step, fmt.Sprintf("at least 1/%d (at most %d steps)", maxSteps, maxSteps)}
		}
		x := p.X
		if p.Kind == PseudoReinforcement {
			if x == 0 {
				x = 0.5
			}
			if !(x > 0 && x <= 1) {
				return nil, &ParamError{"Protocol", "X", p.X, "a value in (0, 1] (0 means ½)"}
			}
		}
		var s []Step
		// t·step < 1 within rounding, as the range 0:step:(1−step).
		for t := 0; float64(t)*step <= 1-step+1e-12*step; t++ {
			r := float64(t) * step
			if p.Kind == StandardReinforcement {
				s = append(s, Step{math.Inf(1), 1 / (1 - r)})
			} else {
				s = append(s, pseudoStep(r, x))
			}
		}
		return s, nil
	case Scoping:
		switch {
		case math.IsNaN(p.Y) || p.Y < 1:
			return nil, &ParamError{"Protocol", "Y", p.Y, "y ≥ 1"}
		case !(step > 0) || math.IsInf(step, 0):
			return nil, &ParamError{"Protocol", "Step", p.Step, "a finite value > 0"}
		case !(p.GammaStart >= 0) || math.IsInf(p.GammaStart, 0):
			return nil, &ParamError{"Protocol", "GammaStart", p.GammaStart, "a finite value ≥ 0"}
		case !(p.GammaStop >= p.GammaStart) || math.IsInf(p.GammaStop, 0):
			return nil, &ParamError{"Protocol", "GammaStop", p.GammaStop, "a finite value ≥ GammaStart"}
		case (p.GammaStop-p.GammaStart)/step >= maxSteps:
			return nil, &ParamError{"Protocol", "Step", p.Step, fmt.Sprintf("at most %d steps", maxSteps)}
		}
		var s []Step
		for t := 0; p.GammaStart+float64(t)*step <= p.GammaStop+1e-12*step; t++ {
			s = append(s, Step{p.GammaStart + float64(t)*step, p.Y})
		}
		return s, nil
	case FreeScoping:
		if len(p.Steps) == 0 {
			return nil, &ParamError{"Protocol", "Steps", "[]", "a non-empty list"}
		}
		for t, st := range p.Steps {
			if math.IsNaN(st.Gamma) || st.Gamma < 0 {
				return nil, &ParamError{"Protocol", fmt.Sprintf("Steps[%d].Gamma", t), st.Gamma, "γ ≥ 0"}
			}
			if math.IsNaN(st.Y) || st.Y < 1 {
				return nil, &ParamError{"Protocol", fmt.Sprintf("Steps[%d].Y", t), st.Y, "y ≥ 1"}
			}
		}
		return append([]Step(nil), p.Steps...), nil
	}
	return nil, &ParamError{"Protocol", "Kind", p.Kind, "standard, scoping, pseudo or free"}
}

// pseudoStep returns the pseudo-reinforcement step at ρ with exponent x:
// γ = atanh(ρ^x), y = 1 + ρ^(1−2x)/(1 − ρ); x = ½ uses the closed form
// (no 0^0).
func pseudoStep(rho, x float64) Step {
	if x == 0.5 {
		return Step{math.Atanh(math.Sqrt(rho)), (2 - rho) / (1 - rho)}
	}
	return Step{math.Atanh(math.Pow(rho, x)), 1 + math.Pow(rho, 1-2*x)/(1-rho)}
}
