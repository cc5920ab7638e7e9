// Package experiments holds the experiments of the paper (EXPERIMENTS
// Part I) as a library: each one states its parameters with the paper's
// defaults, the grid of runs they give, and the tables and figures it
// draws from the finished runs. "fbp experiment NAME" is a thin command
// line over it.
//
// # Overview
//
// An Experiment is looked up by name (Lookup, Names) and run with Run:
//
//	e, _ := experiments.Lookup("table1")
//	p := e.Defaults()                  // the paper's protocol
//	p.Data, p.Hidden, p.Epochs = []string{"embedded"}, []int{101, 101}, 3
//	sum, err := experiments.Run(ctx, e, &p, &experiments.Options{Out: "fbp-out/table1"})
//
// Run checks the parameters (CheckParams), the memory they need against
// Options.MaxMem (Needs, CheckNeeds) and that Options.Out is writable,
// all before any work; it then builds every run of the grid
// with the algorithm factory of package compare (compare.NewAlgorithm; the
// hyper-parameters are those of pasp.DefaultSettings unless the experiment
// sets its own ρ and ψ), trains them one after another with compare.Runner
// and writes the results directory: runs.csv (one row per run and epoch),
// runs.json, runs/ (one record per finished run), the experiment's own CSV
// files and figures (PNG, gonum/plot), README.md and command.txt.
//
// # Resuming
//
// A finished run is stored in runs/ as its done-marker, with the settings
// that decided it (Job) and the fingerprint of its data (Job.Fingerprint,
// from data.Set.Fingerprint); Run with the same Out and Params reuses it
// and trains nothing, and refuses a directory that holds a run of the same
// name with other settings. A run whose data files were replaced under the
// same names is trained again (Summary.Retrained), not reused. Message-passing runs on the CPU are
// checkpointed after every epoch (checkpoints/), and an interrupted Run
// (ErrInterrupted) continues from the last finished epoch, bit for bit.
//
// # Adding an experiment
//
// Write one file with a type that embeds base (which supplies Info,
// Defaults, and Flags and Check for an experiment without parameters of
// its own) and register a value of it in the file's init function:
// Register(myExp{newBase(Info{Name: "my-exp", …}, protocol(…))}).
// Jobs returns its grid, usually with a grid value: perTask for one group
// per data set and task, or each and add for groups of its own; the grid's
// hyper function gives ρ and ψ per layer where the paper departs from
// pasp.DefaultSettings. Report writes its tables with the Report's Printf,
// Summary, Curves and Overlaps, its CSV files with CSV, and returns its
// figures. Parameters of its own get a field in Params, a flag in Flags
// (listFlag for lists) and a range check in Check; a field left at its zero
// value in Defaults is not shown in the README's parameter table. Nothing
// outside that file names the experiment: the command line lists it, takes
// its flags and runs it as it does the others. Add a test that runs it on
// synthetic data (experiments_test.go).
package experiments
