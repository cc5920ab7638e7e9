// The Gaussian-weight updates of ops/gaussian.go (ALGORITHMS §4.2, §7.6),
// launched by ops/mapop_cuda.go.

#pragma once

#include "mapop.cuh"

template <typename T>
__device__ __forceinline__ T finiteOr0(T x) { return isfinite(x) ? x : T(0); }
template <typename T>
__device__ __forceinline__ T precFloor(T x) { return x < T(1e-6) ? T(1e-6) : x; } // a NaN stays NaN
MAP3(FiniteGamma, finiteOr0(a[j] * (b[j] / c[j] + a[j])))          // Γ = g(ω/V + g), 0 if not finite
MAP4P(Precision, precFloor(a[j] - b[j] + c[j] + p * e[j]))         // Ω = max(1e-6, a − b + Ωext + r·Ωold)
MAP4P(DampedGaussianMean, (p * a[j] + (T(1) - p) * (b[j] / c[j])) * e[j]) // m = (ψm + (1−ψ)H/Ω)·mask
MAP2(GaussianVariance, b[j] / a[j])                                // σ = mask/Ω
