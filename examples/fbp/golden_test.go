package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
)

// TestGoldenExperiment runs one small "fbp experiment table1" (BPI, MF, AMP
// and BinaryNet, two tasks, two seeds, two epochs) and compares its runs.csv,
// with the epoch_seconds column and the data directory's name masked, with
// testdata/golden/experiment-table1.csv. Regenerate with
// go test ./examples/fbp -run Golden -update-golden.
func TestGoldenExperiment(t *testing.T) {
	dir, out := tinyExperiment(t, "table1", "-tasks", "2class,10class", "-algos", "bpi,mf,amp,binarynet",
		"-hidden", "6,5", "-epochs", "2", "-seeds", "2,7", "-batch", "8")
	f, err := os.Open(filepath.Join(out, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lbl := filepath.Base(dir)
	var b strings.Builder
	for i, row := range rows {
		for j, c := range row {
			if rows[0][j] == "epoch_seconds" && i > 0 {
				c = "-"
			}
			if j == 0 {
				c = strings.ReplaceAll(c, lbl, "DATA")
			}
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	path := filepath.Join("..", "..", "testdata", "golden", "experiment-table1.csv")
	if *testutil.UpdateGolden {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(b.String(), "\n")
	for i, w := range strings.Split(string(want), "\n") {
		if i >= len(got) || got[i] != w {
			g := "<missing>"
			if i < len(got) {
				g = got[i]
			}
			t.Errorf("runs.csv line %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
	if n, m := len(got), len(strings.Split(string(want), "\n")); n != m {
		t.Errorf("runs.csv has %d lines, the fixture %d", n, m)
	}
}
