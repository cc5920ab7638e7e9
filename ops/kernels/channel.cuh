// The ReLU and identity channels of ops/channel.go (ALGORITHMS §5.4, §5.5,
// experimental), launched by ops/mapop_cuda.go; inputs B, A, ω, V.

#pragma once

#include "special.cuh"
#include "mapop.cuh"

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

MAP4(ReLUMean, reluMoment(a[j], b[j], c[j], e[j], 0))
MAP4(ReLUVariance, reluMoment(a[j], b[j], c[j], e[j], 1))
MAP4(ReLUChannel, reluMoment(a[j], b[j], c[j], e[j], 2))
MAP4(ReLUGamma, reluMoment(a[j], b[j], c[j], e[j], 3))
MAP4(IdentityMean, (a[j] * e[j] + c[j]) / (T(1) + b[j] * e[j]))    // x̂ = (BV + ω)/(1 + AV)
MAP4(IdentityVariance, e[j] / (T(1) + b[j] * e[j]))                // Δ = V/(1 + AV)
MAP4(IdentityChannel, (a[j] - b[j] * c[j]) / (T(1) + b[j] * e[j])) // g = (B − Aω)/(1 + AV)
MAP4(IdentityGamma, b[j] / (T(1) + b[j] * e[j]))                   // Γ = A/(1 + AV)
