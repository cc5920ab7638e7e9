package apitest

import (
	"context"
	"errors"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/train"
)

// nilErrorPanics is why Error and Unwrap on a nil pointer of an error type
// panic: Go's own error types (*os.PathError, *strconv.NumError) do the
// same, since a nil *T stored in an error is a programmer error.
const nilErrorPanics = "a nil pointer of an error type is a programmer error (Go convention, as for *os.PathError)"

// nilSafe is errorCase for an error type whose nil pointer answers too.
func (a apiCase) nilSafe() apiCase {
	a.run = func(c *checker) { a.runNilSafe(c) }
	return a
}

// errorCase calls Error and, if it has one, Unwrap on the zero value of an
// error type, which must answer, and on a nil pointer of it, which may
// panic by Go's convention (nilErrorPanics).
func errorCase(pkg, typ string, zero, nilPtr error, unwrap bool) apiCase {
	names := []string{pkg + ".(*" + typ + ").Error"}
	if unwrap {
		names = append(names, pkg+".(*"+typ+").Unwrap")
	}
	return apiCase{names: names, runNilSafe: func(c *checker) {
		for what, e := range map[string]error{"zero value": zero, "nil pointer": nilPtr} {
			c.ok(names[0], what, func() string { _ = e.Error(); return "" })
			if unwrap {
				c.ok(names[1], what, func() string { _ = errors.Unwrap(e); return "" })
			}
		}
	}, run: func(c *checker) {
		c.ok(names[0], "zero value", func() string { return ifNot(zero.Error() != "", "empty message") })
		c.mayPanic(names[0], "nil pointer", nilErrorPanics, func() { _ = nilPtr.Error() })
		if unwrap {
			c.ok(names[1], "zero value", func() string { _ = errors.Unwrap(zero); return "" })
			c.mayPanic(names[1], "nil pointer", nilErrorPanics, func() { _ = errors.Unwrap(nilPtr) })
		}
	}}
}

// recorderCase calls Init and Record of r with nil Stats and every event.
func recorderCase(c *checker, name string, r train.Recorder, what string) {
	c.ok(name+".Init", what, func() string { _ = r.Init(nil); _ = r.Init(&train.Stats{}); return "" })
	c.ok(name+".Record", what, func() string {
		for _, ev := range []train.Event{train.StepEnd, train.EpochEnd, -1, 99} {
			_ = r.Record(ev, nil)
			_ = r.Record(ev, &train.Stats{Step: 5, StepsPerEpoch: -1})
		}
		return ""
	})
}

var trainCases = []apiCase{
	errorCase("train", "SettingsError", &train.SettingsError{}, (*train.SettingsError)(nil), true),
	{names: []string{"train.(*Printer).Init", "train.(*Printer).Record"}, run: func(c *checker) {
		recorderCase(c, "train.(*Printer)", (*train.Printer)(nil), "nil *Printer")
		recorderCase(c, "train.(*Printer)", &train.Printer{}, "W nil")
		recorderCase(c, "train.(*Printer)", &train.Printer{Progress: true, Bar: nilW}, "Progress, Bar nil")
	}},
	{names: []string{"train.(*JSONRecorder).Init", "train.(*JSONRecorder).Record"}, run: func(c *checker) {
		recorderCase(c, "train.(*JSONRecorder)", (*train.JSONRecorder)(nil), "nil *JSONRecorder")
		recorderCase(c, "train.(*JSONRecorder)", &train.JSONRecorder{}, "W nil")
	}},
	{names: []string{"train.Recorders.Init", "train.Recorders.Record"}, run: func(c *checker) {
		recorderCase(c, "train.Recorders", train.Recorders{nil, &train.Printer{}, (*train.JSONRecorder)(nil)}, "nil entries")
		recorderCase(c, "train.Recorders", train.Recorders(nil), "nil")
	}},
	{names: []string{"train.nopRecorder.Init", "train.nopRecorder.Record"}, run: func(c *checker) {
		recorderCase(c, "train.nopRecorder", train.Discard, "Discard")
	}},
	{names: []string{"train.Status.String", "train.Status.Early"}, run: func(c *checker) {
		for _, s := range []train.Status{-1, 99} {
			c.ok("train.Status.String", "out of range", func() string {
				if s.String() == "" {
					return "empty name"
				}
				return ""
			})
			c.ok("train.Status.Early", "out of range", func() string { _ = s.Early(); return "" })
		}
	}},
	{names: []string{"train.Fit"}, run: func(c *checker) {
		tr := tinyTrainer(c.t)
		c.err("train.Fit", "nil model", func() error {
			_, err := train.Fit(context.Background(), nil, tinySet(), nil, nil)
			return err
		})
		for what, s := range badSets() {
			c.err("train.Fit", what+" training set", func() error {
				_, err := train.Fit(nilCtx, tr, s, nil, nil)
				return err
			})
			c.err("train.Fit", what+" test set", func() error {
				if s == nil {
					return errors.New("nil test set is allowed")
				}
				_, err := train.Fit(nilCtx, tr, tinySet(), s, nil)
				return err
			})
		}
		for what, s := range map[string]*train.Settings{
			"BatchSize -1": {BatchSize: -1}, "Epochs -1": {Epochs: -1}, "TrainEval -1": {TrainEval: -1},
			"Runtime -1": {Runtime: -1}, "BatchSize > M": {BatchSize: 9},
		} {
			c.err("train.Fit", what, func() error { _, err := train.Fit(nilCtx, tr, tinySet(), nil, s); return err })
		}
		c.nilErr("train.Fit", "nil ctx, nil settings, nil test, nil recorders", func() error {
			s := &train.Settings{BatchSize: 4, Recorder: train.Recorders{nil, &train.Printer{}, &train.JSONRecorder{}}}
			_, err := train.Fit(nilCtx, tr, tinySet(), nil, s)
			return err
		})
		_ = data.Set{}
	}},
}
