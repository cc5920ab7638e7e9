package teacher

import (
	"fmt"
	"math"
)

// Activation is a scalar non-linearity applied element-wise to the hidden
// and output pre-activations (EXPERIMENTS §III.1: the same one in both layers).
type Activation interface {
	// Eval returns the activation of the pre-activation z.
	Eval(z float64) float64
	// Validate returns an error when the parameters are out of their domain.
	Validate() error
	String() string
}

var (
	_ Activation = Tanh{}
	_ Activation = LeakyReLU{}
)

// Tanh is the shifted hyperbolic tangent
//
//	φ(z) = tanh(z − B)
//
// The thesis uses B = 0.1 (EXPERIMENTS §III.1). B ≠ 0 breaks the symmetry
// φ(−z) = −φ(z), under which flipping every weight into and out of a hidden
// unit would leave the outputs unchanged and the teacher unidentifiable. B
// must be finite; B = 0 is allowed (and the symmetry is then present).
type Tanh struct{ B float64 }

// Eval returns tanh(z − B).
func (a Tanh) Eval(z float64) float64 { return math.Tanh(z - a.B) }

// Validate returns an error when B is not finite.
func (a Tanh) Validate() error {
	if math.IsNaN(a.B) || math.IsInf(a.B, 0) {
		return fmt.Errorf("tanh: B = %v, want finite", a.B)
	}
	return nil
}

func (a Tanh) String() string { return fmt.Sprintf("tanh(z-%g)", a.B) }

// LeakyReLU is the leaky rectifier
//
//	φ(z) = max(z, A·z),   0 ≤ A < 1
//
// The thesis uses A = 0.1 (EXPERIMENTS §III.1).
type LeakyReLU struct{ A float64 }

// Eval returns max(z, A·z).
func (a LeakyReLU) Eval(z float64) float64 { return math.Max(z, a.A*z) }

// Validate returns an error unless 0 ≤ A < 1.
func (a LeakyReLU) Validate() error {
	if !(a.A >= 0 && a.A < 1) {
		return fmt.Errorf("leaky ReLU: A = %v, want 0 ≤ A < 1", a.A)
	}
	return nil
}

func (a LeakyReLU) String() string { return fmt.Sprintf("leakyrelu(a=%g)", a.A) }
