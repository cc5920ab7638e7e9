package ops

import (
	"math"

	"gorgonia.org/gorgonia"
)

// This file holds the ReLU and identity activation channels of ALGORITHMS
// §5.4 and §5.5, which the spec marks experimental: neither is used in the
// paper, and neither is functional in the reference. For a unit x with the
// channel P(x|z), pre-activation z ~ N(ω, V) from below and the linear field
// B and precision A acting on x from above, the channel's free energy is
//
//	φ(B, A, ω, V) = log ∫dx dz exp(−A x²/2 + B x)·P(x|z)·exp(−(ω − z)²/(2V))
//
// (up to a term that depends on V only), and the channel supplies
//
//	x̂ = ∂_B φ,  Δ = ∂²_B φ   (posterior mean and variance of the activation),
//	g = ∂_ω φ,  Γ = −∂²_ω φ  (output function and its slope).
//
// Each is an element-wise op on four arrays of one shape, in the order B, A,
// ω, V. A must be ≥ 0 and V > 0.

// ReLUPhi returns the free energy φ of the ReLU channel x = max(0, z)
// (ALGORITHMS §5.4), without its V-only term:
//
//	φ = log( H(c/√d) + exp(a + log H(b))/√(1 + A d) ),   c = ω, d = V,
//	a = (B²d + 2Bc − Ac²)/(2(1 + Ad)),   b = −(c + Bd)/√(d(1 + Ad)),
//
// evaluated as a log-sum-exp of the two branches (z < 0: x = 0; z > 0: x = z),
// so it is finite wherever one branch is.
func ReLUPhi(b, a, omega, v float64) float64 {
	l1, l2 := reluLogBranches(b, a, omega, v)
	return logSumExp(l1, l2)
}

// reluLogBranches returns the logarithms of the two branch masses of ReLUPhi:
// l1 = log H(c/√d) and l2 = a + log H(b) − log(1 + Ad)/2.
func reluLogBranches(B, A, c, d float64) (l1, l2 float64) {
	p := 1 + A*d
	a := (B*B*d + 2*B*c - A*c*c) / (2 * p)
	bb := -(c + B*d) / math.Sqrt(d*p)
	return LogH(c / math.Sqrt(d)), a + LogH(bb) - 0.5*math.Log(p)
}

// logSumExp returns log(exp(x) + exp(y)).
func logSumExp(x, y float64) float64 {
	if x < y {
		x, y = y, x
	}
	if math.IsInf(x, -1) {
		return x
	}
	return x + math.Log1p(math.Exp(y-x))
}

// ReLUMoments returns x̂ = ∂_B φ, Δ = ∂²_B φ, g = ∂_ω φ and Γ = −∂²_ω φ of the
// ReLU channel (ALGORITHMS §5.4). With the branch weights w1 = H1/Z and
// w2 = EH2/Z of ReLUPhi (Z = H1 + EH2, from the log-domain masses), p = 1 + Ad,
// u = c/√d and E1/Z = GH(u)·w1:
//
//	x̂ = √d·GH(u)w1/p + w2(Bd + c)/p
//	Δ = √d(Bd + c)·GH(u)w1/p² + w2(d((A + B²)d + 1) + 2Bcd + c²)/p² − x̂²
//	g = −A√d·GH(u)w1/p + w2(B − Ac)/p
//	Γ = −( (A²cd + B)·GH(u)w1/(√d p²) − w2(A²(d − c²) + 2ABc + A − B²)/p² − g² )
//
// The log-domain weights make the reference's two approximate branches
// (dropping the z < 0 mass when it is below 1e-5 of the other, and the
// pinned activation for A, B > 1e3) unnecessary: the formulas above hold
// for every A ≥ 0, finite B and ω, and V > 0.
//
// Accuracy: agrees with central finite differences of ReLUPhi to 1e-6
// (float64) on the grid of the tests.
func ReLUMoments(B, A, c, d float64) (xhat, delta, g, gamma float64) {
	l1, l2 := reluLogBranches(B, A, c, d)
	lz := logSumExp(l1, l2)
	w1, w2 := math.Exp(l1-lz), math.Exp(l2-lz)
	p, sd := 1+A*d, math.Sqrt(d)
	e1 := GH(c/sd) * w1 // E1/Z
	xhat = sd*e1/p + w2*(B*d+c)/p
	delta = sd*(B*d+c)*e1/(p*p) + w2*(d*((A+B*B)*d+1)+2*B*c*d+c*c)/(p*p) - xhat*xhat
	g = -A*sd*e1/p + w2*(B-A*c)/p
	dg := (A*A*c*d+B)*e1/(sd*p*p) - w2*(A*A*(d-c*c)+2*A*B*c+A-B*B)/(p*p) - g*g
	return xhat, delta, g, -dg
}

