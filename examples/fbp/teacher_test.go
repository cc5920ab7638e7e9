package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badFlag is a command line of one subcommand that must exit with status 1
// and a message naming want, printing nothing on stdout.
type badFlag struct {
	args []string
	want string
}

// checkUsageErrors runs "fbp cmd args…" for every case (see badFlag): each
// must exit 1 with a message naming c.want.
func checkUsageErrors(t *testing.T, cmd string, cases []badFlag) {
	t.Helper()
	fc := make([]flagCase, len(cases))
	for i, c := range cases {
		fc[i] = flagCase{c.args, 1, c.want}
	}
	checkBadFlags(t, cmd, fc)
}

func TestTeacherBadFlags(t *testing.T) {
	checkUsageErrors(t, "teacher", []badFlag{
		{[]string{"-sizes", "10,10"}, "-sizes"},
		{[]string{"-sizes", "10,a,10"}, "-sizes"},
		{[]string{"-sizes", "10,10,10", "-kin", "11"}, "KIn"},
		{[]string{"-sizes", "4,3,3", "-kin", "2"}, "KIn"},
		{[]string{"-act", "relu6"}, "-act"},
		{[]string{"-act", "leakyrelu", "-a", "1"}, "Act"},
		{[]string{"-m", "0"}, "-m"},
		{[]string{"-mode", "offline,sometimes"}, "-mode"},
		{[]string{"-batch", "0"}, "-batch"},
		{[]string{"-damping", "1"}, "Damping"},
		{[]string{"-algo", "gradient"}, "-algo"},
		{[]string{"-runs", "0"}, "-runs"},
		{[]string{"-student-kout", "-1"}, "-student-kout"},
		{[]string{"-student-kin", "1"}, "-student-kin"},
		{[]string{"-sizes", "10,10,10", "-student-kout", "11"}, "kOut"},
		{[]string{"-m", "1000000000", "-max-mem", "8GiB"}, "-m 1000000000: needs about"},
		{[]string{"-m", "1,5000000", "-max-mem", "8GiB"}, "-m up to"},
		{[]string{"-sizes", "100000000,100000000,100000000", "-max-mem", "8GiB"}, "-sizes 100000000,100000000,100000000: needs about"},
		{[]string{"-sizes", "200,200,200", "-max-mem", "100KiB"}, "above the memory limit of 100 KiB"},
		{[]string{"-runs", "1000000000"}, "-runs 1000000000: want 1 to 1048576"},
	})
	for _, bad := range [][]string{{"-nosuchflag"}, {"-max-mem", "lots"}, {"-max-mem", "-1GiB"}} {
		if code, _, _ := runCLI(t, append([]string{"teacher"}, bad...)...); code != 2 {
			t.Errorf("teacher %v: exit %d, want 2", bad, code)
		}
	}
}

// TestTeacherWritesResults runs a small experiment and checks the summary
// and the files of -out.
func TestTeacherWritesResults(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "teacher", "-sizes", "40,40,40", "-m", "1,12", "-runs", "2",
		"-mode", "offline,online", "-progress=false", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Points []teacherPoint `json:"points"`
	}
	if err := json.Unmarshal([]byte(stdout[strings.Index(stdout, "{"):]), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout)
	}
	if len(sum.Points) != 4 {
		t.Fatalf("%d points, want 4", len(sum.Points))
	}
	for _, p := range sum.Points {
		if p.M == 12 && p.Wrong != 0 {
			t.Errorf("%s m=12: wrong fraction %v, want 0", p.Mode, p.Wrong)
		}
		if p.M == 1 && !(p.Wrong > 0) {
			t.Errorf("%s m=1: wrong fraction %v, want > 0", p.Mode, p.Wrong)
		}
	}
	for _, f := range []string{"runs.csv", "summary.csv", "summary.json", "wrong.png", "wrong-log.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
