package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCompareWritesResults runs every algorithm of "fbp compare" for one
// epoch and two seeds on a tiny data set and checks the results folder.
func TestCompareWritesResults(t *testing.T) {
	dir := tinyDir(t, 64, 24, 784)
	out := filepath.Join(t.TempDir(), "res")
	for _, task := range []string{"10class", "2class"} {
		code, stdout, stderr := runCLI(t, "compare", "-data", dir, "-task", task, "-algos", "bpi,mf,amp,bp,binarynet,sgd,ebp",
			"-hidden", "6", "-epochs", "1", "-seeds", "2,7", "-batch", "8", "-out", out, "-progress=false")
		if code != 0 {
			t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", task, code, stdout, stderr)
		}
		for _, f := range []string{"runs.csv", "runs.json", "summary.md", "curves.png", "README.md"} {
			if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
				t.Errorf("%s: %s missing or empty (%v)", task, f, err)
			}
		}
		table, _ := os.ReadFile(filepath.Join(out, "summary.md"))
		for _, a := range []string{"| bpi | 2 | 1 |", "| binarynet | 2 | 1 |", "| ebp | 2 | 1 |"} {
			if !strings.Contains(string(table), a) {
				t.Errorf("%s: summary.md lacks a row starting %q:\n%s", task, a, table)
			}
		}
		csv, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
		if n := strings.Count(string(csv), "\n"); n != 1+7*2*2 {
			t.Errorf("%s: runs.csv has %d lines, want a header and 7 algorithms × 2 seeds × 2 epochs", task, n)
		}
	}
}

// TestCompareBadFlags checks that bad flags are errors naming the flag,
// given before any training: repeated seeds or algorithms, learning rates
// out of range, requests above the memory limit, unusable -out paths.
func TestCompareBadFlags(t *testing.T) {
	file := plainFile(t)
	checkBadFlags(t, "compare", []flagCase{
		{[]string{"-algos", "xyz"}, 1, "-algos"},
		{[]string{"-seeds", "a"}, 1, "-seeds"},
		{[]string{"-seeds", "-1"}, 1, "-seeds"},
		{[]string{"-epochs", "0"}, 1, "-epochs"},
		{[]string{"-lr", "0"}, 1, "-lr"},
		{[]string{"-optimizer", "rmsprop"}, 1, "-optimizer"},
		{[]string{"-task", "3class"}, 1, "-task"},
		{[]string{"-float", "16"}, 1, "-float"},
		{[]string{"-hidden", "0"}, 1, "-hidden"},
		{[]string{"-hidden", "11,,11"}, 1, "-hidden \"11,,11\": empty item"},
		{[]string{"-seeds", "2,2"}, 1, "-seeds \"2,2\": 2 is given twice"},
		{[]string{"-algos", "bpi,mf,bpi"}, 1, "-algos \"bpi,mf,bpi\": bpi is given twice"},
		{[]string{"-lr", "1e308"}, 1, "-lr 1e+308: want a rate in (0, 100]"},
		{[]string{"-lr", "NaN"}, 1, "-lr NaN"},
		{[]string{"-hidden", "300000"}, 1, "-hidden 300000: needs about"},
		{[]string{"-epochs", "1000000000"}, 1, "-epochs 1000000000 over 3 runs"},
		{[]string{"-max-mem", "1MiB"}, 1, "above the memory limit of 1 MiB (set with -max-mem)"},
		// The output directory is checked before the data are read.
		{[]string{"-out", file, "-data", "/nonexistent/dir"}, 1, "-out " + file + ": cannot create the results directory: not a directory"},
		{[]string{"-out", filepath.Join(file, "sub"), "-data", "/nonexistent/dir"}, 1, "-out " + filepath.Join(file, "sub") + ": cannot create"},
	})
}

// flagCase is a command line of bad arguments, the exit status it must
// end with and a part of the message it must print.
type flagCase struct {
	args []string
	code int
	want string
}

// checkBadFlags runs "fbp cmd" with the arguments of each case and checks
// its exit status and message.
func checkBadFlags(t *testing.T, cmd string, cases []flagCase) {
	t.Helper()
	for _, c := range cases {
		code, _, stderr := runCLI(t, append([]string{cmd}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s %v: exit %d, stderr %q; want exit %d naming %q", cmd, c.args, code, stderr, c.code, c.want)
		}
	}
}

// plainFile returns a new empty file, a path that cannot be a results
// directory.
func plainFile(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestDefaultOut checks that compare and experiment write outside the
// committed results/ tree unless -out names it.
func TestDefaultOut(t *testing.T) {
	c, err := parseCompare(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	e, err := parseExperiment([]string{"table1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{c.out, e.o.Out} {
		if strings.HasPrefix(filepath.Clean(out), "results") || !strings.HasPrefix(out, defaultOut+"/") {
			t.Errorf("default -out %q: want a directory under %s/", out, defaultOut)
		}
	}
	if e, err = parseExperiment([]string{"table1", "-out", "results/table1"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if e.o.Out != "results/table1" {
		t.Errorf("-out results/table1 gives %q", e.o.Out)
	}
}

// TestOutCheckedFirst checks that anneal, committee and teacher refuse an
// -out that cannot be a directory before they compute anything.
func TestOutCheckedFirst(t *testing.T) {
	file := plainFile(t)
	for _, cmd := range []string{"anneal", "committee", "teacher"} {
		start := time.Now()
		checkBadFlags(t, cmd, []flagCase{{[]string{"-out", file}, 1, "-out " + file}})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s -out %s: the error came after %v", cmd, file, d)
		}
	}
}
