package isa

import (
	"runtime"
	"testing"
)

func TestLevels(t *testing.T) {
	for l := Scalar; l < NumLevels; l++ {
		got, ok := Parse(l.String())
		if !ok || got != l {
			t.Errorf("Parse(%q) = %v, %v; want %v, true", l.String(), got, ok, l)
		}
	}
	for _, bad := range []Level{-1, NumLevels} {
		if s := bad.String(); s != "unknown" {
			t.Errorf("Level(%d).String() = %q, want unknown", bad, s)
		}
		if Supported(bad) {
			t.Errorf("Supported(%d) = true", bad)
		}
	}
	if _, ok := Parse("sse"); ok {
		t.Error(`Parse("sse") succeeded`)
	}
	if !Supported(Scalar) || !Supported(Best()) {
		t.Errorf("Scalar or Best() = %v not supported", Best())
	}
	if runtime.GOARCH != "amd64" && Best() != Scalar {
		t.Errorf("Best() = %v on %s, want scalar", Best(), runtime.GOARCH)
	}
}
