package ops

import "math"

// Naive float64 references for the kernels of this package, written straight
// from the equations of ALGORITHMS §3.4, §5, §7 and §10 with explicit index
// loops (no matrix products, no fusion), materialising K×N×B cavity tensors
// where the spec does. Every array is row-major: a K×N matrix x is x[k*N+i], a
// K×N×B tensor is x[(k*N+i)*B+n].
//
// The special functions are the plain textbook forms, accurate to a few ulps
// for the moderate arguments the tests use (|u| ≲ 30, where G and H are
// normal numbers and math.Erfc keeps full relative accuracy):
//
//	G(u) = exp(−u²/2)/√(2π),   H(u) = erfc(u/√2)/2,   GH(u) = G(u)/H(u).

func naiveG(u float64) float64 { return math.Exp(-u*u/2) / math.Sqrt(2*math.Pi) }
func naiveH(u float64) float64 { return math.Erfc(u/math.Sqrt2) / 2 }

// naiveGH is G(u)/H(u), computed as the quotient the spec tells the library
// never to use; fine for u ≲ 37.
func naiveGH(u float64) float64 { return naiveG(u) / naiveH(u) }

// naiveSignG is the sign-channel output function of ALGORITHMS §3.4:
//
//	g = sign(μ)·GHt(|μ|, sign(Btop)·u)/s,  u = −ω/s,  s = √V,  μ = tanh(Btop),
//	GHt(μ, u) = GH(u)                        if μ = 1,
//	          = GH(u)·μf/(1 − μ + μf)        otherwise, f = erfc(u/√2).
//
// 1 − |μ| = 2q/(1+q) with q = exp(−2|Btop|) is formed without cancellation, so
// the result is the formula in exact arithmetic for finite Btop; μ = 1 only
// for Btop = ±Inf (hard label).
func naiveSignG(btop, omega, v float64) float64 {
	if btop == 0 {
		return 0
	}
	s := math.Sqrt(v)
	u := -omega / s
	sg := 1.0
	if btop < 0 {
		sg = -1
	}
	up := sg * u
	var ght float64
	if math.IsInf(btop, 0) {
		ght = naiveGH(up)
	} else {
		q := math.Exp(-2 * math.Abs(btop))
		oneMinusMu := 2 * q / (1 + q)
		mu := (1 - q) / (1 + q)
		f := math.Erfc(up / math.Sqrt2)
		if f == 0 {
			return 0
		}
		ght = naiveGH(up) * mu * f / (oneMinusMu + mu*f)
	}
	return sg * ght / s
}

// naiveAtanhErf is atanh(erf(x)) = sign(x)·½·log((2 − erfc|x|)/erfc|x|) (§3.2).
func naiveAtanhErf(x float64) float64 {
	ax := math.Abs(x)
	e := math.Erfc(ax)
	return math.Copysign(0.5*(math.Log(2-e)-math.Log(e)), x)
}

// naiveBup is Bup = atanh(2H(−ω/s) − 1) = atanh(erf(ω/(s√2))) (§5.1), s = √V.
func naiveBup(omega, v []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return naiveAtanhErf(x[0] / (math.Sqrt(x[1]) * math.Sqrt2)) }, omega, v)
}

// naiveSignChannel applies naiveSignG element by element.
func naiveSignChannel(btop, omega, v []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return naiveSignG(x[0], x[1], x[2]) }, btop, omega, v)
}

// naiveGamma is Γ = g(ω/V + g) (§3.4).
func naiveGamma(g, omega, v []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return x[0] * (x[1]/x[2] + x[0]) }, g, omega, v)
}

// naiveArgMax is the ArgMax output function of §7.5 for C classes and B
// samples with integer labels y.
func naiveArgMax(omega, v []float64, y []int, C, B int) []float64 {
	g := make([]float64, C*B)
	for n := 0; n < B; n++ {
		c := y[n]
		for k := 0; k < C; k++ {
			if k == c {
				continue
			}
			S := math.Sqrt(v[k*B+n] + v[c*B+n])
			g[k*B+n] = -naiveGH(-(omega[c*B+n]-omega[k*B+n])/S) / S
		}
		var sum float64
		for k := 0; k < C; k++ {
			if k != c {
				sum += g[k*B+n]
			}
		}
		g[c*B+n] = -sum
	}
	return g
}

