package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/internal/hostile"
)

// The hostile-input test runs every case of hostile.CLICases through the
// fbp command in a child process (the test binary, as in TestKillChild)
// whose address space is capped at about 2 GB by ulimit -v, with a time
// limit per case.
const (
	hostileMemKiB  = 2_000_000
	hostileTimeout = 10 * time.Second
)

// runCapped runs "fbp args..." in a child process under the memory cap and
// the time limit, and returns its exit status (−1 if it timed out) and its
// stderr.
func runCapped(t *testing.T, args []string) (int, string, time.Duration) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	sh := `ulimit -v ` + itoa(hostileMemKiB) + ` && exec "$@"`
	cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", sh, "sh", exe, "-test.run=^TestKillChild$", "-test.count=1", "--"}, args...)...)
	cmd.Env = append(os.Environ(), killChildEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	d := time.Since(start)
	if ctx.Err() != nil {
		return -1, stderr.String(), d
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String(), d
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String(), d
	}
	t.Fatalf("fbp %q: %v", args, err)
	return 0, "", d
}

func itoa(n int) string {
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestHostileCLI checks that every hostile case ends within the time limit
// under the memory cap with a clear error (a non-zero exit status and a
// message naming what is wrong), never with a panic, a fatal runtime error
// or a hang, and that the valid cases among them succeed.
func TestHostileCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about 90 child processes (≈ 20–40 s)")
	}
	cases, err := hostile.CLICases(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var failed, valid int
	var slowest time.Duration
	start := time.Now()
	for _, c := range cases {
		code, stderr, d := runCapped(t, c.Args)
		slowest = max(slowest, d)
		bad := func(format string, args ...any) {
			failed++
			t.Errorf("%s (%s): "+format+"\nargs %q\nstderr:\n%s", append(append([]any{c.Name, c.What}, args...), c.Args, stderr)...)
		}
		for _, crash := range []string{"panic:", "goroutine ", "fatal error", "out of memory", "SIGSEGV"} {
			if strings.Contains(stderr, crash) {
				bad("crashed (%q)", crash)
			}
		}
		switch {
		case code == -1:
			bad("no exit within %v", hostileTimeout)
		case c.Err == nil:
			valid++
			if code != 0 {
				bad("exit %d, want 0 (valid input)", code)
			}
		case code == 0:
			bad("exit 0, want an error")
		default:
			for _, w := range c.Err {
				if !strings.Contains(stderr, w) {
					bad("the error does not say %q", w)
				}
			}
		}
	}
	t.Logf("%d cases (%d hostile, %d valid), %d failed, in %v (slowest %v), each under ulimit -v %d KiB",
		len(cases), len(cases)-valid, valid, failed, time.Since(start).Round(time.Millisecond), slowest.Round(time.Millisecond), hostileMemKiB)
}
