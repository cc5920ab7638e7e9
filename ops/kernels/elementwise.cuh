// The element-wise updates of ops/elementwise.go (ALGORITHMS §5.1, §7),
// launched by ops/mapop_cuda.go.

#pragma once

#include "special.cuh"
#include "mapop.cuh"

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
