package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fbpgo/fbp/data"
)

var (
	errUsage       = errors.New("usage")
	errHelp        = errors.New("help")
	errInterrupted = errors.New("interrupted")
)

// dataCmd runs "fbp data fetch", which reports its progress on stderr.
func dataCmd(args []string, stdout, stderr io.Writer) error {
	const usage = "usage: fbp data fetch [-dir DIR] [mnist] [fashion]"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprintln(stdout, usage)
		return errHelp
	}
	if len(args) == 0 || args[0] != "fetch" {
		fmt.Fprintln(stderr, usage)
		return errUsage
	}
	fs := flag.NewFlagSet("fbp data fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", data.DefaultDir(), "data directory")
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return errUsage
	}
	if err := checkDir("-dir", *dir); err != nil {
		return err
	}
	if err := data.FetchProgress(*dir, stderr, fs.Args()...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data in %s\n", *dir)
	return nil
}

// checkDir makes sure that files can be written in the directory dir,
// creating it if needed, so that a bad output directory fails before any
// download.
func checkDir(flagName, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s %s: cannot create the directory (%v)", flagName, dir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(dir, ".fbp-probe*")
	if err != nil {
		return fmt.Errorf("%s %s: cannot write in the directory (%v)", flagName, dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}