// IdentityPhi returns the free energy φ of the identity channel x = z
// (ALGORITHMS §5.5), up to a constant:
//
//	φ = (BV + ω)²/(2V(1 + AV)) − ω²/(2V) − log(1 + AV)/2.
func IdentityPhi(B, A, omega, v float64) float64 {
	p := 1 + A*v
	s := B*v + omega
	return s*s/(2*v*p) - omega*omega/(2*v) - 0.5*math.Log(p)
}

// IdentityMoments returns x̂, Δ, g and Γ of the identity channel
// (ALGORITHMS §5.5):
//
//	x̂ = (BV + ω)/(1 + AV),  Δ = V/(1 + AV),  g = (B − Aω)/(1 + AV),  Γ = A/(1 + AV).
func IdentityMoments(B, A, omega, v float64) (xhat, delta, g, gamma float64) {
	p := 1 + A*v
	return (B*v + omega) / p, v / p, (B - A*omega) / p, A / p
}

// ReLUMean returns the node x̂ of the ReLU channel (ReLUMoments), from the
// field b and precision a from above and the pre-activation mean omega and
// variance v from below; experimental (ALGORITHMS §5.4).
func ReLUMean(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(reluMeanK, b, a, omega, v)
}

// ReLUVariance returns the node Δ of the ReLU channel (ReLUMoments).
func ReLUVariance(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(reluVarianceK, b, a, omega, v)
}

// ReLUChannel returns the node g of the ReLU channel (ReLUMoments).
func ReLUChannel(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(reluChannelK, b, a, omega, v)
}

// ReLUGamma returns the node Γ of the ReLU channel (ReLUMoments).
func ReLUGamma(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(reluGammaK, b, a, omega, v)
}

// IdentityMean returns the node x̂ of the identity channel
// (IdentityMoments); experimental (ALGORITHMS §5.5).
func IdentityMean(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(identityMeanK, b, a, omega, v)
}

// IdentityVariance returns the node Δ of the identity channel (IdentityMoments).
func IdentityVariance(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(identityVarianceK, b, a, omega, v)
}

// IdentityChannel returns the node g of the identity channel (IdentityMoments).
func IdentityChannel(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(identityChannelK, b, a, omega, v)
}

// IdentityGamma returns the node Γ of the identity channel (IdentityMoments).
func IdentityGamma(b, a, omega, v *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(identityGammaK, b, a, omega, v)
}

// channelKernel returns the kernel that writes output out (0: x̂, 1: Δ,
// 2: g, 3: Γ) of the moments function f, element by element over B, A, ω, V.
func channelKernel(name string, cost, out int, f func(b, a, omega, v float64) (float64, float64, float64, float64)) *kernel {
	return newKernel(name, 4, 0, cost, channelMap[float64](f, out), channelMap[float32](f, out))
}

func channelMap[T Float](f func(b, a, omega, v float64) (float64, float64, float64, float64), out int) func([]T, [][]T, []T) {
	return func(dst []T, in [][]T, _ []T) {
		b, a, omega, v := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], in[3][:len(dst)]
		for j := range dst {
			var r [4]float64
			r[0], r[1], r[2], r[3] = f(float64(b[j]), float64(a[j]), float64(omega[j]), float64(v[j]))
			dst[j] = T(r[out])
		}
	}
}

var (
	reluMeanK         = channelKernel("ReLUMean", 120, 0, ReLUMoments)
	reluVarianceK     = channelKernel("ReLUVariance", 120, 1, ReLUMoments)
	reluChannelK      = channelKernel("ReLUChannel", 120, 2, ReLUMoments)
	reluGammaK        = channelKernel("ReLUGamma", 120, 3, ReLUMoments)
	identityMeanK     = channelKernel("IdentityMean", 3, 0, IdentityMoments)
	identityVarianceK = channelKernel("IdentityVariance", 3, 1, IdentityMoments)
	identityChannelK  = channelKernel("IdentityChannel", 3, 2, IdentityMoments)
	identityGammaK    = channelKernel("IdentityGamma", 3, 3, IdentityMoments)
)
