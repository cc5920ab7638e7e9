// Command fetchdata downloads the full MNIST and Fashion-MNIST data sets
// with data.Fetch.
//
// Usage:
//
//	go run ./data/cmd/fetchdata [-dir DIR] [mnist] [fashion]
//
// DIR defaults to $FBP_DATA or ~/.cache/fbp; no names means both sets.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fbpgo/fbp/data"
)

func main() {
	dir := flag.String("dir", "", "destination directory (default $FBP_DATA or ~/.cache/fbp)")
	flag.Parse()
	if err := data.Fetch(*dir, flag.Args()...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
