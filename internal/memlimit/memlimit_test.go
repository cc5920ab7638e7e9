package memlimit

import (
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestDefault(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("MemFree: 1 kB\nMemTotal:       24683584 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("MemTotal: lots kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(old string, as func() int64) { meminfo, addressSpace = old, as }(meminfo, addressSpace)
	for _, c := range []struct {
		path string
		as   int64 // address-space limit, 0: none
		want int64
	}{
		{good, 0, 24683584 * 1024 / 2},
		{bad, 0, Fallback},
		{filepath.Join(dir, "missing"), 0, Fallback},
		{good, 2 << 30, 512 << 20},
		{good, 1 << 50, 24683584 * 1024 / 2},
		{bad, 8 << 30, 2 << 30},
	} {
		meminfo = c.path
		addressSpace = func() int64 { return c.as }
		if got := Default(); got != c.want {
			t.Errorf("Default with %s, address space %d = %d, want %d", filepath.Base(c.path), c.as, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check("-m 5", 10, 10); err != nil {
		t.Errorf("need = limit: %v", err)
	}
	if err := Check("-m 5", math.MaxInt64, 0); err != nil {
		t.Errorf("limit 0 means none: %v", err)
	}
	err := Check("-m 1000000000", 48<<30, 12<<30)
	const want = "-m 1000000000: needs about 48 GiB, above the memory limit of 12 GiB (set with -max-mem)"
	if err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Need != 48<<30 || e.Limit != 12<<30 {
		t.Errorf("Check error = %#v", err)
	}
}

func TestProductSum(t *testing.T) {
	for _, c := range []struct {
		f    []int64
		want int64
	}{
		{nil, 1},
		{[]int64{3, 4, 5}, 60},
		{[]int64{3, 0, 5}, 0},
		{[]int64{3, -1}, 0},
		{[]int64{1 << 40, 1 << 40}, math.MaxInt64},
		{[]int64{1 << 40, 1 << 40, 0}, 0},
	} {
		if got := Product(c.f...); got != c.want {
			t.Errorf("Product%v = %d, want %d", c.f, got, c.want)
		}
	}
	if got := Sum(1, -5, 2); got != 3 {
		t.Errorf("Sum(1, -5, 2) = %d", got)
	}
	if got := Sum(math.MaxInt64-1, 2); got != math.MaxInt64 {
		t.Errorf("Sum overflow = %d", got)
	}
}

func TestFormatParse(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1536, "1.5 KiB"}, {48 << 30, "48 GiB"},
		{3 << 40, "3 TiB"}, {math.MaxInt64, "more than 8 EiB"},
	} {
		if got := Format(c.n); got != c.want {
			t.Errorf("Format(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		s    string
		want int64
	}{
		{"0", 0}, {"4096", 4096}, {"512MiB", 512 << 20}, {"12GB", 12 << 30}, {"1.5g", 3 << 29}, {" 2 TiB ", 2 << 40},
	} {
		got, err := Parse(c.s)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.s, got, err, c.want)
		}
	}
	for _, s := range []string{"", "-1", "12XB", "GiB", "NaN", "1e30TiB", "inf"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q): no error", s)
		}
	}
}

func TestFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	v := Flag(fs)
	if int64(*v) != Default() {
		t.Errorf("default %d, want %d", *v, Default())
	}
	if err := fs.Parse([]string{"-max-mem", "3GiB"}); err != nil || int64(*v) != 3<<30 || v.String() != "3GiB" {
		t.Errorf("-max-mem 3GiB: %v, %d, %q", err, *v, v.String())
	}
	if err := fs.Parse([]string{"-max-mem", "lots"}); err == nil {
		t.Error("-max-mem lots: no error")
	}
}

func TestLimitLargest(t *testing.T) {
	if Limit(0) != Default() || Limit(-1) != 0 || Limit(5) != 5 {
		t.Errorf("Limit(0, -1, 5) = %d, %d, %d", Limit(0), Limit(-1), Limit(5))
	}
	need := func(n int64) int64 { return Sum(100, Product(n, 8)) }
	for _, c := range []struct{ hi, limit, want int64 }{
		{1 << 40, 1000, 112}, {50, 1000, 50}, {1 << 40, 99, -1}, {1 << 40, 100, 0}, {7, 0, 7},
	} {
		if got := Largest(c.hi, c.limit, need); got != c.want {
			t.Errorf("Largest(%d, %d) = %d, want %d", c.hi, c.limit, got, c.want)
		}
	}
	v := Value(0)
	if v.Setting() != -1 {
		t.Errorf("Setting of 0 = %d, want -1", v.Setting())
	}
	if got := Format(3 << 50); got != "3 PiB" {
		t.Errorf("Format(3 PiB) = %q", got)
	}
}
