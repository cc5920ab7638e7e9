package apitest

import (
	"testing"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// nonFiniteTrainer returns a trainer of tinyCfg whose network holds NaN or
// ±Inf: ρ = 1e150 overflows the fields within a few mini-batches.
func nonFiniteTrainer(t *testing.T) *pasp.Trainer {
	t.Helper()
	tr, err := pasp.New(tinyCfg(), &pasp.Settings{Rho: []float64{1e150}, EpsInit: 1, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	s := tinySet()
	for i := 0; i < 20 && tr.Network().CheckFinite() == nil; i++ {
		_, _ = tr.Step(s.X[:24], s.Y[:4])
	}
	if tr.Network().CheckFinite() == nil {
		t.Fatal("ρ = 1e150 did not overflow the fields in 20 steps")
	}
	return tr
}

// TestEvaluationRejectsBadInput: Predict, PredictBayes and Errors of a
// network, and the trainer's Evaluate, refuse NaN inputs, a non-finite
// network and labels that do not fit the output (issue 15, "Silently
// wrong").
func TestEvaluationRejectsBadInput(t *testing.T) {
	good := tinySet()
	x, y := good.X[:12], good.Y[:2]
	nanX := append([]float64(nil), x...)
	nanX[3] = nan
	bad := nonFiniteTrainer(t)
	net := tinyNet(t)
	tr := tinyTrainer(t)
	for what, f := range map[string]func() error{
		"Predict, NaN input":          func() error { return net.Predict(make([]int, 2), nanX) },
		"PredictBayes, NaN input":     func() error { return net.PredictBayes(make([]int, 2), nanX) },
		"Errors, NaN input":           func() error { _, _, err := net.Errors(nanX, y); return err },
		"Errors, label 42":            func() error { _, _, err := net.Errors(x, []int{42, 1}); return err },
		"Errors, label 0 (sign unit)": func() error { _, _, err := net.Errors(x, []int{0, 1}); return err },
		"Predict, non-finite network": func() error { return bad.Network().Predict(make([]int, 2), x) },
		"Errors, non-finite network":  func() error { _, _, err := bad.Network().Errors(x, y); return err },
		"Evaluate, label 42":          func() error { _, _, err := tr.Evaluate(x, []int{42, 1}); return err },
		"Evaluate, NaN input":         func() error { _, _, err := tr.Evaluate(nanX, y); return err },
		"Evaluate, non-finite":        func() error { _, _, err := bad.Evaluate(x, y); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", what)
		}
	}
	_ = mpnet.BP
}