// naiveBPI returns the BPI backward quantities of §7.2:
//
//	gcav[k,i,n] = g(Btop[k,n], ω[k,n] − m[k,i]·x̂[i,n], V[k,n])   (K×N×B)
//	Hin[k,i]    = Σ_n gcav[k,i,n]·x̂[i,n]                          (K×N)
//	B[i,n]      = Σ_k m[k,i]·gcav[k,i,n]                          (N×B)
//
// These are the BP equations of §7.1 with the cavity taken only in g:
// mcav[k,i,n] = m[k,i] and x̂cav = x̂.
func naiveBPI(m, xhat, omega, v, btop []float64, K, N, B int) (gcav, hin, bdown []float64) {
	mcav := naiveBroadcastKN(m, K, N, B)
	gcav = naiveBPCavityG(btop, omega, v, mcav, xhat, K, N, B)
	return gcav, naiveBPHin(gcav, xhat, K, N, B), naiveBPDownField(mcav, gcav, K, N, B)
}

// naiveCav returns the K×N×B tensor out[k,i,n] = f(k, i, n, j), where
// j = (k·N + i)·B + n is the index of [k,i,n].
func naiveCav(K, N, B int, f func(k, i, n, j int) float64) []float64 {
	out := make([]float64, K*N*B)
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			for n := 0; n < B; n++ {
				j := (k*N+i)*B + n
				out[j] = f(k, i, n, j)
			}
		}
	}
	return out
}

// naiveBroadcastKN returns the K×N×B tensor mcav[k,i,n] = m[k,i].
func naiveBroadcastKN(m []float64, K, N, B int) []float64 {
	return naiveCav(K, N, B, func(k, i, _, _ int) float64 { return m[k*N+i] })
}

// naiveXcav returns x̂cav[k,i,n] of a cavity input that is either K×N×B or
// N×B broadcast over k (the first layer, §7.7).
func naiveXcav(xcav []float64, K, N, B, k, i, n int) float64 {
	if len(xcav) == N*B {
		return xcav[i*B+n]
	}
	return xcav[(k*N+i)*B+n]
}

// naiveBPCavityMeans is x̂cav[k,i,n] = tanh(Bup_below[i,n] + Bcav[k,i,n]) (§7.1).
func naiveBPCavityMeans(bup, bcav []float64, K, N, B int) []float64 {
	return naiveCav(K, N, B, func(_, i, n, j int) float64 { return math.Tanh(bup[i*B+n] + bcav[j]) })
}

// naiveBPOmega is ω[k,n] = Σ_i mcav[k,i,n]·x̂cav[k,i,n] (§7.1).
func naiveBPOmega(mcav, xcav []float64, K, N, B int) []float64 {
	out := make([]float64, K*B)
	for k := 0; k < K; k++ {
		for n := 0; n < B; n++ {
			for i := 0; i < N; i++ {
				out[k*B+n] += mcav[(k*N+i)*B+n] * naiveXcav(xcav, K, N, B, k, i, n)
			}
		}
	}
	return out
}

// naiveBPCavityG is gcav[k,i,n] = g(Btop[k,n], ωcav[k,i,n], V[k,n]) with the
// cavity mean ωcav = ω[k,n] − mcav[k,i,n]·x̂cav[k,i,n] (§7.1).
func naiveBPCavityG(btop, omega, v, mcav, xcav []float64, K, N, B int) []float64 {
	return naiveCav(K, N, B, func(k, i, n, j int) float64 {
		wcav := omega[k*B+n] - mcav[j]*naiveXcav(xcav, K, N, B, k, i, n)
		return naiveSignG(btop[k*B+n], wcav, v[k*B+n])
	})
}

// naiveBPDownField is B[i,n] = Σ_k mcav[k,i,n]·gcav[k,i,n] (§7.1).
func naiveBPDownField(mcav, gcav []float64, K, N, B int) []float64 {
	out := make([]float64, N*B)
	for i := 0; i < N; i++ {
		for n := 0; n < B; n++ {
			for k := 0; k < K; k++ {
				out[i*B+n] += mcav[(k*N+i)*B+n] * gcav[(k*N+i)*B+n]
			}
		}
	}
	return out
}

// naiveBPCavityDown is Bcav[k,i,n] = B[i,n] − mcav[k,i,n]·gcav[k,i,n] (§7.1).
func naiveBPCavityDown(b, mcav, gcav []float64, K, N, B int) []float64 {
	return naiveCav(K, N, B, func(_, i, n, j int) float64 { return b[i*B+n] - mcav[j]*gcav[j] })
}

// naiveBPHin is Hin[k,i] = Σ_n gcav[k,i,n]·x̂cav[k,i,n] (§7.1).
func naiveBPHin(gcav, xcav []float64, K, N, B int) []float64 {
	out := make([]float64, K*N)
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			for n := 0; n < B; n++ {
				out[k*N+i] += gcav[(k*N+i)*B+n] * naiveXcav(xcav, K, N, B, k, i, n)
			}
		}
	}
	return out
}

