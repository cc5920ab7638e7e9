package apitest

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
	"github.com/fbpgo/fbp/train"
)

// badPaspSettings are settings that Validate must refuse for 2 layers.
func badPaspSettings() map[string]*pasp.Settings {
	return map[string]*pasp.Settings{
		"Rho -1": {Rho: []float64{-1}}, "Rho NaN": {Rho: []float64{nan}}, "Rho 3 values": {Rho: []float64{1, 1, 1}},
		"Psi 1": {Psi: []float64{1}}, "Psi -1": {Psi: []float64{-1}}, "R 2": {R: []float64{2}},
		"R NaN": {R: []float64{nan}}, "FocusY 0.5": {FocusY: []float64{0.5}}, "FocusY Inf": {FocusY: []float64{inf}},
		"RStep 1": {RStep: 1}, "RBatch -1": {RBatch: -1}, "EpsInit NaN": {EpsInit: nan},
		"TauMax -1": {TauMax: -1}, "TauMax 1e9": {TauMax: 1e9}, "BatchSize -1": {BatchSize: -1},
		"Epochs -1": {Epochs: -1}, "TrainEval -1": {TrainEval: -1}, "Runtime -1": {Runtime: -1},
	}
}

// zeroTrainers are trainers that New did not make.
var zeroTrainers = map[string]*pasp.Trainer{"nil": nil, "zero": {}}

