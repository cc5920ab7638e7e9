// The ArgMax output function of ops/argmax.go, launched by
// ops/argmax_cuda.go.

#pragma once

#include "special.cuh"

// ArgMaxG (ALGORITHMS §7.5): one thread per sample n.
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
