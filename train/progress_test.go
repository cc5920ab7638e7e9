package train

import (
	"bytes"
	"testing"
	"time"
)

// TestProgressLine drives a ProgressLine with a fake clock: one step per
// second, a line every 5 s, the clock restarted by each epoch's end.
func TestProgressLine(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	p := &ProgressLine{W: &out, now: func() time.Time { return clock }}
	s := &Stats{StepsPerEpoch: 20}
	if err := p.Init(s); err != nil {
		t.Fatal(err)
	}
	for epoch := 0; epoch < 2; epoch++ {
		s.Epoch = epoch
		for step := 1; step <= 12; step++ {
			clock = clock.Add(time.Second)
			s.Step = step
			if err := p.Record(StepEnd, s); err != nil {
				t.Fatal(err)
			}
		}
		clock = clock.Add(30 * time.Second) // evaluation
		if err := p.Record(EpochEnd, s); err != nil {
			t.Fatal(err)
		}
	}
	want := "epoch 1: 25.0% (5/20 mini-batches), 1.0 batch/s, 15s left\n" +
		"epoch 1: 50.0% (10/20 mini-batches), 1.0 batch/s, 10s left\n" +
		"epoch 2: 25.0% (5/20 mini-batches), 1.0 batch/s, 15s left\n" +
		"epoch 2: 50.0% (10/20 mini-batches), 1.0 batch/s, 10s left\n"
	if out.String() != want {
		t.Errorf("lines:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	(&ProgressLine{W: &out, Every: time.Nanosecond}).Record(StepEnd, &Stats{})
	(&ProgressLine{W: &out, Every: time.Nanosecond}).Record(StepEnd, nil)
	(&ProgressLine{W: &out, Every: time.Nanosecond}).Record(StepEnd, &Stats{Step: -1, StepsPerEpoch: 3})
	if out.Len() != 0 {
		t.Errorf("a line for an epoch of no steps: %q", out.String())
	}
}
