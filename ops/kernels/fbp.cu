// CUDA halves of the ops of package ops (build tag cuda). Every kernel has a
// float and a double instance, named <Op>_f32 and <Op>_f64; the Go side
// (ops/cuda.go) loads them from the PTX that `make ptx` produces from this
// file. The equations are those of the CPU kernels, whose doc comments cite
// ALGORITHMS.md; the special functions follow ops/special.go.
//
// Argument convention of the element-wise kernels:
//   (int n, T* dst, const T* in0, ..., const T* param0, ...)
// where the params are one-element device tensors (damping ψ, reinforcement r).

#include <math_constants.h>

#define SQRT_2_OVER_PI 0.79788456080286535587989211986876
#define INV_SQRT2 0.70710678118654752440084436210485
#define LN2 0.69314718055994530941723212145818

// Overloads so that one template serves float and double.
__device__ __forceinline__ float  kexp(float x)   { return expf(x); }
__device__ __forceinline__ double kexp(double x)  { return exp(x); }
__device__ __forceinline__ float  kexpm1(float x)  { return expm1f(x); }
__device__ __forceinline__ double kexpm1(double x) { return expm1(x); }
__device__ __forceinline__ float  ktanh(float x)  { return tanhf(x); }
__device__ __forceinline__ double ktanh(double x) { return tanh(x); }
__device__ __forceinline__ float  ksqrt(float x)  { return sqrtf(x); }
__device__ __forceinline__ double ksqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float  kerf(float x)   { return erff(x); }
__device__ __forceinline__ double kerf(double x)  { return erf(x); }
__device__ __forceinline__ float  kerfcx(float x)  { return erfcxf(x); }
__device__ __forceinline__ double kerfcx(double x) { return erfcx(x); }
__device__ __forceinline__ float  katanh(float x)  { return atanhf(x); }
__device__ __forceinline__ double katanh(double x) { return atanh(x); }
__device__ __forceinline__ float  klog(float x)   { return logf(x); }
__device__ __forceinline__ double klog(double x)  { return log(x); }
__device__ __forceinline__ float  klog1p(float x)  { return log1pf(x); }
__device__ __forceinline__ double klog1p(double x) { return log1p(x); }
__device__ __forceinline__ float  kfma(float a, float b, float c)    { return fmaf(a, b, c); }
__device__ __forceinline__ double kfma(double a, double b, double c) { return fma(a, b, c); }
__device__ __forceinline__ float  kcopysign(float a, float b)   { return copysignf(a, b); }
__device__ __forceinline__ double kcopysign(double a, double b) { return copysign(a, b); }

// expHalfSq returns exp(u²/2 − shift) with u² split exactly by an FMA, as
// ops/special.go does, so that the rounding of u² does not reach the result.
template <typename T>
__device__ __forceinline__ T expHalfSq(T u, T shift) {
	T uu = u * u;
	T lo = kfma(u, u, -uu);
	return kexp(T(0.5) * uu - shift) * (T(1) + T(0.5) * lo);
}

// atanhErf(x) = atanh(erf(x)), stable in the tails (ALGORITHMS §3.2).
template <typename T>
__device__ __forceinline__ T atanhErf(T x) {
	T a = fabs(x);
	if (a <= T(1)) return katanh(kerf(x));
	T e = kerfcx(a);
	T c = e * kexp(-a * a);
	T r = T(0.5) * (T(LN2) + klog1p(T(-0.5) * c) - klog(e) + a * a);
	return kcopysign(r, x);
}

// gh(x) = G(x)/H(x), the inverse Mills ratio (ALGORITHMS §3.1).
template <typename T>
__device__ __forceinline__ T gh(T x) {
	if (x >= T(0)) return T(SQRT_2_OVER_PI) / kerfcx(x * T(INV_SQRT2));
	return T(SQRT_2_OVER_PI) / (T(2) * expHalfSq(x, T(0)) - kerfcx(-x * T(INV_SQRT2)));
}

// oneMinusQ returns 1 − exp(−2a) for a = |Btop| ≥ 0, accurate for small a.
template <typename T>
__device__ __forceinline__ T oneMinusQ(T a) {
	if (a < T(0.35)) return -kexpm1(T(-2) * a);
	if (a < T(19)) return T(1) - kexp(T(-2) * a);
	return T(1);
}

