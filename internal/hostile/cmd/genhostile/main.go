// Command genhostile writes the hostile data directories of package
// internal/hostile into a directory and lists them, one per line, as
// tab-separated fields: name, the -data argument, the -datadir argument (or
// "-"), and the substring the error must contain (or "-" for data that must
// load). It is for running the cases through the fbp command by hand or from
// a shell script:
//
//	go run ./internal/hostile/cmd/genhostile /tmp/hostile
package main

import (
	"fmt"
	"os"

	"github.com/fbpgo/fbp/internal/hostile"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genhostile DIR")
		os.Exit(2)
	}
	cases, err := hostile.Write(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, c := range cases {
		fmt.Printf("%s\t%s\t%s\t%s\n", c.Name, c.Source, dash(c.DataDir), dash(c.Err))
	}
}