// naiveBPCavityMag is the damped cavity magnetization of §7.1 and §10.1:
//
//	Hcav[k,i,n] = H[k,i] − gcav[k,i,n]·x̂cav[k,i,n]
//	mcav[k,i,n] ← ψ·mcav[k,i,n] + (1 − ψ)·tanh(Hcav[k,i,n])·mask[k,i]
//
// The spec writes the mask on the tanh term only; the op masks the whole
// damped value. The two agree whenever masked entries of mcav are already 0
// (they are from initialisation on, §4.3), which the tests ensure.
func naiveBPCavityMag(mcav, h, gcav, xcav, mask []float64, psi float64, K, N, B int) []float64 {
	return naiveCav(K, N, B, func(k, i, n, j int) float64 {
		hcav := h[k*N+i] - gcav[j]*naiveXcav(xcav, K, N, B, k, i, n)
		return psi*mcav[j] + (1-psi)*math.Tanh(hcav)*mask[k*N+i]
	})
}

// naiveMatMul is C = op(A)·op(B) by the triple loop; a is stored ar×ac and b
// br×bc, row-major.
func naiveMatMul(a []float64, ar, ac int, b []float64, br, bc int, transA, transB bool) (c []float64, m, n int) {
	at := func(i, l int) float64 { // op(A)[i,l]
		if transA {
			return a[l*ac+i]
		}
		return a[i*ac+l]
	}
	bt := func(l, j int) float64 { // op(B)[l,j]
		if transB {
			return b[j*bc+l]
		}
		return b[l*bc+j]
	}
	m, kk := ar, ac
	if transA {
		m, kk = ac, ar
	}
	n = bc
	if transB {
		n = br
	}
	c = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < kk; l++ {
				s += at(i, l) * bt(l, j)
			}
			c[i*n+j] = s
		}
	}
	return c, m, n
}

// naiveV is the pre-activation variance of §7.1–§7.4 (K×B):
//
//	V[k,n] = Σ_i ( σ[k,i]·x̂[i,n]² + m[k,i]²·Δ[i,n] + σ[k,i]·Δ[i,n] ) + 1e-8
func naiveV(m, sigma, xhat, delta []float64, K, N, B int) []float64 {
	out := make([]float64, K*B)
	for k := 0; k < K; k++ {
		for n := 0; n < B; n++ {
			var s float64
			for i := 0; i < N; i++ {
				x, d := xhat[i*B+n], delta[i*B+n]
				s += sigma[k*N+i]*x*x + m[k*N+i]*m[k*N+i]*d + sigma[k*N+i]*d
			}
			out[k*B+n] = s + 1e-8
		}
	}
	return out
}

// naiveMF returns the mean-field backward contractions of §7.3 given g:
//
//	B[i,n] = Σ_k m[k,i]·g[k,n],   Hin[k,i] = Σ_n g[k,n]·x̂[i,n],
//
// that is B = mᵀg and Hin = g x̂ᵀ.
func naiveMF(m, g, xhat []float64, K, N, B int) (bdown, hin []float64) {
	bdown, _, _ = naiveMatMul(m, K, N, g, K, B, true, false)
	hin, _, _ = naiveMatMul(g, K, B, xhat, N, B, false, true)
	return bdown, hin
}

// ampState holds the inputs of the AMP equations of §7.4.
type ampState struct {
	K, N, B              int
	m, mold, sigma       []float64 // K×N
	xhat, xhatold, delta []float64 // N×B
	gold, g, gamma       []float64 // K×B
}

// naiveAMPOmega is the AMP pre-activation mean of §7.4:
//
//	ω[k,n] = Σ_i m[k,i] x̂[i,n]
//	       − gold[k,n]   Σ_i σ[k,i] x̂[i,n] x̂old[i,n]
//	       − gold[k,n]   Σ_i m[k,i] mold[k,i] Δ[i,n]
//	       + gold[k,n]²  Σ_i σ[k,i] mold[k,i] x̂old[i,n] Δ[i,n]
func naiveAMPOmega(s *ampState) []float64 {
	K, N, B := s.K, s.N, s.B
	out := make([]float64, K*B)
	for k := 0; k < K; k++ {
		for n := 0; n < B; n++ {
			var t1, t2, t3, t4 float64
			for i := 0; i < N; i++ {
				ki, in := k*N+i, i*B+n
				t1 += s.m[ki] * s.xhat[in]
				t2 += s.sigma[ki] * s.xhat[in] * s.xhatold[in]
				t3 += s.m[ki] * s.mold[ki] * s.delta[in]
				t4 += s.sigma[ki] * s.mold[ki] * s.xhatold[in] * s.delta[in]
			}
			gd := s.gold[k*B+n]
			out[k*B+n] = t1 - gd*t2 - gd*t3 + gd*gd*t4
		}
	}
	return out
}