// signDen returns D·(1−q) of SignG (ops/special.go) at u' = sign(Btop)·u:
//   u' ≥ 0: erfcx(u'/√2)·(1−q) + 2·exp(u'²/2 − 2a)
//   u' < 0: 2·exp(u'²/2) − erfcx(|u'|/√2)·(1−q)
template <typename T>
__device__ __forceinline__ T signDen(T u, T twoA, T oneMq) {
	T e = kerfcx(fabs(u) * T(INV_SQRT2)) * oneMq;
	T ex = T(2) * expHalfSq(u, u >= T(0) ? twoA : T(0));
	return u >= T(0) ? e + ex : ex - e;
}

// signG is the sign-channel output function g(Btop, ω, s) of ALGORITHMS §3.4.
template <typename T>
__device__ __forceinline__ T signG(T btop, T omega, T s) {
	if (btop == T(0)) return T(0);
	if (btop != btop) return btop;
	T a = fabs(btop);
	T oneMq = oneMinusQ(a);
	T sg = btop > T(0) ? T(1) : T(-1);
	T u = -sg * omega / s;
	return sg * T(SQRT_2_OVER_PI) * oneMq / (signDen(u, T(2) * a, oneMq) * s);
}

#define IDX int j = blockIdx.x * blockDim.x + threadIdx.x; if (j >= n) return;

