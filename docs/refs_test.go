package docs

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docFiles maps the citation prefix to its file in this directory.
var docFiles = map[string]string{
	"ALGORITHMS":  "ALGORITHMS.md",
	"EXPERIMENTS": "EXPERIMENTS.md",
	"BASELINES":   "BASELINES.md",
	"DESIGN":      "DESIGN.md",
	"STYLE":       "STYLE.md",
}

var (
	// headingID takes the section number of a heading: "## 7. Layer…" → 7,
	// "### 7.2 BPI" → 7.2, "### I.3 Table 1" → I.3, "## Part II — …" → II.
	headingID = regexp.MustCompile(`^#+\s+(?:Part\s+)?([0-9IVX]+(?:\.[0-9]+)*)\.?(?:\s|$)`)
	// citation is a prefixed citation, with an optional range end (§5.4–5.5).
	citation = regexp.MustCompile(`\b([A-Z]+)(?:\.md)? §([0-9IVX]+(?:\.[0-9]+)*)(?:[–-]([0-9IVX]+(?:\.[0-9]+)*))?`)
	// bare is a citation without a file name, e.g. "(§7.2)".
	bare = regexp.MustCompile(`(^|[^A-Za-z ]|[^A-Z] )§([0-9IVX]+(?:\.[0-9]+)*)`)
)

// sections returns the section numbers of the Markdown file name.
func sections(t *testing.T, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := headingID.FindStringSubmatch(sc.Text()); m != nil {
			ids[m[1]] = true
		}
	}
	return ids
}

// scanned reports whether path is a file whose citations are checked.
func scanned(path string) bool {
	switch filepath.Ext(path) {
	case ".go", ".md", ".sh", ".ipynb", ".cu", ".txt":
		return true
	}
	b := filepath.Base(path)
	return b == "Makefile" || b == "run"
}

// TestCitationsResolve walks the repository and checks that every
// "PREFIX §n" citation names a section of docs/PREFIX.md, and every bare
// "§n" a section of one of the documents.
func TestCitationsResolve(t *testing.T) {
	known := map[string]map[string]bool{}
	any := map[string]bool{}
	for p, f := range docFiles {
		known[p] = sections(t, f)
		for id := range known[p] {
			any[id] = true
		}
	}
	if len(known["ALGORITHMS"]) < 40 || !known["EXPERIMENTS"]["I.3"] {
		t.Fatalf("headings not parsed: %v", known)
	}
	var bad []string
	count := 0
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "build", "node_modules", "golden":
				return filepath.SkipDir
			}
			return nil
		}
		if !scanned(path) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for ln, line := range strings.Split(string(b), "\n") {
			for _, m := range citation.FindAllStringSubmatch(line, -1) {
				ids, ok := known[m[1]]
				if !ok {
					bad = append(bad, path+":"+itoa(ln+1)+": unknown document "+m[1]+" in "+m[0])
					continue
				}
				for _, id := range []string{m[2], m[3]} {
					count++
					if id != "" && !ids[id] {
						bad = append(bad, path+":"+itoa(ln+1)+": "+m[1]+" has no §"+id)
					}
				}
			}
			for _, m := range bare.FindAllStringSubmatch(line, -1) {
				count++
				if !any[m[2]] {
					bad = append(bad, path+":"+itoa(ln+1)+": no document has §"+m[2])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	if count < 100 {
		t.Errorf("only %d citations found: is the walk reading the repository?", count)
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}
