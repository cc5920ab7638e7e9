package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommitteeBadFlags checks that nonsense flags of fbp committee exit
// with status 1 and name the flag, without running anything.
func TestCommitteeBadFlags(t *testing.T) {
	checkUsageErrors(t, "committee", []badFlag{
		{[]string{"-K", "4"}, "-K"},
		{[]string{"-K", "0"}, "-K"},
		{[]string{"-N", "0"}, "-N"},
		{[]string{"-N", "20"}, "-N"},
		{[]string{"-alpha", "0"}, "-alpha"},
		{[]string{"-alpha", "-0.3"}, "-alpha"},
		{[]string{"-alpha", "x"}, "-alpha"},
		{[]string{"-alpha", "NaN"}, "-alpha"},
		{[]string{"-damping", "1"}, "-damping"},
		{[]string{"-damping", "-0.5"}, "-damping"},
		{[]string{"-protocol", "annealing"}, "-protocol"},
		{[]string{"-step", "1.5"}, "-step"},
		{[]string{"-protocol", "pseudo", "-x", "3"}, "-x"},
		{[]string{"-protocol", "scoping", "-y", "0.5"}, "-y"},
		{[]string{"-protocol", "scoping", "-gamma0", "2", "-gamma1", "1"}, "-gamma1"},
		{[]string{"-protocol", "free"}, "-free"},
		{[]string{"-protocol", "free", "-free", "1:2,3"}, "-free"},
		{[]string{"-protocol", "free", "-free", "-1:2"}, "-free"},
		{[]string{"-noise", "2"}, "-noise"},
		{[]string{"-epsilon", "-1"}, "-epsilon"},
		{[]string{"-max-iters", "0"}, "-max-iters"},
		{[]string{"-max-steps", "-1"}, "-max-steps"},
		{[]string{"-first", "tap"}, "-first"},
		{[]string{"-instances", "0"}, "-instances"},
		{[]string{"-workers", "0"}, "-workers"},
		{[]string{"-rsgd-epochs", "0"}, "-rsgd-epochs"},
		{[]string{"-instances", "1000000000"}, "-instances 1000000000: want at most 1048576"},
		{[]string{"-thermo", "-step", "1e-6", "-instances", "1000", "-max-mem", "8GiB"}, "-thermo (1000000 steps, 4000 runs): needs about"},
		{[]string{"-step", "1e-300"}, "-step 1e-300: want a value in [9.54e-07, 1)"},
		{[]string{"-protocol", "pseudo", "-step", "1e-300"}, "-step 1e-300"},
		{[]string{"-first", "exact", "-K", "1", "-N", "40001", "-alpha", "0.01", "-max-mem", "4GiB"}, "-N 40001 -alpha 0.01 -workers 1 (M = 400 patterns): needs about"},
		{[]string{"-N", "2001", "-alpha", "0.5", "-workers", "4", "-instances", "4", "-max-mem", "1GiB"}, "-workers up to 2 fits"},
	})
	if code, _, _ := runCLI(t, "committee", "-no-such-flag"); code != 2 {
		t.Errorf("committee -no-such-flag: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "committee", "extra"); code != 1 {
		t.Errorf("committee extra: exit %d, want 1", code)
	}
}

// TestCommitteeWritesResults runs a tiny comparison and checks the files
// and the JSON summary.
func TestCommitteeWritesResults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "committee", "-K", "3", "-N", "21", "-alpha", "0.2,0.4", "-instances", "2",
		"-max-steps", "30", "-compare-rsgd", "-rsgd-epochs", "20", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "solved.png", "time.png", "README.md"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	runs, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if n := strings.Count(string(runs), "\n"); n != 1+2*2*2 {
		t.Errorf("runs.csv has %d lines, want 9:\n%s", n, runs)
	}
	js := stdout[strings.Index(stdout, "["):]
	var sum []committeeSummary
	if err := json.Unmarshal([]byte(js), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, js)
	}
	if len(sum) != 4 || sum[0].Method != "fBP" || sum[1].Method != "RSGD" || sum[0].M != 13 || sum[2].M != 25 {
		t.Errorf("summary %+v: want fBP and RSGD at M = 13 and 25", sum)
	}
	for _, s := range sum {
		if s.Instances != 2 || s.Fraction != float64(s.Solved)/2 {
			t.Errorf("summary %+v: inconsistent", s)
		}
	}
}

// TestCommitteeThermo checks that -thermo runs every step and writes one
// thermo.csv row per step with finite quantities at finite γ.
func TestCommitteeThermo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "committee", "-K", "3", "-N", "21", "-alpha", "0.3", "-instances", "1",
		"-protocol", "scoping", "-y", "3", "-gamma0", "0.5", "-gamma1", "1.5", "-step", "0.5", "-max-iters", "50", "-thermo", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "thermo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 {
		t.Fatalf("thermo.csv has %d lines, want a heading and 3 steps:\n%s", len(lines), b)
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "NaN") || strings.Contains(l, "Inf") {
			t.Errorf("non-finite thermodynamics at finite γ: %s", l)
		}
	}
}
