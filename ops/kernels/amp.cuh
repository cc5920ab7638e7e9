// The AMP combinations of ops/amp.go (ALGORITHMS §7.4), launched by
// ops/mapop_cuda.go.

#pragma once

#include "mapop.cuh"

// AMPOmega: ω = p1 − gold(p2 + p3) + gold² p4.
template <typename T>
__device__ void AMPOmega_t(int n, T* d, const T* p1, const T* p2, const T* p3, const T* p4, const T* g) {
	IDX T gj = g[j];
	d[j] = p1[j] - gj * (p2[j] + p3[j]) + gj * gj * p4[j];
}
extern "C" __global__ void AMPOmega_f32(int n, float* d, const float* p1, const float* p2, const float* p3, const float* p4, const float* g) { AMPOmega_t(n, d, p1, p2, p3, p4, g); }
extern "C" __global__ void AMPOmega_f64(int n, double* d, const double* p1, const double* p2, const double* p3, const double* p4, const double* g) { AMPOmega_t(n, d, p1, p2, p3, p4, g); }

// AMPField: q1 + a·q2 − b·(q3 + a·q4).
template <typename T>
__device__ void AMPField_t(int n, T* d, const T* q1, const T* q2, const T* q3, const T* q4, const T* a, const T* b) {
	IDX d[j] = q1[j] + a[j] * q2[j] - b[j] * (q3[j] + a[j] * q4[j]);
}
extern "C" __global__ void AMPField_f32(int n, float* d, const float* q1, const float* q2, const float* q3, const float* q4, const float* a, const float* b) { AMPField_t(n, d, q1, q2, q3, q4, a, b); }
extern "C" __global__ void AMPField_f64(int n, double* d, const double* q1, const double* q2, const double* q3, const double* q4, const double* a, const double* b) { AMPField_t(n, d, q1, q2, q3, q4, a, b); }
