package ops

import (
	"math"

	"gorgonia.org/gorgonia"
)

// This file holds the element-wise message updates of ALGORITHMS §5 and §7:
// each is a kernel (its doc comment is the per-element formula) and a node
// constructor. Inputs named "scalar" are one-element tensors.

// VarianceFloor is the regulariser added to every pre-activation variance V
// (ALGORITHMS §1): it keeps √V > 0 when all weights are polarised.
const VarianceFloor = 1e-8

// TanhSum returns the node tanh(a + b): the activation mean
// x̂ = tanh(Bup_below + B) of ALGORITHMS §5.1.
func TanhSum(a, b *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(tanhSumK, a, b) }

var tanhSumK = newKernel("TanhSum", 2, 0, 20, tanhSum[float64], tanhSum[float32])

// tanhSum: dst = tanh(a + b).
func tanhSum[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().tanhSum, dst, in, p)
	a, b := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = T(math.Tanh(float64(a[j] + b[j])))
	}
}

// OneMinusSquare returns the node 1 − x²: the variance Δ = 1 − x̂² of a ±1
// activation, or the unmasked weight variance σ = 1 − m² (ALGORITHMS §4.1, §15.2).
func OneMinusSquare(x *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(oneMinusSquareK, x) }

var oneMinusSquareK = newKernel("OneMinusSquare", 1, 0, 1, oneMinusSquare[float64], oneMinusSquare[float32])

// oneMinusSquare: dst = 1 − x².
func oneMinusSquare[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().oneMinusSquare, dst, in, p)
	x := in[0][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = 1 - x[j]*x[j]
	}
}

// Square returns the node x².
func Square(x *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(squareK, x) }

var squareK = newKernel("Square", 1, 0, 1, square[float64], square[float32])

// square: dst = x².
func square[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().square, dst, in, p)
	x := in[0][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = x[j] * x[j]
	}
}

// SquarePlus returns the node x² + d: the second moment x̂² + Δ that
// multiplies σ in the pre-activation variance (ALGORITHMS §7.1).
func SquarePlus(x, d *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(squarePlusK, x, d) }

var squarePlusK = newKernel("SquarePlus", 2, 0, 1, squarePlus[float64], squarePlus[float32])

// squarePlus: dst = x² + d.
func squarePlus[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().squarePlus, dst, in, p)
	x, d := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = x[j]*x[j] + d[j]
	}
}

// Mul returns the element-wise product a ⊙ b.
func Mul(a, b *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(mulK, a, b) }

var mulK = newKernel("Mul", 2, 0, 1, mul[float64], mul[float32])

// mul: dst = a·b.
func mul[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().mul, dst, in, p)
	a, b := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = a[j] * b[j]
	}
}

// Variance returns the node a + b + 1e-8: the pre-activation variance
// V = σ(x̂² + Δ) + m²Δ + 1e-8 from its two matrix products (ALGORITHMS §7.1).
func Variance(a, b *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(varianceK, a, b) }

var varianceK = newKernel("Variance", 2, 0, 1, variance[float64], variance[float32])

// variance: dst = a + b + VarianceFloor.
func variance[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().variance, dst, in, p)
	a, b := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = a[j] + b[j] + VarianceFloor
	}
}

// UpField returns the node Bup = atanh(2H(−ω/√V) − 1): the field that a sign
// unit receives from the factor below it (ALGORITHMS §5.1).
func UpField(omega, v *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(upFieldK, omega, v) }

var upFieldK = newKernel("UpField", 2, 0, 40, upField[float64], upField[float32])

// upField: dst = Atanh2Hm1(−ω/√V). The vector kernels (whole vectors;
// the tail here) compute it as atanh(erf(|ω|/√(2V)))·sign(ω); see
// TestUpFieldLevels for their accuracy.
func upField[T Float](dst []T, in [][]T, _ []T) {
	omega, v := in[0][:len(dst)], in[1][:len(dst)]
	if k := upFieldRow[T](); k != nil {
		n := len(dst) &^ (rowLanes - 1)
		k(dst[:n], omega[:n], v[:n])
		dst, omega, v = dst[n:], omega[n:], v[n:]
	}
	for j := range dst {
		dst[j] = T(Atanh2Hm1(-float64(omega[j]) / math.Sqrt(float64(v[j]))))
	}
}

// SignChannel returns the node g = ∂ω φ_sign(Btop, ω, V), the output function
// of a sign unit that receives the field Btop from above (ALGORITHMS §3.4;
// Btop = ±Inf is a hard label).
func SignChannel(btop, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(signChannelK, btop, omega, v)
}

