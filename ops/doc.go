// Package ops holds the message updates of fBP as Gorgonia ops, and the
// numerically stable special functions they are built from.
//
// # Overview
//
// Every equation of a layer's forward or backward step (ALGORITHMS §5, §7)
// is one op: a small type implementing gorgonia.Op (and UsePreallocDoer),
// built into an ExprGraph by a node constructor such as SignChannel,
// BPICavity or MatMul, and run by Gorgonia's TapeMachine. The op's doc
// comment is its per-element formula; its CPU kernel is plain Go over the
// tensors' backing slices, split over goroutines when the work pays for it.
// Matrix products use gonum's BLAS.
//
// # Conventions
//
// Tensors are row-major *tensor.Dense of one dtype, float64 or float32.
// Weight-shaped tensors are K×N, input-shaped N×B, output-shaped K×B, and
// the BP layer's cavity tensors K×N×B with the sample index n fastest.
// Scalar parameters (damping ψ, reinforcement r) are one-element tensors, so
// that schedules change them without rebuilding the graph. Float32 kernels
// evaluate the special functions in float64 and round the result.
//
// # Ownership
//
// An op owns its output tensor: it is allocated by the first Do and
// overwritten by every later one, so a warmed-up graph allocates no tensor
// memory. The node constructors build a fresh op for every node; do not
// share one op value between nodes. Ops never write into their inputs.
//
// # Fused contractions
//
// BPICavity evaluates the cavity output function at all K·N·B points and
// reduces it over k and over n in the same pass, never storing the K×N×B
// tensor (ALGORITHMS §14). The BP layer's ops work on its stored cavity
// tensors; a cavity input may be given as N×B when it is the same for every k.
// BPCavityBackward and BPCavityMagDown fuse the BP updates that read the same
// cavity tensors, so that a sweep passes over them fewer times.
//
// # Errors
//
// Do returns an error, never panics, for inputs of the wrong number, dtype or
// shape, and for labels outside the classes of ArgMaxChannel.
package ops
