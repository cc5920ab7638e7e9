package mpnet

import (
	"strings"
	"testing"
)

// TestKindProperties checks the registry against the specification: names
// (ParseKind round trip), which kinds can be focused (ALGORITHMS §10.3),
// which is the multi-class output (§7.5), which run only on the CPU, and the
// default damping of EXPERIMENTS §I.2.
func TestKindProperties(t *testing.T) {
	for _, c := range []struct {
		k                     Kind
		name                  string
		focusable, multiClass bool
		hostOnly              bool
		psi2, psi10           float64
	}{
		{BPI, "bpi", true, false, false, 0.8, 0.81},
		{BP, "bp", true, false, true, 0.8, 0.81},
		{MF, "mf", false, false, false, 0.8, 0.8},
		{AMP, "amp", false, false, false, 0.81, 0.81},
		{ArgMax, "argmax", true, true, false, 0.8, 0.8},
		{CBPI, "cbpi", false, false, false, 0.8, 0.8},
	} {
		if got := c.k.String(); got != c.name {
			t.Errorf("Kind(%d).String() = %q, want %q", int(c.k), got, c.name)
		}
		if k, err := ParseKind(strings.ToUpper(c.name)); err != nil || k != c.k {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", strings.ToUpper(c.name), k, err, c.k)
		}
		if got := c.k.Focusable(); got != c.focusable {
			t.Errorf("%v.Focusable() = %v, want %v", c.k, got, c.focusable)
		}
		if got := c.k.MultiClass(); got != c.multiClass {
			t.Errorf("%v.MultiClass() = %v, want %v", c.k, got, c.multiClass)
		}
		if got := c.k.info().hostOnly != ""; got != c.hostOnly {
			t.Errorf("%v: host only = %v, want %v", c.k, got, c.hostOnly)
		}
		if got := c.k.DefaultPsi(2); got != c.psi2 {
			t.Errorf("%v.DefaultPsi(2) = %v, want %v", c.k, got, c.psi2)
		}
		if got := c.k.DefaultPsi(10); got != c.psi10 {
			t.Errorf("%v.DefaultPsi(10) = %v, want %v", c.k, got, c.psi10)
		}
	}
	if len(registry) != 6 {
		t.Errorf("%d kinds registered, the table above has 6", len(registry))
	}
	if k, err := ParseKind("tap"); err != nil || k != AMP {
		t.Errorf("ParseKind(tap) = %v, %v; want amp", k, err)
	}
	if _, err := ParseKind("bpx"); err == nil || !strings.Contains(err.Error(), "bpi, bp, mf, amp, argmax or cbpi") {
		t.Errorf("ParseKind(bpx): error %v does not list the kinds", err)
	}
	for _, k := range []Kind{-1, Kind(len(registry))} {
		if k.Focusable() || k.MultiClass() || k.DefaultPsi(10) != 0.8 || k.String() != "Kind(?)" {
			t.Errorf("invalid kind %d has properties", int(k))
		}
	}
}

// TestKindRules checks that every registered kind has a rule, and that the
// rules' extra state is what the network format stores (Ω, Ωext for CBPI).
func TestKindRules(t *testing.T) {
	for k := range registry {
		ki := Kind(k).info()
		if ki.name == "" || ki.newRule == nil {
			t.Fatalf("kind %d is registered without a name or a rule", k)
		}
		want := 0
		if Kind(k) == CBPI {
			want = 2
		}
		if got := len(ki.newRule(&Config{}).extra()); got != want {
			t.Errorf("%v: %d extra state tensors, want %d", Kind(k), got, want)
		}
	}
}
