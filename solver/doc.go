// Package solver trains a binary neural network written as an ordinary
// Gorgonia graph by message passing (fBP: PasP with BPI, BP, MF or AMP
// layers) instead of gradient descent. Its Solver implements
// gorgonia.Solver, so a program that trains its graph with
//
//	solver := gorgonia.NewAdamSolver()
//
// trains it by message passing with
//
//	s, err := solver.New(x, y, weights)
//
// and nothing else changes: the same graph, the same RunAll → Step → Reset
// loop, the same forward pass for predictions.
//
// # The model read from the graph
//
// New walks the graph from the weight nodes W_1 … W_L down to the input x
// and accepts, up to positive constant factors (a scaling such as 1/√N
// changes no sign and no argmax), the chain
//
//	h_0 = x,   z_l = h_{l−1}·B(W_l),   h_l = sign(z_l)  (l < L),   output z_L,
//
// with B(W) = W, compare.BinarizeSTE(W, nil) or gorgonia.Sign(W) and sign =
// compare.SignSTE or gorgonia.Sign. x is B×N_0 (one sample per row) with
// W_l of shape N_{l−1}×N_l, or N_0×B with W_l of shape N_l×N_{l−1} and
// z_l = B(W_l)·h_{l−1}. What reads z_L — a softmax, a cross-entropy, the
// gradients of gorgonia.Grad — is the user's and is not read, provided it
// adds no learnable (a bias) and compares nothing (a ReLU). Anything else
// on the chain is an *UnsupportedError naming the op and its node.
//
// This is the network of ALGORITHMS §6 with ±1 weights, no biases and sign
// activations. With N_L = 1 its output is sign(z_L) and the labels are ±1;
// with N_L = C ≥ 2 it is argmax_k z_L[k] (an ArgMax output layer, §7.5).
//
// # One step
//
// The weights carry a factorised posterior, independent fields H_l with
// magnetisations m_l = tanh(H_l). Step reads the mini-batch (X, Y) bound to
// x and y and runs one step of the Posterior-as-Prior rule (§9):
//
//	Hext_l ← ρ_l·H_l                      (the posterior becomes the prior)
//	τmax sweeps of message passing on (X, Y) with prior fields Hext_l
//	W_l ← sign(m_l)                       (written into the user's values)
//
// so that the next forward pass of the user's graph computes with the
// point-wise weights, which Predict uses too. PredictBayes averages over
// the posterior instead (§12.2).
//
// # Defaults
//
// The zero-option solver uses the settings of the paper (pasp.DefaultSettings
// for the detected task): BPI hidden layers, ρ = 1+1e-4 on the hidden layers
// and 0.9 on the output layer, ψ = 0.8 (0.81 for BPI with more than two
// classes), ϵinit = 1, τmax = 1, float64 state. Options (WithLayer, WithRho,
// WithPsi, WithSeed, WithDtype, WithTauMax, WithEpsInit, WithSettings)
// change them.
package solver