#define MAP1(NAME, EXPR)                                                              \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* x) {         \
		IDX d[j] = (EXPR);                                                            \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* x) { NAME##_t(n, d, x); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* x) { NAME##_t(n, d, x); }

#define MAP2(NAME, EXPR)                                                              \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b) { \
		IDX d[j] = (EXPR);                                                            \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b) { NAME##_t(n, d, a, b); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b) { NAME##_t(n, d, a, b); }

#define MAP3(NAME, EXPR)                                                              \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c) { \
		IDX d[j] = (EXPR);                                                            \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c) { NAME##_t(n, d, a, b, c); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c) { NAME##_t(n, d, a, b, c); }

// The same with one scalar parameter p (a one-element device tensor).
#define MAP2P(NAME, EXPR)                                                             \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* pp) { \
		IDX T p = *pp; d[j] = (EXPR);                                                 \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* p) { NAME##_t(n, d, a, b, p); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* p) { NAME##_t(n, d, a, b, p); }

#define MAP3P(NAME, EXPR)                                                             \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c, const T* pp) { \
		IDX T p = *pp; d[j] = (EXPR);                                                 \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c, const float* p) { NAME##_t(n, d, a, b, c, p); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c, const double* p) { NAME##_t(n, d, a, b, c, p); }

// ALGORITHMS §5.1, §7: the element-wise updates of ops/elementwise.go.
MAP2(TanhSum, ktanh(a[j] + b[j]))                        // x̂ = tanh(Bup + B)
MAP1(OneMinusSquare, T(1) - x[j] * x[j])                 // Δ = 1 − x̂²
MAP1(Square, x[j] * x[j])
MAP2(SquarePlus, a[j] * a[j] + b[j])                     // x̂² + Δ
MAP2(Mul, a[j] * b[j])
MAP2(Variance, a[j] + b[j] + T(1e-8))                    // V = … + 1e-8
MAP2(UpField, -atanhErf(-a[j] / ksqrt(b[j]) * T(INV_SQRT2))) // Bup = atanh(2H(−ω/√V) − 1)
MAP3(SignChannel, signG(a[j], b[j], ksqrt(c[j])))        // g = g_sign(Btop, ω, √V)
MAP3(Gamma, a[j] * (b[j] / c[j] + a[j]))                 // Γ = g(ω/V + g)
MAP3P(Field, a[j] + b[j] + p * c[j])                     // H = Hin + Hext + r·Hold
MAP3P(DampedTanh, (p * a[j] + (T(1) - p) * ktanh(b[j])) * c[j]) // m = (ψm + (1−ψ)tanh H)·mask
MAP2P(Damp, p * a[j] + (T(1) - p) * b[j])                // ψ·old + (1−ψ)·new
MAP2(MaskedTanh, ktanh(a[j]) * b[j])                     // tanh(H)·mask
MAP2(BinaryVariance, (T(1) - a[j] * a[j]) * b[j])        // σ = (1 − m²)·mask

// The same with four arrays and one scalar parameter p.
#define MAP4P(NAME, EXPR)                                                             \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c, const T* e, const T* pp) { \
		IDX T p = *pp; d[j] = (EXPR);                                                 \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c, const float* e, const float* p) { NAME##_t(n, d, a, b, c, e, p); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c, const double* e, const double* p) { NAME##_t(n, d, a, b, c, e, p); }

// ALGORITHMS §4.2, §7.6: the Gaussian-weight updates of ops/gaussian.go.
template <typename T>
__device__ __forceinline__ T finiteOr0(T x) { return isfinite(x) ? x : T(0); }
template <typename T>
__device__ __forceinline__ T precFloor(T x) { return x < T(1e-6) ? T(1e-6) : x; } // a NaN stays NaN
MAP3(FiniteGamma, finiteOr0(a[j] * (b[j] / c[j] + a[j])))          // Γ = g(ω/V + g), 0 if not finite
MAP4P(Precision, precFloor(a[j] - b[j] + c[j] + p * e[j]))         // Ω = max(1e-6, a − b + Ωext + r·Ωold)
MAP4P(DampedGaussianMean, (p * a[j] + (T(1) - p) * (b[j] / c[j])) * e[j]) // m = (ψm + (1−ψ)H/Ω)·mask
MAP2(GaussianVariance, b[j] / a[j])                                // σ = mask/Ω

// The same with four arrays and no parameter.
#define MAP4(NAME, EXPR)                                                              \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c, const T* e) { \
		IDX d[j] = (EXPR);                                                            \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c, const float* e) { NAME##_t(n, d, a, b, c, e); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c, const double* e) { NAME##_t(n, d, a, b, c, e); }

// logH(x) = log H(x) (ALGORITHMS §3.1): for x ≥ 0 through erfcx, for x < 0
// as log1p(−H(−x)).
template <typename T>
__device__ __forceinline__ T logH(T x) {
	if (x >= T(0)) return klog(T(0.5) * kerfcx(x * T(INV_SQRT2))) - T(0.5) * x * x;
	return klog1p(T(-0.5) * kerfcx(-x * T(INV_SQRT2)) * kexp(T(-0.5) * x * x));
}

// reluMoment returns moment out (0: x̂, 1: Δ, 2: g, 3: Γ) of the ReLU channel
// with field B and precision A from above and z ~ N(c, d) from below, with
// the log-domain branch weights of ops.ReLUMoments (ALGORITHMS §5.4).
template <typename T>
__device__ T reluMoment(T B, T A, T c, T d, int out) {
	T p = T(1) + A * d, sd = ksqrt(d);
	T a = (B * B * d + T(2) * B * c - A * c * c) / (T(2) * p);
	T l1 = logH(c / sd);
	T l2 = a + logH(-(c + B * d) / ksqrt(d * p)) - T(0.5) * klog(p);
	T hi = l1 > l2 ? l1 : l2, lo = l1 > l2 ? l2 : l1;
	T lz = hi + klog1p(kexp(lo - hi));
	T w1 = kexp(l1 - lz), w2 = kexp(l2 - lz);
	T e1 = gh(c / sd) * w1; // E1/Z
	T xhat = sd * e1 / p + w2 * (B * d + c) / p;
	if (out == 0) return xhat;
	if (out == 1) return sd * (B * d + c) * e1 / (p * p) + w2 * (d * ((A + B * B) * d + T(1)) + T(2) * B * c * d + c * c) / (p * p) - xhat * xhat;
	T g = -A * sd * e1 / p + w2 * (B - A * c) / p;
	if (out == 2) return g;
	return -((A * A * c * d + B) * e1 / (sd * p * p) - w2 * (A * A * (d - c * c) + T(2) * A * B * c + A - B * B) / (p * p) - g * g);
}

// ALGORITHMS §5.4, §5.5 (experimental): the channel ops of ops/channel.go,
// inputs B, A, ω, V.
MAP4(ReLUMean, reluMoment(a[j], b[j], c[j], e[j], 0))
MAP4(ReLUVariance, reluMoment(a[j], b[j], c[j], e[j], 1))
MAP4(ReLUChannel, reluMoment(a[j], b[j], c[j], e[j], 2))
MAP4(ReLUGamma, reluMoment(a[j], b[j], c[j], e[j], 3))
MAP4(IdentityMean, (a[j] * e[j] + c[j]) / (T(1) + b[j] * e[j]))    // x̂ = (BV + ω)/(1 + AV)
MAP4(IdentityVariance, e[j] / (T(1) + b[j] * e[j]))                // Δ = V/(1 + AV)
MAP4(IdentityChannel, (a[j] - b[j] * c[j]) / (T(1) + b[j] * e[j])) // g = (B − Aω)/(1 + AV)
MAP4(IdentityGamma, b[j] / (T(1) + b[j] * e[j]))                   // Γ = A/(1 + AV)

// AMP (ALGORITHMS §7.4): ω = p1 − gold(p2 + p3) + gold² p4.
template <typename T>
__device__ void AMPOmega_t(int n, T* d, const T* p1, const T* p2, const T* p3, const T* p4, const T* g) {
	IDX T gj = g[j];
	d[j] = p1[j] - gj * (p2[j] + p3[j]) + gj * gj * p4[j];
}
extern "C" __global__ void AMPOmega_f32(int n, float* d, const float* p1, const float* p2, const float* p3, const float* p4, const float* g) { AMPOmega_t(n, d, p1, p2, p3, p4, g); }
extern "C" __global__ void AMPOmega_f64(int n, double* d, const double* p1, const double* p2, const double* p3, const double* p4, const double* g) { AMPOmega_t(n, d, p1, p2, p3, p4, g); }

// AMP field: q1 + a·q2 − b·(q3 + a·q4).
template <typename T>
__device__ void AMPField_t(int n, T* d, const T* q1, const T* q2, const T* q3, const T* q4, const T* a, const T* b) {
	IDX d[j] = q1[j] + a[j] * q2[j] - b[j] * (q3[j] + a[j] * q4[j]);
}
extern "C" __global__ void AMPField_f32(int n, float* d, const float* q1, const float* q2, const float* q3, const float* q4, const float* a, const float* b) { AMPField_t(n, d, q1, q2, q3, q4, a, b); }
extern "C" __global__ void AMPField_f64(int n, double* d, const double* q1, const double* q2, const double* q3, const double* q4, const double* a, const double* b) { AMPField_t(n, d, q1, q2, q3, q4, a, b); }

// Focusing field of ALGORITHMS §10.3 (ops/focus.go):
//   H = Hin + atanh(tγ·tanh((y−1)·atanh(tγ·m))) + Hext,  tγ = tanh(γ),
//   m = tanh(Hin) (FocusField) or tanh(Hin + Hext) (FocusFieldPrior),
// with both atanh clipped to ±25 for |x| ≥ 1 (§3.3). As on the CPU, every
// step is evaluated in double and the result rounded once.
__device__ __forceinline__ double clippedAtanh(double x) {
	if (fabs(x) < 1.0) return atanh(x);
	if (x != x) return x;
	return x > 0 ? 25.0 : -25.0;
}
template <typename T, bool prior>
__device__ void focusField_t(int n, T* d, const T* hin, const T* hext, const T* pg, const T* py) {
	IDX double tg = tanh((double)*pg), y1 = (double)*py - 1.0;
	double h = hin[j], e = hext[j];
	double m = tanh(prior ? h + e : h);
	d[j] = (T)(h + clippedAtanh(tg * tanh(y1 * clippedAtanh(tg * m))) + e);
}
extern "C" __global__ void FocusField_f32(int n, float* d, const float* hin, const float* hext, const float* g, const float* y) { focusField_t<float, false>(n, d, hin, hext, g, y); }
extern "C" __global__ void FocusField_f64(int n, double* d, const double* hin, const double* hext, const double* g, const double* y) { focusField_t<double, false>(n, d, hin, hext, g, y); }
extern "C" __global__ void FocusFieldPrior_f32(int n, float* d, const float* hin, const float* hext, const float* g, const float* y) { focusField_t<float, true>(n, d, hin, hext, g, y); }
extern "C" __global__ void FocusFieldPrior_f64(int n, double* d, const double* hin, const double* hext, const double* g, const double* y) { focusField_t<double, true>(n, d, hin, hext, g, y); }

// ArgMax output function (ALGORITHMS §7.5), one thread per sample n.
// A label that is not a class index gives NaN outputs for that sample (the
// host validates labels before they reach the device).
template <typename T>
__device__ void ArgMaxG_t(int C, int B, T* g, const T* omega, const T* v, const T* y) {
	int n = blockIdx.x * blockDim.x + threadIdx.x;
	if (n >= B) return;
	T yn = y[n];
	int c = (int)yn;
	if (!(yn == T(c)) || c < 0 || c >= C) {
		for (int k = 0; k < C; k++) g[k * B + n] = T(CUDART_NAN);
		return;
	}
	T wc = omega[c * B + n], vc = v[c * B + n];
	T sum = 0;
	for (int k = 0; k < C; k++) {
		if (k == c) continue;
		T S = ksqrt(v[k * B + n] + vc);
		T gk = -gh(-(wc - omega[k * B + n]) / S) / S;
		g[k * B + n] = gk;
		sum += gk;
	}
	g[c * B + n] = -sum;
}
extern "C" __global__ void ArgMaxG_f32(int C, int B, float* g, const float* omega, const float* v, const float* y) { ArgMaxG_t(C, B, g, omega, v, y); }
extern "C" __global__ void ArgMaxG_f64(int C, int B, double* g, const double* omega, const double* v, const double* y) { ArgMaxG_t(C, B, g, omega, v, y); }

// BPI cavity contractions (ALGORITHMS §7.2; ops/bpi.go):
//   gcav[k,i,n] = g(Btop[k,n], ω[k,n] − m[k,i]·x̂[i,n], V[k,n])   (never stored)
//   Hin[k,i]    = Σ_n gcav[k,i,n]·x̂[i,n]
//   B[i,n]      = Σ_k m[k,i]·gcav[k,i,n]
//
// BPIPrep prepares the Btop- and V-dependent part once per (k, n), in the
// layout prep[5][K·B]: sinv = sign(Btop)/√V, ω, 2|Btop|, 1 − q, and
// coef = sign(Btop)·√(2/π)·(1 − q)/√V, so that at a cavity point
//   u' = (m·x̂ − ω)·sinv,   g = coef / signDen(u', 2|Btop|, 1 − q).
template <typename T>
__device__ void BPIPrep_t(int KB, T* prep, const T* omega, const T* v, const T* btop) {
	int j = blockIdx.x * blockDim.x + threadIdx.x;
	if (j >= KB) return;
	T b = btop[j], s = ksqrt(v[j]);
	T a = fabs(b);
	T sg = b < T(0) ? T(-1) : T(1);
	T oneMq = oneMinusQ(a);
	T coef = sg * T(SQRT_2_OVER_PI) * oneMq / s;
	if (b == T(0)) coef = 0;
	if (b != b) coef = b;
	prep[j] = sg / s;
	prep[KB + j] = omega[j];
	prep[2 * KB + j] = T(2) * a;
	prep[3 * KB + j] = oneMq;
	prep[4 * KB + j] = coef;
}
extern "C" __global__ void BPIPrep_f32(int KB, float* prep, const float* omega, const float* v, const float* btop) { BPIPrep_t(KB, prep, omega, v, btop); }
extern "C" __global__ void BPIPrep_f64(int KB, double* prep, const double* omega, const double* v, const double* btop) { BPIPrep_t(KB, prep, omega, v, btop); }

// BPICavity: one warp per (group of BPI_IPW inputs i, slice s of the units
// k). Lane l owns the samples n = l + 32·j of the current chunk of
// 32·BPI_NPT samples and keeps their partial B in registers; the prepared
// (k, n) values are loaded once for the BPI_IPW inputs; Hin[k,i] is a warp
// reduction per (k, i). Partial downward fields go to part[s][i][n]
// (nothing if part is null) and are summed by BPIReduce, so the result does
// not depend on scheduling.
#define BPI_NPT 4
#define BPI_IPW 4
template <typename T>
__device__ void BPICavity_t(int K, int N, int B, int kPer, int S, T* hin, T* part,
                            const T* m, const T* xhat, const T* prep) {
	int lane = threadIdx.x & 31;
	int s = blockIdx.y * (blockDim.x >> 5) + (threadIdx.x >> 5);
	int i0 = blockIdx.x * BPI_IPW;
	if (s >= S) return;
	int k0 = s * kPer, k1 = min(K, k0 + kPer);
	int KB = K * B;
	const T* sinv = prep;
	const T* om = prep + KB;
	const T* twoA = prep + 2 * KB;
	const T* oneMq = prep + 3 * KB;
	const T* coef = prep + 4 * KB;
	for (int n0 = 0; n0 < B; n0 += 32 * BPI_NPT) {
		T x[BPI_IPW][BPI_NPT], bacc[BPI_IPW][BPI_NPT];
#pragma unroll
		for (int a = 0; a < BPI_IPW; a++) {
#pragma unroll
			for (int j = 0; j < BPI_NPT; j++) {
				int n = n0 + lane + 32 * j;
				x[a][j] = (n < B && i0 + a < N) ? xhat[(i0 + a) * B + n] : T(0);
				bacc[a][j] = 0;
			}
		}
		for (int k = k0; k < k1; k++) {
			T mk[BPI_IPW], h[BPI_IPW];
#pragma unroll
			for (int a = 0; a < BPI_IPW; a++) {
				mk[a] = i0 + a < N ? m[k * N + i0 + a] : T(0);
				h[a] = 0;
			}
#pragma unroll
			for (int j = 0; j < BPI_NPT; j++) {
				int n = n0 + lane + 32 * j;
				if (n < B) {
					int q = k * B + n;
					T si = sinv[q], w = om[q], ta = twoA[q], om1 = oneMq[q], c = coef[q];
#pragma unroll
					for (int a = 0; a < BPI_IPW; a++) {
						T u = (mk[a] * x[a][j] - w) * si;
						T g = c / signDen(u, ta, om1);
						h[a] += g * x[a][j];
						bacc[a][j] += mk[a] * g;
					}
				}
			}
#pragma unroll
			for (int a = 0; a < BPI_IPW; a++) {
				T v = h[a];
#pragma unroll
				for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
				if (lane == 0 && i0 + a < N) {
					if (n0 == 0) hin[k * N + i0 + a] = v;
					else hin[k * N + i0 + a] += v;
				}
			}
		}
		if (part != 0) {
#pragma unroll
			for (int a = 0; a < BPI_IPW; a++) {
#pragma unroll
				for (int j = 0; j < BPI_NPT; j++) {
					int n = n0 + lane + 32 * j;
					if (n < B && i0 + a < N) part[((size_t)s * N + i0 + a) * B + n] = bacc[a][j];
				}
			}
		}
	}
}
extern "C" __global__ void BPICavity_f32(int K, int N, int B, int kPer, int S, float* hin, float* part, const float* m, const float* xhat, const float* prep) { BPICavity_t(K, N, B, kPer, S, hin, part, m, xhat, prep); }
extern "C" __global__ void BPICavity_f64(int K, int N, int B, int kPer, int S, double* hin, double* part, const double* m, const double* xhat, const double* prep) { BPICavity_t(K, N, B, kPer, S, hin, part, m, xhat, prep); }

// BPIReduce: b[j] = Σ_s part[s][j] over NB = N·B entries.
template <typename T>
__device__ void BPIReduce_t(int NB, int S, T* b, const T* part) {
	int j = blockIdx.x * blockDim.x + threadIdx.x;
	if (j >= NB) return;
	T acc = 0;
	for (int s = 0; s < S; s++) acc += part[(size_t)s * NB + j];
	b[j] = acc;
}
extern "C" __global__ void BPIReduce_f32(int NB, int S, float* b, const float* part) { BPIReduce_t(NB, S, b, part); }
extern "C" __global__ void BPIReduce_f64(int NB, int S, double* b, const double* part) { BPIReduce_t(NB, S, b, part); }

// Whole-tensor helpers used by the network outside the sweep graph.
template <typename T>
__device__ void Fill_t(int n, T* d, T v) { IDX d[j] = v; }
extern "C" __global__ void Fill_f32(int n, float* d, float v) { Fill_t(n, d, v); }
extern "C" __global__ void Fill_f64(int n, double* d, double v) { Fill_t(n, d, v); }

// Axpby: d = a·x + b·d; b = 0 ignores d (no 0·Inf = NaN).
template <typename T>
__device__ void Axpby_t(int n, T* d, T a, const T* x, T b) {
	IDX d[j] = b == T(0) ? a * x[j] : a * x[j] + b * d[j];
}
extern "C" __global__ void Axpby_f32(int n, float* d, double a, const float* x, double b) { Axpby_t(n, d, (float)a, x, (float)b); }
extern "C" __global__ void Axpby_f64(int n, double* d, double a, const double* x, double b) { Axpby_t(n, d, a, x, b); }

// Gather: x̂[i,n] = data[idx[n]·N0 + i], the transposed mini-batch from a
// data set uploaded once (M×N0, one sample per row), and lab[n] = labels[idx[n]].
template <typename T>
__device__ void Gather_t(int N0, int B, T* xhat, T* lab, const T* data, const T* labels, const int* idx) {
	int j = blockIdx.x * blockDim.x + threadIdx.x;
	if (j < N0 * B) {
		int i = j / B, n = j - i * B;
		xhat[j] = data[(size_t)idx[n] * N0 + i];
	}
	if (j < B) lab[j] = labels[idx[j]];
}
extern "C" __global__ void Gather_f32(int N0, int B, float* xhat, float* lab, const float* data, const float* labels, const int* idx) { Gather_t(N0, B, xhat, lab, data, labels, idx); }
extern "C" __global__ void Gather_f64(int N0, int B, double* xhat, double* lab, const double* data, const double* labels, const int* idx) { Gather_t(N0, B, xhat, lab, data, labels, idx); }

// Copy: d = s, a kernel so that it queues like the other work.
MAP1(Copy, x[j])

// Check: job blockIdx.y reduces its n elements over gridDim.x blocks into
// part[job·gridDim.x + block]: kind 0 sums |a − b|, kind 1 takes the minimum
// index of a NaN or Inf in a (n if none). The host finishes the reduction,
// so one launch and one download check a whole network.
struct CheckJob {
	const void* a;
	const void* b;
	long long n;
	long long kind;
};
template <typename T>
__device__ void Check_t(const CheckJob* jobs, double* part) {
	__shared__ double sh[32];
	CheckJob jb = jobs[blockIdx.y];
	const T* a = (const T*)jb.a;
	const T* b = (const T*)jb.b;
	bool sum = jb.kind == 0;
	double acc = sum ? 0.0 : (double)jb.n;
	for (long long j = blockIdx.x * blockDim.x + threadIdx.x; j < jb.n; j += (long long)gridDim.x * blockDim.x) {
		if (sum) {
			acc += fabs((double)a[j] - (double)b[j]);
		} else {
			T v = a[j];
			if (!(v - v == T(0))) acc = fmin(acc, (double)j);
		}
	}
	for (int off = 16; off > 0; off >>= 1) {
		double o = __shfl_down_sync(0xffffffffu, acc, off);
		acc = sum ? acc + o : fmin(acc, o);
	}
	int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
	if (lane == 0) sh[w] = acc;
	__syncthreads();
	if (w == 0) {
		acc = lane < (blockDim.x >> 5) ? sh[lane] : (sum ? 0.0 : (double)jb.n);
		for (int off = 16; off > 0; off >>= 1) {
			double o = __shfl_down_sync(0xffffffffu, acc, off);
			acc = sum ? acc + o : fmin(acc, o);
		}
		if (lane == 0) part[blockIdx.y * gridDim.x + blockIdx.x] = acc;
	}
}
extern "C" __global__ void Check_f32(const CheckJob* jobs, double* part) { Check_t<float>(jobs, part); }
extern "C" __global__ void Check_f64(const CheckJob* jobs, double* part) { Check_t<double>(jobs, part); }
