// Device special functions (ALGORITHMS §3), the CUDA counterparts of
// ops/special.go and ops/special_sign.go: overloads that let one template
// serve float and double, and the stable forms of atanh∘erf, G/H, log H and
// the sign-channel output function g.

#pragma once

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

// signDen returns D·(1−q) of SignG (ops/special_sign.go) at u' = sign(Btop)·u:
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

// logH(x) = log H(x) (ALGORITHMS §3.1): for x ≥ 0 through erfcx, for x < 0
// as log1p(−H(−x)).
template <typename T>
__device__ __forceinline__ T logH(T x) {
	if (x >= T(0)) return klog(T(0.5) * kerfcx(x * T(INV_SQRT2))) - T(0.5) * x * x;
	return klog1p(T(-0.5) * kerfcx(-x * T(INV_SQRT2)) * kexp(T(-0.5) * x * x));
}
