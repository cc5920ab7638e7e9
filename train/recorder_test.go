package train

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestPrinter checks the header and an epoch line of the Printer, and that
// its progress bar (on Bar, over the mini-batches) stays out of W.
func TestPrinter(t *testing.T) {
	var w, bar bytes.Buffer
	p := &Printer{W: &w, Bar: &bar, Progress: true}
	s := &Stats{StepsPerEpoch: 2}
	if err := p.Init(s); err != nil {
		t.Fatal(err)
	}
	for s.Step = 1; s.Step <= 2; s.Step++ {
		if err := p.Record(StepEnd, s); err != nil {
			t.Fatal(err)
		}
	}
	s.Epoch = 1
	s.Eval = Eval{Epoch: 1, TrainError: 12.5, TestError: 25, TrainErrorBayes: 10, TestErrorBayes: 20, EpochSeconds: 1.5, Q0: []float64{0.25, 0.5}}
	if err := p.Record(EpochEnd, s); err != nil {
		t.Fatal(err)
	}
	want := "epoch    train%     test%   trainB%    testB%   time/s  q0 per layer\n" +
		"    1    12.500    25.000    10.000    20.000     1.50  0.250 0.500\n"
	if w.String() != want {
		t.Errorf("Printer wrote\n%q, want\n%q", w.String(), want)
	}
}

// TestJSONRecorder checks that JSONRecorder writes the evaluation of every
// EpochEnd, and nothing for StepEnd.
func TestJSONRecorder(t *testing.T) {
	var w bytes.Buffer
	j := &JSONRecorder{W: &w}
	e := Eval{Epoch: 3, TrainError: 1.25, Q0: []float64{0.5}}
	for _, ev := range []Event{StepEnd, EpochEnd} {
		if err := j.Record(ev, &Stats{Eval: e}); err != nil {
			t.Fatal(err)
		}
	}
	var got Eval
	if err := json.Unmarshal(w.Bytes(), &got); err != nil || !reflect.DeepEqual(got, e) || strings.Count(w.String(), "\n") != 1 {
		t.Errorf("JSONRecorder wrote %q (%v), want one line for %+v", w.String(), err, e)
	}
	if !strings.Contains(w.String(), `"train_error":1.25`) {
		t.Errorf("JSONRecorder wrote %q: field names changed", w.String())
	}
}

// TestRecorders checks that Recorders forwards every call in order and
// stops at the first error.
func TestRecorders(t *testing.T) {
	a, b := &logRecorder{}, &logRecorder{failOn: "epoch 0"}
	c := &logRecorder{}
	rs := Recorders{a, b, c}
	if err := rs.Init(&Stats{}); err != nil {
		t.Fatal(err)
	}
	if err := rs.Record(StepEnd, &Stats{Step: 1}); err != nil {
		t.Fatal(err)
	}
	if err := rs.Record(EpochEnd, &Stats{}); err == nil {
		t.Error("failing recorder: no error")
	}
	if want := []string{"init", "step 1.1", "epoch 0"}; !reflect.DeepEqual(a.log, want) || !reflect.DeepEqual(b.log, want) {
		t.Errorf("logs %v and %v, want %v", a.log, b.log, want)
	}
	if want := []string{"init", "step 1.1"}; !reflect.DeepEqual(c.log, want) {
		t.Errorf("recorder after the failing one saw %v, want %v", c.log, want)
	}
	if err := Discard.Record(EpochEnd, &Stats{}); err != nil || Discard.Init(nil) != nil {
		t.Error("Discard returned an error")
	}
}
