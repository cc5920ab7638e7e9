package committee

import "math"

// Thermo holds the thermodynamic quantities of ALGORITHMS §16 at the
// current messages (meaningful at a fixed point), per synapse, for the
// focusing step (γ, y) with pol = tanh γ. For weight (k, i) let
// h = mw ⊘ ux be its cavity field toward the focusing node,
// ν = (h·pol) ↑ (y − 1) the reference's cavity magnetization toward it and
// mx = (h·pol) ↑ y the reference's magnetization.
type Thermo struct {
	Step Step
	// Q = mean tanh(mw)², the self-overlap of a replica.
	Q float64
	// QTilde = mean mx², the self-overlap of the reference.
	QTilde float64
	// S = mean ⟨w·x⟩ = (h ν ⊗ pol), the overlap between a replica and the
	// reference; 1 at γ = +Inf.
	S float64
	// Phi is the Bethe free entropy per synapse of one replica with the
	// reference's entropy taken out (−βF of the reference package, and the
	// −F of the spec): the mean over reference configurations of the local
	// free entropy log Σ_w X(w) e^{γ w·x}. NaN at γ = +Inf.
	Phi float64
	// LocalEntropy = Phi − γ S is the local (internal) entropy Σ_int at
	// the overlap S. NaN at γ = +Inf.
	LocalEntropy float64
	// RefOverlap is the mean of tanh(mw)·Problem.Reference, NaN without a
	// reference.
	RefOverlap float64
}

// Thermo returns the thermodynamic quantities at the current messages
// and step (the last step run, or the one given to SetStep).
func (s *Solver) Thermo() Thermo {
	if s.ready() != nil {
		return Thermo{}
	}
	st, m := s.cur, s.msg
	th := Thermo{Step: st, RefOverlap: math.NaN()}
	nk := float64(s.N * s.K)
	var q, qt, S, ref float64
	for j, v := range m.mw {
		t := math.Tanh(v)
		q += t * t
		if s.p.Reference != nil {
			ref += t * s.p.Reference[j]
		}
		h := remove(v, m.ux[j])
		hp := prodField(h, st.Gamma)
		mx := math.Tanh(up(hp, st.Y))
		qt += mx * mx
		nu := up(hp, st.Y-1)
		S += math.Tanh(combine(prodField(h, nu), st.Gamma))
	}
	th.Q, th.QTilde, th.S = q/nk, qt/nk, S/nk
	if s.p.Reference != nil {
		th.RefOverlap = ref / nk
	}
	if math.IsInf(st.Gamma, 1) {
		th.Phi, th.LocalEntropy = math.NaN(), math.NaN()
		return th
	}
	th.Phi = -s.freeEnergy() / nk
	th.LocalEntropy = th.Phi - st.Gamma*th.S
	return th
}

// freeEnergy returns −(Bethe free entropy) of one replica, reference
// entropy removed (see Thermo.Phi):
//
//	f = Σ_a [ Σ_k ( −log1pxy(Hc_ak, b_ak) + Σ_i log1pxy(h_aki, uw_aki) )
//	          − log1pxy(mt2_a, b_a) + Σ_k log1pxy(h_ak, uo_ak) ]
//	  + Σ_ki [ −logZ(ux_ki, uw_·ki) − log2cosh γ + log1pxy(h_ki, ux_ki) + CE(mx_ki, h_ki·pol) ]
//
// with b the output field of a node under its cavity inputs, Hc its output
// cavity, and CE the cross entropy.
func (s *Solver) freeEnergy() float64 {
	K, N, m, st := s.K, s.N, s.msg, s.cur
	f := 0.0
	for a := range s.M {
		xi := s.xi[a*N : (a+1)*N]
		for k := range K {
			j := a*K + k
			f += s.firstLayerFree(m.mw[k*N:(k+1)*N], m.uw[j*N:(j+1)*N], xi, remove(m.mt1[j], m.ut1[j]))
		}
		for k := range K {
			s.hK[k] = remove(m.mt1[a*K+k], m.uo[a*K+k])
			f += log1pxy(s.hK[k], m.uo[a*K+k])
		}
		b := s.conv2.messages(s.uK, s.hK, nil, m.mt2[a])
		f -= log1pxy(m.mt2[a], b)
	}
	for j := range m.mw {
		h := remove(m.mw[j], m.ux[j])
		hp := prodField(h, st.Gamma)
		f -= logZVar(m.ux[j], m.uw[j:], K*N)
		f -= log2cosh(st.Gamma)
		f += log1pxy(h, m.ux[j])
		f += crossEntropy(up(hp, st.Y), hp)
	}
	return f
}

// firstLayerFree returns −log1pxy(H, b) + Σ_i log1pxy(h_i, uw_i) of one
// first-layer node, with b its output field: atanherf(μ/√(2σ²)) for the
// Gaussian node, the convolution for the exact one.
func (s *Solver) firstLayerFree(mw, uw, xi []float64, H float64) float64 {
	h := s.gauss.h[:len(mw)]
	var mu, s2, f float64
	for i := range h {
		h[i] = remove(mw[i], uw[i])
		t := math.Tanh(h[i])
		mu += t * xi[i]
		s2 += 1 - t*t
		f += log1pxy(h[i], uw[i])
	}
	var b float64
	if s.conv1 != nil {
		b = s.conv1.messages(s.uN, h, xi, H)
	} else {
		b = clampField(atanherf(ratio(mu, math.Sqrt(2*s2))))
	}
	return f - log1pxy(H, b)
}
