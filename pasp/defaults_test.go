package pasp

import (
	"context"
	"testing"

	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
)

// TestNewNilSettingsLearns checks that New(cfg, nil) trains with the
// paper's settings: a 40-21-1 BPI network on 1024 samples of a linear
// teacher gets well below chance (50 %) in 5 epochs, where the zero
// Settings (ϵinit = 0) would leave the hidden units identical.
func TestNewNilSettingsLearns(t *testing.T) {
	cfg := mpnet.Config{Widths: []int{40, 21, 1}, Kinds: []mpnet.Kind{mpnet.BPI, mpnet.BPI}}
	tr, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultSettings(mpnet.BPI, 2, 2)
	got := tr.Settings()
	if got.EpsInit != want.EpsInit || got.BatchSize != want.BatchSize || len(got.Rho) != 2 || got.Rho[1] != want.Rho[1] {
		t.Fatalf("nil settings gave %+v, want DefaultSettings %+v", got, *want)
	}
	if err := tr.SetEpochs(5); err != nil {
		t.Fatal(err)
	}
	train := testutil.LinearTeacherSet(1024, 40, 2, 7, 1)
	test := testutil.LinearTeacherSet(1024+500, 40, 2, 7, 1)
	test.X, test.Y, test.M = test.X[1024*40:], test.Y[1024:], 500
	res, err := tr.Fit(context.Background(), train, test)
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Stats.Eval.TestError; e > 20 {
		t.Errorf("test error %.1f %% after 5 epochs with nil settings, want < 20 %% (chance is 50 %%)", e)
	}
	t.Logf("test error %.1f %%", res.Stats.Eval.TestError)
}
