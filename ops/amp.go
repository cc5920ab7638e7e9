package ops

import "gorgonia.org/gorgonia"

// The AMP (TAP) layer's fields are the mean-field matrix products plus
// first-order Onsager corrections (ALGORITHMS §7.4). Every correction is a
// matrix product of element-wise products, built in the graph from MatMul
// and Mul; the two ops here combine the four products element by element.

// AMPOmega returns the node of the AMP pre-activation mean
//
//	ω = P1 − gold⊙P2 − gold⊙P3 + gold²⊙P4,  with
//	P1 = m x̂,  P2 = σ (x̂⊙x̂old),  P3 = (m⊙mold) Δ,  P4 = (σ⊙mold)(x̂old⊙Δ).
func AMPOmega(p1, p2, p3, p4, gold *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(ampOmegaK, p1, p2, p3, p4, gold)
}

var ampOmegaK = newKernel("AMPOmega", 5, 0, 4, ampOmega[float64], ampOmega[float32])

// ampOmega: dst = p1 − gold·(p2 + p3) + gold²·p4.
func ampOmega[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().ampOmega, dst, in, p)
	p1, p2, p3, p4, gold := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], in[3][:len(dst)], in[4][:len(dst)]
	for j := j0; j < len(dst); j++ {
		g := gold[j]
		dst[j] = p1[j] - g*(p2[j]+p3[j]) + g*g*p4[j]
	}
}

// AMPField returns the node Q1 + a⊙Q2 − b⊙Q3 − a⊙b⊙Q4, the form shared by
// the AMP downward field and weight field (ALGORITHMS §7.4):
//
//	B   = mᵀg + x̂⊙((m²)ᵀΓ) − x̂old⊙(σᵀ(g⊙gold)) − x̂⊙x̂old⊙((σ⊙m)ᵀ(gold⊙Γ))       (a = x̂, b = x̂old)
//	Hin = g x̂ᵀ + m⊙(Γ(x̂²)ᵀ) − mold⊙((g⊙gold)Δᵀ) − m⊙mold⊙((gold⊙Γ)(Δ⊙x̂)ᵀ)   (a = m, b = mold)
func AMPField(q1, q2, q3, q4, a, b *gorgonia.Node) (*gorgonia.Node, error) {
	return mapNode(ampFieldK, q1, q2, q3, q4, a, b)
}

var ampFieldK = newKernel("AMPField", 6, 0, 4, ampField[float64], ampField[float32])

// ampField: dst = q1 + a·q2 − b·q3 − a·b·q4.
func ampField[T Float](dst []T, in [][]T, p []T) {
	j0 := vecHead(ewRows[T]().ampField, dst, in, p)
	q1, q2, q3, q4 := in[0][:len(dst)], in[1][:len(dst)], in[2][:len(dst)], in[3][:len(dst)]
	a, b := in[4][:len(dst)], in[5][:len(dst)]
	for j := j0; j < len(dst); j++ {
		dst[j] = q1[j] + a[j]*q2[j] - b[j]*(q3[j]+a[j]*q4[j])
	}
}
