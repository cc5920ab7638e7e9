// Command genhostile writes the hostile data directories of package
// internal/hostile into a directory and lists them, one per line, as
// tab-separated fields: name, the -data argument, the -datadir argument (or
// "-"), and the substring the error must contain (or "-" for data that must
// load). With -cli it writes the command-line cases of hostile.CLICases
// instead and lists, per line, the name, the fbp arguments (space-separated)
// and the substrings the error must contain, joined by " | " ("-" for a
// command line that must succeed). It is for running the cases through the
// fbp command by hand or from a shell script:
//
//	go run ./internal/hostile/cmd/genhostile /tmp/hostile
//	go run ./internal/hostile/cmd/genhostile -cli /tmp/hostile-cli
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/fbpgo/fbp/internal/hostile"
)

func main() {
	args := os.Args[1:]
	cli := len(args) == 2 && args[0] == "-cli"
	if cli {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: genhostile [-cli] DIR")
		os.Exit(2)
	}
	if err := list(args[0], cli); err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
}

// dash returns s, or "-" if it is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// list writes the cases into dir and prints them.
func list(dir string, cli bool) error {
	if cli {
		cases, err := hostile.CLICases(dir)
		for _, c := range cases {
			fmt.Printf("%s\t%s\t%s\n", c.Name, strings.Join(c.Args, " "), dash(strings.Join(c.Err, " | ")))
		}
		return err
	}
	cases, err := hostile.Write(dir)
	for _, c := range cases {
		fmt.Printf("%s\t%s\t%s\t%s\n", c.Name, c.Source, dash(c.DataDir), dash(c.Err))
	}
	return err
}