// naiveAMPB is the AMP downward field of §7.4:
//
//	B[i,n] = Σ_k m[k,i] g[k,n]
//	       + x̂[i,n]             Σ_k m[k,i]² Γ[k,n]
//	       − x̂old[i,n]          Σ_k σ[k,i] g[k,n] gold[k,n]
//	       − x̂[i,n] x̂old[i,n]   Σ_k σ[k,i] m[k,i] gold[k,n] Γ[k,n]
func naiveAMPB(s *ampState) []float64 {
	K, N, B := s.K, s.N, s.B
	out := make([]float64, N*B)
	for i := 0; i < N; i++ {
		for n := 0; n < B; n++ {
			var t1, t2, t3, t4 float64
			for k := 0; k < K; k++ {
				ki, kn := k*N+i, k*B+n
				t1 += s.m[ki] * s.g[kn]
				t2 += s.m[ki] * s.m[ki] * s.gamma[kn]
				t3 += s.sigma[ki] * s.g[kn] * s.gold[kn]
				t4 += s.sigma[ki] * s.m[ki] * s.gold[kn] * s.gamma[kn]
			}
			x, xo := s.xhat[i*B+n], s.xhatold[i*B+n]
			out[i*B+n] = t1 + x*t2 - xo*t3 - x*xo*t4
		}
	}
	return out
}

// naiveAMPHin is the AMP weight field of §7.4:
//
//	Hin[k,i] = Σ_n g[k,n] x̂[i,n]
//	         + m[k,i]            Σ_n x̂[i,n]² Γ[k,n]
//	         − mold[k,i]         Σ_n g[k,n] gold[k,n] Δ[i,n]
//	         − m[k,i] mold[k,i]  Σ_n gold[k,n] Γ[k,n] Δ[i,n] x̂[i,n]
func naiveAMPHin(s *ampState) []float64 {
	K, N, B := s.K, s.N, s.B
	out := make([]float64, K*N)
	for k := 0; k < K; k++ {
		for i := 0; i < N; i++ {
			var t1, t2, t3, t4 float64
			for n := 0; n < B; n++ {
				kn, in := k*B+n, i*B+n
				t1 += s.g[kn] * s.xhat[in]
				t2 += s.xhat[in] * s.xhat[in] * s.gamma[kn]
				t3 += s.g[kn] * s.gold[kn] * s.delta[in]
				t4 += s.gold[kn] * s.gamma[kn] * s.delta[in] * s.xhat[in]
			}
			mk, mo := s.m[k*N+i], s.mold[k*N+i]
			out[k*N+i] = t1 + mk*t2 - mo*t3 - mk*mo*t4
		}
	}
	return out
}

// naiveField is H = Hin + r·Hold + Hext (§7.2, §10.2).
func naiveField(hin, hext, hold []float64, r float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return x[0] + r*x[2] + x[1] }, hin, hext, hold)
}

// naiveDampedTanh is m ← (ψ·m + (1 − ψ)·tanh(H))·mask (§7.2, §10.1).
func naiveDampedTanh(m, h, mask []float64, psi float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return (psi*x[0] + (1-psi)*math.Tanh(x[1])) * x[2] }, m, h, mask)
}

// naiveDamp is ψ·old + (1 − ψ)·new (the ArgMax damping of H, §7.5, §10.1).
func naiveDamp(old, nw []float64, psi float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return psi*x[0] + (1-psi)*x[1] }, old, nw)
}

// naiveMaskedTanh is tanh(H)·mask (§7.5).
func naiveMaskedTanh(h, mask []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return math.Tanh(x[0]) * x[1] }, h, mask)
}

// naiveBinaryVariance is σ = (1 − m²)·mask (§4.1, §4.3).
func naiveBinaryVariance(m, mask []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return (1 - x[0]*x[0]) * x[1] }, m, mask)
}

// naiveOneMinusSquare is 1 − x²: Δ = 1 − x̂² (§5.1) or the unmasked σ = 1 − m².
func naiveOneMinusSquare(x []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return 1 - x[0]*x[0] }, x)
}

// naiveTanhSum is x̂ = tanh(Bup_below + B) (§5.1).
func naiveTanhSum(a, b []float64) []float64 {
	return naiveMap(func(x ...float64) float64 { return math.Tanh(x[0] + x[1]) }, a, b)
}

// naiveMap applies f element by element to equal-length slices.
func naiveMap(f func(x ...float64) float64, in ...[]float64) []float64 {
	out := make([]float64, len(in[0]))
	args := make([]float64, len(in))
	for j := range out {
		for a := range in {
			args[a] = in[a][j]
		}
		out[j] = f(args...)
	}
	return out
}
