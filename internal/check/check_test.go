package check_test

import (
	"errors"
	"math"
	"testing"

	"github.com/fbpgo/fbp/internal/check"
)

type Settings struct{}
type Other struct{}

func TestError(t *testing.T) {
	err := check.Bad[Settings]("K", 4, "an odd count in [%d, %d]", 1, 1023)
	const want = "check_test: Settings.K: 4: want an odd count in [1, 1023]"
	if err.Error() != want {
		t.Errorf("Bad = %q, want %q", err, want)
	}
	var se *check.Error[Settings]
	if !errors.As(err, &se) || se.Field != "K" {
		t.Errorf("errors.As(*Error[Settings]) fails on %v", err)
	}
	var oe *check.Error[Other]
	if errors.As(err, &oe) {
		t.Error("an Error[Settings] is an Error[Other]")
	}
	base := errors.New("nil settings")
	w := check.Wrap[Other]("Widths", base)
	if w.Error() != "check_test: Other.Widths: nil settings" || !errors.Is(w, base) {
		t.Errorf("Wrap = %q, unwraps to base: %v", w, errors.Is(w, base))
	}
	if got := check.Want(0.5, "a value in (0, 0.5)").Error(); got != "0.5: want a value in (0, 0.5)" {
		t.Errorf("Want = %q", got)
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct {
		v    int
		want string
	}{{0, "a"}, {1, "b"}, {2, "Kind(2)"}, {-1, "Kind(-1)"}} {
		if got := check.Name("Kind", c.v, "a", "b"); got != c.want {
			t.Errorf("Name(%d) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestFinite(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want bool
	}{{0, true}, {-1e308, true}, {math.MaxFloat64, true}, {math.Inf(1), false}, {math.Inf(-1), false}, {math.NaN(), false}} {
		if got := check.Finite(c.v); got != c.want {
			t.Errorf("Finite(%v) = %v", c.v, got)
		}
	}
}
