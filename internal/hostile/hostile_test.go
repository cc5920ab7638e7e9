package hostile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/pasp"
)

// TestWrite checks the generated cases themselves (package data's
// TestHostile runs them through the loaders): unique names, the hostile
// file present unless the case is about its absence, and small files only.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	cases, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	valid := 0
	for _, c := range cases {
		if seen[c.Name] || c.Name == "" || c.What == "" {
			t.Errorf("case %q: duplicate or unnamed, or no description", c.Name)
		}
		seen[c.Name] = true
		if c.Err == "" {
			valid++
		}
		if c.File == "" {
			continue
		}
		_, err := os.Lstat(c.Path())
		absent := strings.Contains(c.Err, "neither")
		if absent != os.IsNotExist(err) {
			t.Errorf("case %s: %s: %v (the case is about a missing file: %v)", c.Name, c.Path(), err, absent)
		}
	}
	if valid < 3 || valid == len(cases) {
		t.Errorf("%d of %d cases are valid data", valid, len(cases))
	}
	var total int64
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		total += info.Size()
		if info.Size() > 100<<10 {
			t.Errorf("%s: %d bytes, want ≤ 100 KiB", p, info.Size())
		}
		return nil
	})
	if err != nil || total > 2<<20 {
		t.Errorf("%d bytes in all (%v), want ≤ 2 MiB", total, err)
	}
}

// TestCLICases checks the command-line cases: unique names, a description
// and expected messages for every hostile one, and checkpoints that
// pasp.LoadFile treats as the cases say.
func TestCLICases(t *testing.T) {
	cases, err := CLICases(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ckpts := 0
	for _, c := range cases {
		if seen[c.Name] || c.What == "" || len(c.Args) < 2 || c.Args[0] != "train" {
			t.Errorf("case %q: duplicate, undescribed or not an fbp train command line: %q", c.Name, c.Args)
		}
		seen[c.Name] = true
		if c.Err != nil && slices.Contains(c.Err, "") {
			t.Errorf("case %s: an empty expected message", c.Name)
		}
		i := slices.Index(c.Args, "-resume")
		if i < 0 || c.Name == "ckpt-conflicting-flags" {
			continue
		}
		ckpts++
		_, err := pasp.LoadFile(c.Args[i+1])
		switch {
		case c.Err == nil && err != nil:
			t.Errorf("case %s: %v, want a valid checkpoint", c.Name, err)
		case c.Err != nil && (err == nil || !strings.Contains(err.Error(), c.Err[0])):
			t.Errorf("case %s: LoadFile: %v, want an error containing %q", c.Name, err, c.Err[0])
		}
	}
	if ckpts < 10 || len(cases) < 80 {
		t.Errorf("%d cases, %d of them checkpoints", len(cases), ckpts)
	}
}
