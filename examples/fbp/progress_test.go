package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// TestProgressNotTerminal checks that progress written to a file or a
// buffer is a line every few seconds, never a bar, with and without -json,
// and that -progress=false shows none.
func TestProgressNotTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		stderr         io.Writer
		json, progress bool
		lines          int
	}{
		{&bytes.Buffer{}, false, true, 1},
		{f, false, true, 1},
		{f, true, true, 1},
		{f, false, false, 0},
	} {
		lines := 0
		for _, r := range recorders(&trainOptions{jsonOut: c.json, progress: c.progress}, nil, io.Discard, c.stderr) {
			switch r := r.(type) {
			case *train.ProgressLine:
				lines++
			case *pasp.Printer:
				if r.Progress {
					t.Errorf("json %v: a progress bar on a file", c.json)
				}
			}
		}
		if lines != c.lines {
			t.Errorf("json %v, progress %v: %d progress-line recorders, want %d", c.json, c.progress, lines, c.lines)
		}
	}
}
