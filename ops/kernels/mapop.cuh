// Element-wise kernel templates, the CUDA side of ops/mapop.go: MAPa(NAME,
// EXPR) defines NAME_f32 and NAME_f64, which set d[j] = EXPR for j < n from a
// arrays a, b, c, e (x for one array); the P variants also read one scalar
// parameter p from a one-element device tensor (damping ψ, reinforcement r).

#pragma once

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

// The same with four arrays and no parameter.
#define MAP4(NAME, EXPR)                                                              \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c, const T* e) { \
		IDX d[j] = (EXPR);                                                            \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c, const float* e) { NAME##_t(n, d, a, b, c, e); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c, const double* e) { NAME##_t(n, d, a, b, c, e); }

// The same with four arrays and one scalar parameter p.
#define MAP4P(NAME, EXPR)                                                             \
	template <typename T> __device__ void NAME##_t(int n, T* d, const T* a, const T* b, const T* c, const T* e, const T* pp) { \
		IDX T p = *pp; d[j] = (EXPR);                                                 \
	}                                                                                 \
	extern "C" __global__ void NAME##_f32(int n, float* d, const float* a, const float* b, const float* c, const float* e, const float* p) { NAME##_t(n, d, a, b, c, e, p); } \
	extern "C" __global__ void NAME##_f64(int n, double* d, const double* a, const double* b, const double* c, const double* e, const double* p) { NAME##_t(n, d, a, b, c, e, p); }
