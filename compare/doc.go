// Package compare holds the gradient-based and message-passing baselines
// that the paper compares fBP with, run in the same Go runtime as the
// message-passing trainer and reporting in its terms.
//
// # Overview
//
// Each baseline is a trainer with a Settings struct (documented zero values)
// and a Fit(ctx, train, test) method that returns a *pasp.Result and reports
// progress to a pasp.Recorder exactly as pasp.Trainer.Fit does: Init, then
// pasp.StepEnd after every mini-batch and pasp.EpochEnd after the epoch-0
// evaluation and after every epoch, with the point-wise errors in
// pasp.Stats.Eval. pasp.Printer, pasp.JSONRecorder and any side-by-side
// runner therefore treat fBP and the baselines alike.
//
//   - BinaryNet (BASELINES §1.1–§1.2): binary weights and sign activations
//     trained through straight-through estimators with Gorgonia's own
//     automatic differentiation (gorgonia.Grad) and solvers (Adam, vanilla
//     SGD), the way a Gorgonia user would write it. With Binary unset it is
//     the continuous-weight SGD of §1.3.
//   - SignSTE and BinarizeSTE: the straight-through estimators as Gorgonia
//     ops with symbolic (SDOp) and automatic (ADOp) derivatives, usable in
//     any graph.
//   - EBP (BASELINES §2): Expectation Backpropagation with binary or Gaussian
//     weights, online or mini-batched, with point-wise and Bayesian
//     predictions. Its per-example updates are plain Go kernels, not graph
//     ops (see ebp_kernels.go for why), each tested against the spec's
//     equations.
//   - RSGD (BASELINES §3): replicated SGD on the robust ensemble for binary
//     committee machines on random patterns, with the interaction formulas
//     of §3.3 and the non-interacting baseline (Lambda = 0); SolveFraction
//     measures the fraction of instances solved at a load α.
//   - Anneal (BASELINES §3.5, EXPERIMENTS §II.2): replicated simulated
//     annealing on the robust ensemble for the binary perceptron (K = 1)
//     and committee machines, Metropolis single-weight flips with
//     incremental energy shifts, annealing of β and scoping of γ; γ = 0 is
//     plain SA. AnnealSolve measures moves to solution on random
//     instances and WriteAnnealDir writes them (CSV, JSON, PNG).
//   - NewAlgorithm: the algorithm factory. It builds any trainer of
//     Algorithms by name from one AlgorithmSettings (widths, batch size,
//     epochs, seed, learning rate, density, dtype, device), with the
//     hyper-parameters of pasp.DefaultSettings for message passing, so
//     that a comparison or an experiment names its algorithms as strings.
//   - Runner: the side-by-side runner behind "fbp compare" and package
//     compare/experiments. It trains Jobs (an algorithm, a seed and a
//     constructor) one after another and collects their evaluations per
//     epoch as Results. A Job with a Plan is resumable in Runner.Dir:
//     finished runs are stored and reused, message-passing runs are
//     checkpointed after every epoch and continue after an interruption,
//     and a stored run of other settings (ErrOtherJob) or other data
//     (ErrOtherData) is never mixed in. RunAll is the one-call form.
//   - Results: every run, one epoch order per seed (data.OrderSource),
//     written by WriteDir as CSV, JSON, a Markdown table of mean ± std
//     over seeds, and PNG learning curves (gonum/plot). CheckDir checks
//     an output directory before any work starts.
//
// # Conventions
//
// Data sets are data.Set values: inputs M×N_0 row-major, labels ±1 for a
// network with one sign output (2-class tasks) and class indices for one
// with C ≥ 3 outputs. Weight slices returned to callers are K×N row-major,
// as in mpnet. Randomness comes from one math/rand/v2 PCG source per run,
// seeded from the settings, plus data.OrderSource(seed) for the epoch
// orders: the same seed gives a bit-identical run on the CPU. Error rates
// are in percent.
//
// # Fields a baseline does not have
//
// Baselines without a Bayesian prediction (BinaryNet, SGD) leave the Bayesian
// errors of pasp.Eval at 0 and its per-layer Q0 and Qab empty; Stats.Sweeps
// counts one forward-backward pass per mini-batch, and Stats.Change is the
// largest per-layer mean |ΔW| of the latent weights in the last step.
//
// # Errors
//
// Invalid settings or widths give a typed settings error naming the field;
// invalid data sets, labels or shapes give errors. Nothing panics on user
// input.
package compare
