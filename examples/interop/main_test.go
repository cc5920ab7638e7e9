package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for one epoch on the embedded MNIST subset")
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), &out, &errb); code != 0 {
		t.Fatalf("run = %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	t.Logf("output:\n%s", out.String())
	if !strings.Contains(out.String(), "predictions agree on 10000 of 10000 test samples") {
		t.Errorf("output lacks the full agreement line:\n%s", out.String())
	}
}
