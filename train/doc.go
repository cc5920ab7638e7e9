// Package train is the one epoch loop of the module: every trainer (the
// PasP trainer of package pasp; BinaryNet, its continuous-weight SGD
// variant and EBP of package compare) is a Model, and Fit drives it the
// same way, so that runs of different algorithms with one seed see the
// training data in the same order and report the same events.
//
// # Overview
//
// A Model trains on a mini-batch (TrainBatch), evaluates itself on a set
// (Evaluate) and owns its run state (Progress: the Stats and the random
// source of the epoch orders). Three optional interfaces add what only
// some models have: Overlapper (per-layer diagnostics for Eval),
// FiniteChecker (a check of the state after every epoch) and Uploader (a
// training set held on the model's device, with mini-batches gathered
// there).
//
// Fit(ctx, model, train, test, settings) checks the data sets against the
// model, evaluates a fresh model (epoch 0), then runs the epochs: a
// permutation per epoch from data.OrderSource, consecutive mini-batches of
// BatchSize samples with the last incomplete one dropped, a record after
// every mini-batch and every epoch, and the Checkpoint hook after every
// epoch. Settings hold only limits (BatchSize, Epochs, Runtime, TrainEval)
// and hooks (Recorder, Checkpoint); the Result holds a copy of the Stats
// and the Status that says why Fit stopped.
//
// # Recording
//
// A Recorder gets Init at the start of every Fit, then Record(StepEnd)
// after every mini-batch and Record(EpochEnd) after every evaluation, with
// the model's live Stats; an error from it ends the run. Printer writes a
// table (and optionally a progress bar), JSONRecorder one JSON object per
// epoch, and Recorders fans out to several.
//
// # Stopping
//
// Reaching a limit is not an error: Fit returns a Result whose Status is
// EpochLimit, RuntimeLimit (checked after every epoch) or Interrupted (the
// context, checked before every mini-batch). Errors are for data that does
// not fit the model, a bad setting (*SettingsError), and failures of the
// model, the recorder or the checkpoint hook.
//
// # Ownership
//
// Fit never modifies the data sets. It hands TrainBatch buffers that it
// owns and overwrites after the call. The Stats passed to recorders and to
// the checkpoint hook are the model's own and must not be changed.
//
// # Randomness
//
// Fit draws from the model's Progress.Order only, one rand.New(Order).Perm(M)
// per epoch, and from nothing else; a model that is saved and restored with
// its Progress continues exactly as an uninterrupted run.
package train
