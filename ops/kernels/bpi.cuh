// The BPI cavity contractions of ops/bpi.go, launched by ops/bpi_cuda.go.

#pragma once

#include "special.cuh"

// ALGORITHMS §7.2:
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
