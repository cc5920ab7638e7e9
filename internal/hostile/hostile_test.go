package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
