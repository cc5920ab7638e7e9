// Whole-tensor helpers used by the network outside the sweep graph: the
// kernels of the CUDA Device methods Copy, Fill, Axpby, Check and Gather
// (ops/device_cuda.go); Section (ops/section_cuda.go) launches Copy too.

#pragma once

#include "mapop.cuh"

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