var paspCases = []apiCase{
	errorCase("pasp", "SettingsError", &pasp.SettingsError{}, (*pasp.SettingsError)(nil), true),
	{names: []string{"pasp.(*Settings).Validate", "pasp.(*Settings).ValidateFor"}, run: func(c *checker) {
		for what, s := range badPaspSettings() {
			c.err("pasp.(*Settings).Validate", what, func() error { return s.Validate(2) })
			c.err("pasp.(*Settings).ValidateFor", what, func() error { return s.ValidateFor(tinyCfg()) })
		}
		for _, L := range []int{-1, 0, math.MaxInt} {
			c.err("pasp.(*Settings).Validate", "L out of range", func() error { return (&pasp.Settings{}).Validate(L) })
		}
		c.nilErr("pasp.(*Settings).Validate", "nil settings", func() error { return (*pasp.Settings)(nil).Validate(2) })
		c.nilErr("pasp.(*Settings).ValidateFor", "nil settings, zero config", func() error {
			return (*pasp.Settings)(nil).ValidateFor(mpnet.Config{})
		})
		c.err("pasp.(*Settings).ValidateFor", "focus on an MF layer", func() error {
			s := &pasp.Settings{FocusY: []float64{2}}
			return s.ValidateFor(mpnet.Config{Widths: []int{2, 1}, Kinds: []mpnet.Kind{mpnet.MF}})
		})
	}},
	{names: []string{"pasp.DefaultSettings"}, run: func(c *checker) {
		for _, L := range []int{-1, 0, math.MaxInt} {
			c.ok("pasp.DefaultSettings", "L out of range", func() string {
				s := pasp.DefaultSettings(mpnet.Kind(-7), L, -3)
				if len(s.Rho) != 0 {
					return "Rho is not empty"
				}
				return ""
			})
		}
	}},
	{names: []string{"pasp.New"}, run: func(c *checker) {
		c.err("pasp.New", "zero config", func() error { _, err := pasp.New(mpnet.Config{}, nil); return err })
		c.err("pasp.New", "negative width", func() error {
			_, err := pasp.New(mpnet.Config{Widths: []int{-3, 1}, Kinds: []mpnet.Kind{mpnet.BP}}, nil)
			return err
		})
		for what, s := range badPaspSettings() {
			c.err("pasp.New", what, func() error { _, err := pasp.New(tinyCfg(), s); return err })
		}
		c.ok("pasp.New", "nil settings", func() string {
			tr, err := pasp.New(tinyCfg(), nil)
			if err != nil {
				return err.Error()
			}
			if s := tr.Settings(); s.EpsInit != 1 || len(s.Rho) != 2 {
				return "nil settings are not DefaultSettings"
			}
			return ""
		})
	}},
	{names: []string{"pasp.Load", "pasp.LoadFile"}, run: func(c *checker) {
		ck := checkpoint(c.t)
		c.err("pasp.Load", "nil reader", func() error { _, err := pasp.Load(nilR); return err })
		c.err("pasp.Load", "empty", func() error { _, err := pasp.Load(strings.NewReader("")); return err })
		c.err("pasp.Load", "truncated", func() error { _, err := pasp.Load(bytes.NewReader(ck[:len(ck)/2])); return err })
		c.err("pasp.LoadFile", `""`, func() error { _, err := pasp.LoadFile(""); return err })
		c.err("pasp.LoadFile", "a directory", func() error { _, err := pasp.LoadFile(c.t.TempDir()); return err })
	}},
	{names: []string{"pasp.(*Trainer).Save", "pasp.(*Trainer).SaveFile", "pasp.(*Trainer).SetCheckpointFile"}, run: func(c *checker) {
		for what, tr := range zeroTrainers {
			c.err("pasp.(*Trainer).Save", what+" trainer", func() error { return tr.Save(&bytes.Buffer{}) })
			c.err("pasp.(*Trainer).SaveFile", what+" trainer", func() error {
				return tr.SaveFile(filepath.Join(c.t.TempDir(), "x"))
			})
			c.ok("pasp.(*Trainer).SetCheckpointFile", what+" trainer", func() string { tr.SetCheckpointFile(""); return "" })
		}
		tr := tinyTrainer(c.t)
		c.err("pasp.(*Trainer).Save", "nil writer", func() error { return tr.Save(nilW) })
		c.err("pasp.(*Trainer).SaveFile", `""`, func() error { return tr.SaveFile("") })
		c.err("pasp.(*Trainer).SaveFile", "missing directory", func() error { return tr.SaveFile("/nonexistent/dir/x") })
		c.ok("pasp.(*Trainer).SetCheckpointFile", `""`, func() string { tr.SetCheckpointFile(""); return "" })
	}},
	{names: []string{"pasp.(*Trainer).Fit"}, run: func(c *checker) {
		for what, tr := range zeroTrainers {
			c.err("pasp.(*Trainer).Fit", what+" trainer", func() error { _, err := tr.Fit(nilCtx, tinySet(), nil); return err })
		}
		tr := tinyTrainer(c.t)
		for what, s := range badSets() {
			c.err("pasp.(*Trainer).Fit", what+" training set", func() error { _, err := tr.Fit(nilCtx, s, nil); return err })
		}
		for what, r := range map[string]pasp.Recorder{
			"Recorders{nil}": train.Recorders{nil}, "&Printer{}": &train.Printer{},
			"&JSONRecorder{}": &train.JSONRecorder{}, "nil *Printer": (*train.Printer)(nil),
		} {
			c.nilErr("pasp.(*Trainer).Fit", "nil ctx, recorder "+what, func() error {
				tr.SetRecorder(r)
				_, err := tr.Fit(nilCtx, tinySet(), nil)
				return err
			})
		}
	}},
	{names: []string{"pasp.(*Trainer).Step", "pasp.(*Trainer).TrainBatch", "pasp.(*Trainer).Evaluate"}, run: func(c *checker) {
		x, y := tinySet().X[:12], tinySet().Y[:2]
		for what, tr := range zeroTrainers {
			c.err("pasp.(*Trainer).Step", what+" trainer", func() error { _, err := tr.Step(x, y); return err })
			c.err("pasp.(*Trainer).TrainBatch", what+" trainer", func() error { return tr.TrainBatch(x, y) })
			c.err("pasp.(*Trainer).Evaluate", what+" trainer", func() error { _, _, err := tr.Evaluate(x, y); return err })
		}
		tr := tinyTrainer(c.t)
		for what, a := range map[string]struct {
			x []float64
			y []int
		}{"nil": {}, "short x": {x[:5], y}, "NaN": {[]float64{nan, 0, 0, 0, 0, 0}, y[:1]}, "label 42": {x[:6], []int{42}},
			"label 0": {x[:6], []int{0}}} {
			c.err("pasp.(*Trainer).Step", what, func() error { _, err := tr.Step(a.x, a.y); return err })
			c.err("pasp.(*Trainer).TrainBatch", what, func() error { return tr.TrainBatch(a.x, a.y) })
			if what != "label 0" && what != "label 42" && what != "NaN" {
				c.err("pasp.(*Trainer).Evaluate", what, func() error { _, _, err := tr.Evaluate(a.x, a.y); return err })
			}
		}
	}},
	{names: []string{"pasp.(*Trainer).SetEpochs", "pasp.(*Trainer).CheckFinite", "pasp.(*Trainer).Upload"}, run: func(c *checker) {
		for what, tr := range zeroTrainers {
			c.err("pasp.(*Trainer).SetEpochs", what+" trainer", func() error { return tr.SetEpochs(1) })
			c.err("pasp.(*Trainer).CheckFinite", what+" trainer", func() error { return tr.CheckFinite() })
			c.err("pasp.(*Trainer).Upload", what+" trainer", func() error { _, err := tr.Upload(nil); return err })
		}
		tr := tinyTrainer(c.t)
		c.err("pasp.(*Trainer).SetEpochs", "-1", func() error { return tr.SetEpochs(-1) })
		c.nilErr("pasp.(*Trainer).Upload", "nil set on the CPU (nothing to upload)", func() error { _, err := tr.Upload(nil); return err })
	}},
	{names: []string{"pasp.(*resident).TrainSamples", "pasp.(*resident).Release"}, run: func(c *checker) {
		c.unreachable("pasp.(*resident).TrainSamples", "only Upload on a device network hands out a resident set")
		c.unreachable("pasp.(*resident).Release", "only Upload on a device network hands out a resident set")
	}},
	{names: []string{"pasp.(*Trainer).Network", "pasp.(*Trainer).Overlaps", "pasp.(*Trainer).Progress",
		"pasp.(*Trainer).SetRecorder", "pasp.(*Trainer).Settings", "pasp.(*Trainer).Stats", "pasp.(*Trainer).Widths"}, run: func(c *checker) {
		for what, tr := range zeroTrainers {
			c.ok("pasp.(*Trainer).Network", what, func() string { return ifNot(tr.Network() == nil, "not nil") })
			c.ok("pasp.(*Trainer).Overlaps", what, func() string { q, _ := tr.Overlaps(); return ifNot(q == nil, "not nil") })
			c.ok("pasp.(*Trainer).Progress", what, func() string { _ = tr.Progress(); return "" })
			c.ok("pasp.(*Trainer).SetRecorder", what, func() string { tr.SetRecorder(nil); return "" })
			c.ok("pasp.(*Trainer).Settings", what, func() string { _ = tr.Settings(); return "" })
			c.ok("pasp.(*Trainer).Stats", what, func() string { _ = tr.Stats(); return "" })
			c.ok("pasp.(*Trainer).Widths", what, func() string { return ifNot(tr.Widths() == nil, "not nil") })
		}
		_ = errors.New
	}},
}

// ifNot returns msg unless ok.
func ifNot(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}
