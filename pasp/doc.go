// Package pasp trains an mpnet.Network by the Posterior-as-Prior rule with
// mini-batches (ALGORITHMS §9–§10): for every mini-batch, the previous
// posterior raised to the power ρ becomes the prior, and τmax message-passing
// sweeps on the batch give the next posterior.
//
// # Overview
//
// Settings hold the hyper-parameters (per-layer ρ, ψ, r; τmax, ϵinit, rstep,
// batch size, epochs, seed); DefaultSettings gives those of the paper's
// experiments. New builds the network and the trainer; Step trains on one
// mini-batch; Fit runs epochs with shuffling and end-of-epoch evaluation
// through the epoch loop of package train (the Trainer is a train.Model),
// reporting to a Recorder (Printer, JSONRecorder) and returning a Result
// whose Status says why it stopped. Stats, Eval, Result, Status, Event and
// the recorders are package train's, under their pasp names. Save,
// SaveFile, Load and LoadFile write and read the complete trainer state, so
// that a resumed run continues exactly as an uninterrupted one;
// SetCheckpointFile makes Fit save it after every epoch.
//
// # Randomness
//
// A run has one random source, a PCG seeded with Settings.Seed: it draws the
// masks, the initial fields and each epoch's permutation. The same seed gives
// a bit-identical run on the CPU.
package pasp
