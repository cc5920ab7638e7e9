package train

import (
	"fmt"
	"io"
	"time"
)

// ProgressLine is a Recorder for progress written where no bar can be
// drawn (a log file, a pipe): while an epoch runs, it writes one line every
// Every (5 s if zero) with the fraction of the epoch done, the speed and the
// time left at that speed, such as
//
//	epoch 3: 45.3% (58/128 mini-batches), 12.1 batch/s, 6s left
//
// It writes nothing else; Printer writes the epoch lines.
type ProgressLine struct {
	W     io.Writer
	Every time.Duration

	now        func() time.Time // the clock; time.Now if nil
	epochStart time.Time        // when the running epoch began
	last       time.Time        // when the last line (or the epoch) began
}

func (p *ProgressLine) clock() time.Time {
	if p.now == nil {
		return time.Now()
	}
	return p.now()
}

// Init starts the clock of the first epoch.
func (p *ProgressLine) Init(*Stats) error {
	p.epochStart = p.clock()
	p.last = p.epochStart
	return nil
}

// Record writes a line on StepEnd when Every has passed since the last one
// (or since the epoch began), and restarts the clock on EpochEnd. A nil W or
// s, or Stats without mini-batches, writes nothing.
func (p *ProgressLine) Record(ev Event, s *Stats) error {
	now := p.clock()
	if ev == EpochEnd {
		p.epochStart, p.last = now, now
		return nil
	}
	every := p.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	if ev != StepEnd || p.W == nil || s == nil || s.StepsPerEpoch <= 0 || s.Step < 0 || now.Sub(p.last) < every {
		return nil
	}
	p.last = now
	rate := float64(s.Step) / now.Sub(p.epochStart).Seconds()
	left := "?"
	if rate > 0 {
		left = (time.Duration(float64(s.StepsPerEpoch-s.Step) / rate * float64(time.Second))).Round(time.Second).String()
	}
	_, err := fmt.Fprintf(p.W, "epoch %d: %.1f%% (%d/%d mini-batches), %.1f batch/s, %s left\n",
		s.Epoch+1, 100*float64(s.Step)/float64(s.StepsPerEpoch), s.Step, s.StepsPerEpoch, rate, left)
	return err
}