var signChannelK = newKernel("SignChannel", 3, 0, 60, signChannel[float64], signChannel[float32])

// signChannel: dst = SignG(Btop, ω, √V).
func signChannel[T Float](dst []T, in [][]T, _ []T) {
	btop, omega, v := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)]
	if cav := cavGRow[T](currentLevel()); cav != nil {
		signChannelVec(cav, dst, btop, omega, v)
		return
	}
	for j := range dst {
		dst[j] = T(SignG(float64(btop[j]), float64(omega[j]), math.Sqrt(float64(v[j]))))
	}
}

// Gamma returns the node Γ = −∂²ω φ = g(ω/V + g) of the sign channel
// (ALGORITHMS §3.4).
func Gamma(g, omega, v *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(gammaK, g, omega, v) }

var gammaK = newKernel("Gamma", 3, 0, 2, gamma[float64], gamma[float32])

// gamma: dst = g·(ω/V + g).
func gamma[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().gamma, dst, in, p)
	g, omega, v := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = g[j] * (omega[j]/v[j] + g[j])
	}
}

// Field returns the node H = Hin + Hext + r·Hold: the total field on a weight
// after one backward step, with reinforcement r (a scalar; ALGORITHMS §7.2, §10.2).
func Field(hin, hext, hold, r *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(fieldK, hin, hext, hold, r)
}

var fieldK = newKernel("Field", 3, 1, 1, field[float64], field[float32])

// field: dst = Hin + Hext + r·Hold.
func field[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().field, dst, in, p)
	hin, hext, hold, r := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], p[0]
	for j := j0; j < len(dst); j++ {
		dst[j] = hin[j] + hext[j] + r*hold[j]
	}
}

// DampedTanh returns the node (ψ·m + (1−ψ)·tanh(H)) ⊙ mask: the damped
// magnetization update of a binary weight (ALGORITHMS §7.2, §10.1); psi is a scalar.
func DampedTanh(m, h, mask, psi *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(dampedTanhK, m, h, mask, psi)
}

var dampedTanhK = newKernel("DampedTanh", 3, 1, 20, dampedTanh[float64], dampedTanh[float32])

// dampedTanh: dst = (ψ·m + (1−ψ)·tanh(H))·mask.
func dampedTanh[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().dampedTanh, dst, in, p)
	m, h, mask, psi := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], p[0]
	for j := j0; j < len(dst); j++ {
		dst[j] = (psi*m[j] + (1-psi)*T(math.Tanh(float64(h[j])))) * mask[j]
	}
}

// Damp returns the node ψ·old + (1−ψ)·new (ArgMax damps the field H;
// ALGORITHMS §7.5); psi is a scalar.
func Damp(old, new, psi *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(dampK, old, new, psi) }

var dampK = newKernel("Damp", 2, 1, 1, damp[float64], damp[float32])

// damp: dst = ψ·old + (1−ψ)·new.
func damp[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().damp, dst, in, p)
	old, nw, psi := in[0][:len(dst)], in[1][:len(dst)], p[0]
	for j := j0; j < len(dst); j++ {
		dst[j] = psi*old[j] + (1-psi)*nw[j]
	}
}

// MaskedTanh returns the node tanh(H) ⊙ mask (ALGORITHMS §7.5).
func MaskedTanh(h, mask *gorgonia.Node) (*gorgonia.Node, error) { return mapNode(maskedTanhK, h, mask) }

var maskedTanhK = newKernel("MaskedTanh", 2, 0, 20, maskedTanh[float64], maskedTanh[float32])

// maskedTanh: dst = tanh(H)·mask.
func maskedTanh[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().maskedTanh, dst, in, p)
	h, mask := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = T(math.Tanh(float64(h[j]))) * mask[j]
	}
}

// BinaryVariance returns the node σ = (1 − m²) ⊙ mask, the variance of a ±1
// weight with mean m (ALGORITHMS §4.1, §4.3).
func BinaryVariance(m, mask *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(binaryVarianceK, m, mask)
}

var binaryVarianceK = newKernel("BinaryVariance", 2, 0, 1, binaryVariance[float64], binaryVariance[float32])

// binaryVariance: dst = (1 − m²)·mask.
func binaryVariance[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().binaryVariance, dst, in, p)
	m, mask := in[0][:len(dst)], in[1][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = (1 - m[j]*m[j]) * mask[j]
	}
}
