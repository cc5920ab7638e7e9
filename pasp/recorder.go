package pasp

import "github.com/fbpgo/fbp/train"

// The counters, results and recorders of Fit are those of package train,
// the one epoch loop of the module; these aliases keep their pasp names.
type (
	// Stats are the counters and the latest evaluation of a run (train.Stats).
	Stats = train.Stats
	// Eval is an end-of-epoch evaluation (train.Eval).
	Eval = train.Eval
	// Status says why Fit stopped (train.Status).
	Status = train.Status
	// Result is what Fit returns (train.Result).
	Result = train.Result
	// Event says what a Record call reports (train.Event).
	Event = train.Event
	// Recorder receives the progress of Fit (train.Recorder).
	Recorder = train.Recorder
	// Printer writes one line per epoch (train.Printer).
	Printer = train.Printer
	// JSONRecorder writes one JSON object per epoch (train.JSONRecorder).
	JSONRecorder = train.JSONRecorder
	// Recorders sends every event to each recorder in turn (train.Recorders).
	Recorders = train.Recorders
)

// The statuses and events of package train.
const (
	EpochLimit   = train.EpochLimit
	RuntimeLimit = train.RuntimeLimit
	Interrupted  = train.Interrupted
	StepEnd      = train.StepEnd
	EpochEnd     = train.EpochEnd
)
