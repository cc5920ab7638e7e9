// The focusing field of ops/focus.go, launched by ops/mapop_cuda.go.

#pragma once

#include "mapop.cuh"

// ALGORITHMS §10.3:
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
