// Package mpnet is a multi-layer perceptron with ±1 weights and sign
// activations whose weight posterior is estimated by message passing: BP,
// BPI, MF, AMP or continuous-weight BPI layers with a sign output (2
// classes) or an ArgMax output (ALGORITHMS §6–§8, §11–§13).
//
// # Overview
//
// New builds a network from a Config (widths, one Kind per layer, densities,
// dtype); Init draws the symmetry-breaking initial fields. A training step is
// SetPrior (the PasP step Hext ← ρH + rbatch·Hext), SetBatch (load the
// mini-batch, reset the downward messages) and Iterate, τmax times. Package
// pasp drives these. Predict, PredictBayes and Errors evaluate the network;
// Overlaps gives the polarization and overlap diagnostics; WriteTo and
// ReadNetwork save and load it.
//
// # The sweep graph
//
// One iteration (forward over the layers, then backward) is a Gorgonia
// ExprGraph of the ops of package ops, built once per batch size and run by a
// TapeMachine for every iteration. Its input nodes are bound to the network's
// state tensors; after a run, Iterate copies the new state (m, σ, H, B, and
// each rule's own state) from the output nodes into them. The PasP prior
// step (SetPrior) and the finiteness check (CheckFinite) stay outside the
// graph; their doc comments say why.
//
// # Layer kinds
//
// Each Kind follows a rule (the unexported interface of rule.go): its part
// of the forward step (ω and the σ of V), its backward step (Hin and the B
// sent down), its marginal update, its initial state, the state it owns
// beyond m, σ, H, Hext and mask (weight-shaped, which To moves, SetPrior
// updates and WriteTo saves; or batch-sized, reset for every mini-batch)
// and how it restores a saved layer. A kind lives in one file whose doc
// comment gives its equations: bpi.go, bp.go, mf.go, amp.go, argmax.go,
// cbpi.go. The steps every kind shares (x̂, Δ, V, Bup; the field H and
// focusing) are in build.go and focus.go. To add a kind, add its constant
// and one registry line (name, constructor, properties) to kind.go and
// write its file: a type implementing rule, embedding binaryWeights,
// noBatchState or bpiForward where they fit. Its equations are nodes of
// ops from package ops, each with a CPU kernel and a CUDA kernel (build tag
// fbpcuda); a kind whose ops lack the CUDA half is marked hostOnly in the
// registry, and To refuses it.
//
// # Conventions
//
// Weight-shaped state is K×N (K outputs, N inputs), activations N×B,
// pre-activations K×B, BP cavities K×N×B, all row-major. Data passed in is
// one sample per row (B×N_0). Labels are ±1 for a sign output and class
// indices 0..C−1 for ArgMax. Float64 is the default dtype; float32 works too.
//
// # Ownership
//
// The network owns every state tensor; accessors (M, H, Hext, Mask) return
// copies. A Network is not safe for concurrent use.
package mpnet
