// Package committee trains the fully connected binary committee machine by
// focusing belief propagation (fBP, ALGORITHMS §16; EXPERIMENTS §II.4).
//
// # Overview
//
// A Problem holds K (odd) hidden perceptrons with N (odd) binary weights
// each, all reading the same input ξ ∈ {±1}^N, with the output
// sign(Σ_k sign(W_k·ξ)) (second layer fixed to +1), and M patterns with ±1
// labels. RandomProblem draws the random instances of compare.SolveFraction,
// so that fBP and replicated SGD can be compared on the same instances.
//
// New builds a Solver from a Problem and Settings (the protocol, damping,
// tolerance, sweep and step limits, initial noise, seed). Run goes through
// the focusing protocol: for each (γ, y) it sweeps, in a random order,
// every pattern's K first-layer nodes and output node and every weight's
// focusing node, until the largest message change is below Epsilon or
// MaxIters sweeps ran, then tests the weights sign(mw) and stops at zero
// training errors. The four protocols are standard reinforcement, scoping,
// pseudo-reinforcement and free scoping. Thermo gives q, q̃, the overlap S
// with the reference, the Bethe free entropy and the local entropy at the
// current messages. WriteTo and ReadFrom save and restore the state (a
// versioned, checksummed binary format) so that a run can be restarted.
//
// # Messages
//
// Messages are stored as fields atanh(m) (see fields.go): they add, a
// cavity is a difference with x ⊘ x = 0 even for infinite x, and damping
// mixes fields. Fields converted from magnetizations or probabilities are
// clamped to ±FieldMax; the labels are infinite fields, and so is the
// focusing message at γ = y = +Inf. The first layer uses the Gaussian
// ("accurate") node, O(N) per node, or optionally the exact convolution
// node, O(N²); the output node is always exact, O(K²).
//
// # Differences from the reference package
//
// The reference (BinaryCommitteeMachineFBP.jl) drops the term ±aH of a
// message when the input's output field is infinite and the output cavity
// finite; here the limit of the formula is used. Opposite infinite fields
// combine or damp to 0 instead of NaN. The first-layer message to the
// hidden unit is clamped to ±FieldMax, so that a saturated unit (σ² = 0)
// does not make it infinite. The convergence test includes that message.
//
// # Ownership
//
// A Solver keeps a reference to the Problem's set, which must not change
// while the solver is in use. A Solver is not safe for concurrent use;
// different solvers are independent.
package committee
