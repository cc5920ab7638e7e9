package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Event says what a Record call reports.
type Event int

const (
	// StepEnd: a mini-batch finished (Stats.Step counts it).
	StepEnd Event = iota
	// EpochEnd: an epoch finished and Stats.Eval holds its evaluation
	// (also sent once before training, for epoch 0).
	EpochEnd
)

// Recorder receives the progress of Fit: Init once at the start of every
// Fit, then Record for every event. Both get the model's live counters,
// which they must not change. An error from either ends the run.
type Recorder interface {
	Init(*Stats) error
	Record(Event, *Stats) error
}

// Discard is a Recorder that records nothing; Fit uses it when
// Settings.Recorder is nil.
var Discard Recorder = nopRecorder{}

type nopRecorder struct{}

func (nopRecorder) Init(*Stats) error          { return nil }
func (nopRecorder) Record(Event, *Stats) error { return nil }

// Printer writes one line per epoch to W and, if Progress is set, draws a
// progress bar over the mini-batches of the running epoch on Bar. A nil
// *Printer, or one with a nil W, prints no epoch lines.
type Printer struct {
	W        io.Writer // epoch lines; nil: none
	Bar      io.Writer // progress bar (typically os.Stderr); nil: none
	Progress bool

	p    *mpb.Progress
	bar  *mpb.Bar
	last time.Time // time of the previous step, for the speed estimate
}

// Init prints the header.
func (p *Printer) Init(s *Stats) error {
	if p == nil || p.W == nil {
		return nil
	}
	_, err := fmt.Fprintf(p.W, "%5s %9s %9s %9s %9s %8s  %s\n", "epoch", "train%", "test%", "trainB%", "testB%", "time/s", "q0 per layer")
	return err
}

// Record draws the bar on StepEnd and prints the epoch line on EpochEnd.
func (p *Printer) Record(ev Event, s *Stats) error {
	if p == nil {
		return nil
	}
	if s == nil {
		return errNilStats
	}
	switch ev {
	case StepEnd:
		if !p.Progress || p.Bar == nil {
			return nil
		}
		if p.bar == nil {
			p.p = mpb.New(mpb.WithOutput(p.Bar), mpb.WithWidth(40))
			p.bar = p.p.AddBar(int64(s.StepsPerEpoch),
				mpb.PrependDecorators(decor.Name(fmt.Sprintf("epoch %d ", s.Epoch+1)), decor.CountersNoUnit("%d/%d")),
				mpb.AppendDecorators(decor.EwmaSpeed(0, " %.1f batch/s", 30), decor.Name(" "), decor.EwmaETA(decor.ET_STYLE_GO, 30)))
		}
		if done := int64(s.Step) - p.bar.Current(); done > 0 {
			if p.last.IsZero() {
				p.bar.IncrInt64(done)
			} else {
				p.bar.EwmaIncrInt64(done, time.Since(p.last))
			}
		}
		p.last = time.Now()
		if s.Step >= s.StepsPerEpoch {
			p.bar.SetTotal(int64(s.StepsPerEpoch), true)
			p.p.Wait()
			p.p, p.bar, p.last = nil, nil, time.Time{}
		}
	case EpochEnd:
		if p.W == nil {
			return nil
		}
		e := s.Eval
		q := make([]string, len(e.Q0))
		for l, v := range e.Q0 {
			q[l] = fmt.Sprintf("%.3f", v)
		}
		_, err := fmt.Fprintf(p.W, "%5d %9.3f %9.3f %9.3f %9.3f %8.2f  %s\n", e.Epoch, e.TrainError, e.TestError,
			e.TrainErrorBayes, e.TestErrorBayes, e.EpochSeconds, strings.Join(q, " "))
		return err
	}
	return nil
}

// JSONRecorder writes one JSON object per epoch (the fields of Eval) to W.
// A nil *JSONRecorder, or one with a nil W, writes nothing.
type JSONRecorder struct{ W io.Writer }

// Init does nothing.
func (j *JSONRecorder) Init(*Stats) error { return nil }

// Record writes the evaluation on EpochEnd.
func (j *JSONRecorder) Record(ev Event, s *Stats) error {
	if j == nil || j.W == nil || ev != EpochEnd {
		return nil
	}
	if s == nil {
		return errNilStats
	}
	return json.NewEncoder(j.W).Encode(s.Eval)
}

// errNilStats is what a recorder returns for a nil *Stats.
var errNilStats = errors.New("train: Record: nil *Stats")

// Recorders sends every event to each recorder in turn; a nil entry
// records nothing.
type Recorders []Recorder

// Init initialises every recorder.
func (rs Recorders) Init(s *Stats) error {
	for _, r := range rs {
		if r == nil {
			continue
		}
		if err := r.Init(s); err != nil {
			return err
		}
	}
	return nil
}

// Record forwards the event.
func (rs Recorders) Record(ev Event, s *Stats) error {
	for _, r := range rs {
		if r == nil {
			continue
		}
		if err := r.Record(ev, s); err != nil {
			return err
		}
	}
	return nil
}
