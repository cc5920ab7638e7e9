package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
)

func TestSwapBothTrainers(t *testing.T) {
	for _, tc := range []struct{ trainer, task string }{
		{"binarynet", "10class"}, {"fbp", "10class"}, {"binarynet", "2class"},
	} {
		t.Run(tc.trainer+"/"+tc.task, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"-trainer", tc.trainer, "-task", tc.task, "-hidden", "15,15", "-epochs", "1"}, &out, &errb)
			if code != 0 {
				t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			// title, Printer header, epochs 0 and 1
			if len(lines) != 4 || !strings.HasPrefix(strings.TrimSpace(lines[1]), "epoch") {
				t.Fatalf("output:\n%s", out.String())
			}
			f := strings.Fields(lines[3])
			if f[0] != "1" {
				t.Fatalf("last line %q is not epoch 1", lines[3])
			}
			testErr, err := strconv.ParseFloat(f[2], 64)
			if err != nil {
				t.Fatal(err)
			}
			// Chance is 90 % (10 classes) or 50 % (2 classes); one epoch of
			// either trainer does far better even with 15 hidden units.
			bar := 60.0
			if tc.task == "2class" {
				bar = 35
			}
			if testErr > bar {
				t.Errorf("test error %.2f %% after one epoch, want ≤ %.0f %%", testErr, bar)
			}
		})
	}
}

func TestSwapBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-trainer", "adam"}, {"-task", "3class"}, {"-hidden", "10,x"}, {"-optimizer", "rmsprop"},
		{"-layer", "nope", "-trainer", "fbp"}, {"-nosuchflag"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}
