// CUDA halves of the ops of package ops (build tag fbpcuda). Every kernel
// has a float and a double instance, named <Op>_f32 and <Op>_f64. The
// kernels of each op family sit in their own header beside this file
// (elementwise.cuh for ops/elementwise.go, bpi.cuh for ops/bpi.go, ...);
// this file includes them all, so `make ptx` compiles one translation unit
// to the one PTX module that ops/cuda.go embeds and loads. The equations are
// those of the CPU kernels, whose doc comments cite ALGORITHMS.md; the
// special functions (special.cuh) follow ops/special.go and
// ops/special_sign.go.
//
// Argument convention of the element-wise kernels (mapop.cuh):
//   (int n, T* dst, const T* in0, ..., const T* param0, ...)
// where the params are one-element device tensors (damping ψ, reinforcement r).

#include "special.cuh"
#include "mapop.cuh"

#include "elementwise.cuh"
#include "gaussian.cuh"
#include "channel.cuh"
#include "amp.cuh"
#include "focus.cuh"
#include "argmax.cuh"
#include "bpi.cuh"
#include "device.cuh"
