// Command fbp trains binary neural networks by message passing (BP, BPI, MF,
// AMP with the Posterior-as-Prior rule) on MNIST-like data.
//
// Usage:
//
//	fbp train [flags]        train and evaluate (fbp train -h lists the flags)
//	fbp compare [flags]      fBP, BinaryNet, SGD and EBP side by side, results folder
//	fbp anneal [flags]       replicated simulated annealing vs SA (EXPERIMENTS §II.2)
//	fbp teacher [flags]      sparse teacher–student BP (EXPERIMENTS §III.1)
//	fbp committee [flags]    focusing BP on the binary committee machine (EXPERIMENTS §II.4)
//	fbp experiment NAME      one of the paper's experiments, resumable (EXPERIMENTS Part I)
//	fbp data fetch [-dir D]  download MNIST and Fashion-MNIST into D
//
// With no flags, fbp train runs on the MNIST subset embedded in the binary.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/fbpgo/fbp/compare"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// command runs one subcommand of fbp on its arguments.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands are the subcommands of fbp by name.
var commands = map[string]command{
	"train":      trainCmd,
	"compare":    compareCmd,
	"anneal":     annealCmd,
	"teacher":    teacherCmd,
	"committee":  committeeCmd,
	"experiment": experimentCmd,
	"data": func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return dataCmd(args, stdout, stderr)
	},
}

// run executes the command line args and returns the exit code: 0 on
// success and for help, 1 for an error, 2 for a usage error, 130 when
// interrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, ok := commands[args[0]]
	switch {
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help":
		usage(stdout)
		return 0
	case !ok:
		fmt.Fprintf(stderr, "fbp: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch err {
	case nil, errHelp:
		return 0
	case errUsage:
		return 2
	case errInterrupted:
		return 130
	}
	fmt.Fprintln(stderr, "fbp:", err)
	return 1
}

// checkOut checks, before any work, that the -out directory dir (none if
// empty) can be created and written.
func checkOut(dir string) error {
	if dir == "" {
		return nil
	}
	return compare.CheckDir("-out", dir)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  fbp train [flags]          train by message passing (fbp train -h for flags)
  fbp compare [flags]        train several algorithms and seeds side by side (fbp compare -h)
  fbp anneal [flags]         replicated simulated annealing vs SA on random perceptrons/committees (fbp anneal -h)
  fbp teacher [flags]        learn a sparse two-layer teacher by exact-enumeration BP (fbp teacher -h)
  fbp committee [flags]      focusing BP on the binary committee machine, vs replicated SGD (fbp committee -h)
  fbp experiment NAME [flags] run one of the paper's experiments, resumable: table1, fig1-arch, fig1-sparse,
                             fig2-bayes, fig3-continual, local-energy, overlaps, timing (fbp experiment NAME -h)
  fbp data fetch [-dir DIR]  download MNIST and Fashion-MNIST (default dir $FBP_DATA or ~/.cache/fbp)
`)
}
