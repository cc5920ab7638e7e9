package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTeacherBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
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
	} {
		code, _, stderr := runCLI(t, append([]string{"teacher"}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("teacher %v: exit %d, stderr %q; want exit 1 naming %s", c.args, code, stderr, c.want)
		}
	}
	if code, _, _ := runCLI(t, "teacher", "-nosuchflag"); code != 2 {
		t.Errorf("teacher -nosuchflag: exit %d, want 2", code)
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
