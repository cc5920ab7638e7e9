package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnnealCommand runs fbp anneal on two small sizes with the baseline,
// checks the progress lines, the JSON summary (two methods, every
// instance of every size solved) and the files of -out.
func TestAnnealCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "anneal", "-N", "31,51", "-alpha", "0.3", "-instances", "3", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "RSA y=5  K=1 N=31") || !strings.Contains(out, "SA y=5   K=1 N=51") {
		t.Errorf("progress lines missing:\n%s", out)
	}
	var series []struct {
		Method string
		Stats  []struct{ N, Solved, Instances int }
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "\n[")+1:]), &series); err != nil {
		t.Fatalf("JSON summary: %v\n%s", err, out)
	}
	if len(series) != 2 || series[0].Method != "RSA y=5" || series[1].Method != "SA y=5" {
		t.Fatalf("summary has %d series (%+v), want RSA and SA", len(series), series)
	}
	for _, s := range series {
		for _, st := range s.Stats {
			if st.Solved != 3 || st.Instances != 3 {
				t.Errorf("%s N=%d: solved %d of %d, want 3 of 3 at α = 0.3", s.Method, st.N, st.Solved, st.Instances)
			}
		}
	}
	for _, f := range []string{"runs.csv", "summary.json", "moves.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "runs.csv"))
	if n := strings.Count(string(csv), "\n"); n != 1+2*2*3 {
		t.Errorf("runs.csv has %d lines, want 13", n)
	}
}

// TestAnnealAndFocusBadFlags checks that bad anneal and focusing flags
// exit 1 (or 2 for an unknown flag) with a message naming the flag.
func TestAnnealAndFocusBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"anneal", "-model", "tree"}, 1, "-model"},
		{[]string{"anneal", "-N", "100"}, 1, "-N"},
		{[]string{"anneal", "-model", "committee", "-K", "4"}, 1, "-K"},
		{[]string{"anneal", "-alpha", "0"}, 1, "-alpha"},
		{[]string{"anneal", "-gamma", "-1"}, 1, "-gamma"},
		{[]string{"anneal", "-fbeta", "NaN"}, 1, "-fbeta"},
		{[]string{"anneal", "-steps", "0"}, 1, "-steps"},
		{[]string{"anneal", "-instances", "0"}, 1, "-instances"},
		{[]string{"anneal", "-bogus"}, 2, ""},
		{[]string{"anneal", "-N", "100000001"}, 1, "-N 100000001, -alpha 0.3: compare: AnnealSolve: N = 100000001, α = 0.3 (M = 30000000)"},
		{[]string{"anneal", "-N", "101,30001", "-alpha", "1", "-max-mem", "8GiB"}, 1, "-N 30001: needs about"},
		{[]string{"anneal", "-N", "3001", "-alpha", "1", "-instances", "1", "-max-mem", "64MiB"}, 1, "-N up to"},
		{[]string{"anneal", "-max-mem", "8XB"}, 2, ""},
		{[]string{"anneal", "-instances", "1000000000"}, 1, "-instances 1000000000: want 1 to 1048576"},
		{[]string{"train", "-focus-y", "0.5"}, 1, "-focus-y"},
		{[]string{"train", "-focus-y", "2", "-layer", "mf"}, 1, "-focus-y"},
		{[]string{"train", "-focus-y", "2", "-r", "-1"}, 1, "-r"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("fbp %s: exit %d, stderr %q; want exit %d naming %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
		}
	}
}
