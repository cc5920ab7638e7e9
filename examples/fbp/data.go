package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/fbpgo/fbp/data"
)

var (
	errUsage       = errors.New("usage")
	errHelp        = errors.New("help")
	errInterrupted = errors.New("interrupted")
)

// dataCmd runs "fbp data fetch".
func dataCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "fetch" {
		fmt.Fprintln(stderr, "usage: fbp data fetch [-dir DIR] [mnist] [fashion]")
		return errUsage
	}
	fs := flag.NewFlagSet("fbp data fetch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", data.DefaultDir(), "data directory")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if err := data.Fetch(*dir, fs.Args()...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data in %s\n", *dir)
	return nil
}
