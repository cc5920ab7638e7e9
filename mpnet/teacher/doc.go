// Package teacher implements exact-enumeration message passing for sparse
// binary two-layer networks in the teacher–student setting of EXPERIMENTS
// Part III (seed 002, a master thesis): a teacher
//
//	y = φ( W_out φ( W_in x ) ),   x ∈ {±1}^N_in
//
// with biregular sparse W_in (N_hidden×N_in) and W_out (N_out×N_hidden)
// whose non-zeros are ±1, and a student that infers the weights from m
// input–output pairs by belief propagation on the factor graph with one
// factor per output unit.
//
// # Overview
//
// New draws a teacher from a Config (sizes, non-zeros per row, activation
// Tanh or LeakyReLU), Teacher.Generate draws labelled data, and Infer runs
// sum-product, max-product or max-sum (Settings.Algorithm) offline, in
// mini-batches or online (Settings.Mode; a batch's beliefs become the next
// batch's prior, PasP with ρ = 1), with damping and reinforcement. A factor
// touches K_out + K_out·K_in weights (6 in the base case), so its messages
// are computed by enumerating all q^n configurations of its weights: the
// factor tables are built once per batch and each iteration only sums (or
// maximises) products of messages over the configurations allowed by the
// data. BayesStudent knows the teacher's supports and infers signs
// (§III.1); MismatchedStudent has larger supports and ternary weights in
// {−1, 0, +1} (§III.2). WrongFraction, TopologyError and GenError are the
// thesis' metrics.
//
// # Conventions
//
// A Support stores the columns of each row contiguously (Rows×K, sorted);
// weights, estimates and beliefs on a support follow that slot order. The
// variables of Infer are the slots of W_in, then those of W_out. Messages
// are float64 probability vectors over the alphabet (−1, +1), or (−1, 0, +1)
// for a ternary student; MaxSum uses log-likelihoods with maximum 0.
//
// # Ownership
//
// Teachers, Students, Supports and Data are read-only once built; Infer
// never modifies its arguments and returns freshly allocated slices.
// Progress slices passed to a Recorder are valid only during the call.
//
// # Errors
//
// Bad input — sizes, degrees larger than the width they index, degrees
// that admit no biregular graph, settings out of range, data that do not
// fit — returns a *FieldError wrapping ErrInvalid; nothing exported panics
// on bad input. Running out of iterations is a Status, not an error.
package teacher
