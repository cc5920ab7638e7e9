package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/data"
)

// toyModel records what Fit asks of it. Sample i of a toySet carries i in
// its first feature, so that a mini-batch tells which samples it holds.
type toyModel struct {
	widths  []int
	prog    Progress
	batches [][]int // sample indices of every TrainBatch
	evals   []int   // number of samples of every Evaluate
	failAt  int     // TrainBatch number (1-based) that fails; 0: none
	evalErr error
}

func newToy(seed uint64, widths ...int) *toyModel {
	m := &toyModel{widths: widths}
	m.prog.Order = data.OrderSource(seed)
	return m
}

func (m *toyModel) Widths() []int       { return m.widths }
func (m *toyModel) Progress() *Progress { return &m.prog }
func (m *toyModel) TrainBatch(x []float64, y []int) error {
	N := m.widths[0]
	idx := make([]int, len(y))
	for n := range y {
		idx[n] = int(x[n*N])
	}
	m.batches = append(m.batches, idx)
	if len(m.batches) == m.failAt {
		return errors.New("toy failure")
	}
	m.prog.Stats.Steps++
	m.prog.Stats.Change = float64(m.prog.Stats.Steps)
	return nil
}
func (m *toyModel) Evaluate(x []float64, y []int) (float64, float64, error) {
	m.evals = append(m.evals, len(y))
	return float64(len(y)), 0.5, m.evalErr
}

// toySet returns M samples of N features, sample i holding i in feature 0,
// with ±1 labels.
func toySet(M, N int) *data.Set {
	s := &data.Set{X: make([]float64, M*N), Y: make([]int, M), M: M, N: N, Classes: 2, Name: "toy"}
	for i := 0; i < M; i++ {
		s.X[i*N] = float64(i)
		s.Y[i] = 2*(i%2) - 1
	}
	return s
}

// logRecorder keeps every event as "init", "step e.s" or "epoch e".
type logRecorder struct {
	log    []string
	failOn string // an entry whose event fails
	onStep func(*Stats)
}

func (r *logRecorder) Init(s *Stats) error {
	r.log = append(r.log, "init")
	if r.failOn == "init" {
		return errors.New("recorder failure")
	}
	return nil
}

func (r *logRecorder) Record(ev Event, s *Stats) error {
	e := fmt.Sprintf("epoch %d", s.Epoch)
	if ev == StepEnd {
		e = fmt.Sprintf("step %d.%d", s.Epoch+1, s.Step)
		if r.onStep != nil {
			r.onStep(s)
		}
	}
	r.log = append(r.log, e)
	if e == r.failOn {
		return errors.New("recorder failure")
	}
	return nil
}

// TestFitOrderAndBatches checks the loop against its definition: one
// permutation rand.New(OrderSource(seed)).Perm(M) per epoch, consecutive
// mini-batches of B with the last incomplete one dropped, the events
// Init, EpochEnd 0, StepEnd per mini-batch and EpochEnd per epoch, and the
// counters.
func TestFitOrderAndBatches(t *testing.T) {
	const M, N, B, epochs, seed = 23, 3, 5, 3, 11
	m := newToy(seed, N, 4, 1)
	rec := &logRecorder{}
	res, err := Fit(context.Background(), m, toySet(M, N), toySet(7, N), &Settings{BatchSize: B, Epochs: epochs, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	var want [][]int
	wantLog := []string{"init", "epoch 0"}
	order := data.OrderSource(seed)
	for e := 1; e <= epochs; e++ {
		perm := rand.New(order).Perm(M)
		for b := 0; b+B <= M; b += B {
			want = append(want, perm[b:b+B])
			wantLog = append(wantLog, fmt.Sprintf("step %d.%d", e, b/B+1))
		}
		wantLog = append(wantLog, fmt.Sprintf("epoch %d", e))
	}
	if !reflect.DeepEqual(m.batches, want) {
		t.Errorf("mini-batches\n%v, want\n%v", m.batches, want)
	}
	if !reflect.DeepEqual(rec.log, wantLog) {
		t.Errorf("events %v, want %v", rec.log, wantLog)
	}
	st := res.Stats
	if res.Status != EpochLimit || st.Epoch != epochs || st.Step != 0 || st.StepsPerEpoch != M/B || st.Steps != epochs*(M/B) {
		t.Errorf("Result %v %+v: want EpochLimit after %d epochs of %d steps", res.Status, st, epochs, M/B)
	}
	if !reflect.DeepEqual(st, m.prog.Stats) {
		t.Errorf("Result.Stats %+v differs from the model's %+v", st, m.prog.Stats)
	}
	// 4 evaluations (epochs 0..3), each on train then test.
	if w := []int{M, 7, M, 7, M, 7, M, 7}; !reflect.DeepEqual(m.evals, w) {
		t.Errorf("evaluated sets of sizes %v, want %v", m.evals, w)
	}
	if e := st.Eval; e.Epoch != epochs || e.TrainError != M || e.TestError != 7 || e.TrainErrorBayes != 0.5 || e.Q0 != nil {
		t.Errorf("Eval %+v", e)
	}
}

// TestFitContinues checks that a second Fit continues the run: no new
// epoch-0 evaluation, the next permutations of the order source, and the
// epoch counter going on.
func TestFitContinues(t *testing.T) {
	const M, N, B = 12, 2, 4
	s := &Settings{BatchSize: B, Epochs: 2}
	whole := newToy(5, N, 1)
	if _, err := Fit(context.Background(), whole, toySet(M, N), nil, s); err != nil {
		t.Fatal(err)
	}
	split := newToy(5, N, 1)
	s.Epochs = 1
	for range 2 {
		if _, err := Fit(context.Background(), split, toySet(M, N), nil, s); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(split.batches, whole.batches) || split.prog.Stats.Epoch != 2 {
		t.Errorf("two Fits of one epoch: batches %v (epoch %d), want %v", split.batches, split.prog.Stats.Epoch, whole.batches)
	}
	if len(split.evals) != 3 {
		t.Errorf("%d evaluations, want 3 (epochs 0, 1, 2)", len(split.evals))
	}
}

// TestFitInterrupted cancels the context during the second mini-batch: Fit
// finishes it, stops before the third and reports Interrupted, with no
// EpochEnd for the unfinished epoch.
func TestFitInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := newToy(1, 2, 1)
	rec := &logRecorder{onStep: func(s *Stats) {
		if s.Step == 2 {
			cancel()
		}
	}}
	res, err := Fit(ctx, m, toySet(20, 2), nil, &Settings{BatchSize: 4, Epochs: 3, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Interrupted || res.Stats.Steps != 2 || res.Stats.Step != 2 || res.Stats.Epoch != 0 {
		t.Errorf("Result %v %+v: want Interrupted after 2 mini-batches of epoch 1", res.Status, res.Stats)
	}
	if want := []string{"init", "epoch 0", "step 1.1", "step 1.2"}; !reflect.DeepEqual(rec.log, want) {
		t.Errorf("events %v, want %v", rec.log, want)
	}
}

// TestFitRuntimeLimit checks that an exceeded Runtime stops Fit after the
// epoch in which it ran out.
func TestFitRuntimeLimit(t *testing.T) {
	m := newToy(1, 2, 1)
	res, err := Fit(context.Background(), m, toySet(8, 2), nil, &Settings{BatchSize: 4, Epochs: 5, Runtime: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != RuntimeLimit || !res.Status.Early() || res.Stats.Epoch != 1 {
		t.Errorf("Result %v after %d epochs, want RuntimeLimit after 1", res.Status, res.Stats.Epoch)
	}
}

// TestFitTrainEval checks that TrainEval limits the training evaluation to
// the first samples.
func TestFitTrainEval(t *testing.T) {
	m := newToy(1, 2, 1)
	if _, err := Fit(context.Background(), m, toySet(8, 2), nil, &Settings{BatchSize: 4, TrainEval: 3}); err != nil {
		t.Fatal(err)
	}
	if want := []int{3, 3}; !reflect.DeepEqual(m.evals, want) {
		t.Errorf("evaluated %v samples, want %v", m.evals, want)
	}
}

// checkModel adds two optional interfaces to toyModel: CheckFinite fails
// at the end of epoch failEpoch, Overlaps returns fixed diagnostics.
type checkModel struct {
	*toyModel
	failEpoch int
}

func (m checkModel) CheckFinite() error {
	if m.prog.Stats.Epoch+1 == m.failEpoch {
		return errors.New("non-finite state")
	}
	return nil
}

func (m checkModel) Overlaps() (q0, qab []float64) { return []float64{0.25, 0.5}, []float64{0.125} }

// TestFitOptionalInterfaces checks the diagnostics of an Overlapper, the
// epoch-end check of a FiniteChecker and the Checkpoint hook, which runs
// after EpochEnd of every completed epoch and not for epoch 0.
func TestFitOptionalInterfaces(t *testing.T) {
	rec := &logRecorder{}
	m := checkModel{toyModel: newToy(1, 2, 1)}
	ckpt := func(s *Stats) error {
		rec.log = append(rec.log, fmt.Sprintf("checkpoint %d", s.Epoch))
		return nil
	}
	res, err := Fit(context.Background(), m, toySet(4, 2), nil, &Settings{BatchSize: 4, Epochs: 2, Recorder: rec, Checkpoint: ckpt})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"init", "epoch 0", "step 1.1", "epoch 1", "checkpoint 1", "step 2.1", "epoch 2", "checkpoint 2"}
	if !reflect.DeepEqual(rec.log, want) {
		t.Errorf("events %v, want %v", rec.log, want)
	}
	if e := res.Stats.Eval; !reflect.DeepEqual(e.Q0, []float64{0.25, 0.5}) || !reflect.DeepEqual(e.Qab, []float64{0.125}) {
		t.Errorf("Q0 %v, Qab %v: not the model's diagnostics", e.Q0, e.Qab)
	}
	m = checkModel{toyModel: newToy(1, 2, 1), failEpoch: 2}
	_, err = Fit(context.Background(), m, toySet(4, 2), nil, &Settings{BatchSize: 4, Epochs: 3, Name: "toy"})
	if err == nil || err.Error() != "toy: epoch 2: non-finite state" || m.prog.Stats.Epoch != 1 {
		t.Errorf("CheckFinite failing after epoch 2: err = %v after %d epochs", err, m.prog.Stats.Epoch)
	}
}

// uploadModel holds the training set itself (an Uploader), or declines to
// (nil Resident) when cpu is set.
type uploadModel struct {
	*toyModel
	cpu      bool
	set      *data.Set
	released int
}

func (m *uploadModel) Upload(s *data.Set) (Resident, error) {
	if m.cpu {
		return nil, nil
	}
	m.set = s
	return m, nil
}

func (m *uploadModel) TrainSamples(idx []int) error {
	m.batches = append(m.batches, append([]int(nil), idx...))
	m.prog.Stats.Steps++
	return nil
}

func (m *uploadModel) Release() { m.released++ }

// TestFitUploader checks that an Uploader's Resident sees the mini-batches
// TrainBatch would, and is released once; a nil Resident falls back to
// TrainBatch.
func TestFitUploader(t *testing.T) {
	ref := newToy(3, 2, 1)
	set := toySet(18, 2)
	s := &Settings{BatchSize: 4, Epochs: 2}
	if _, err := Fit(context.Background(), ref, set, nil, s); err != nil {
		t.Fatal(err)
	}
	for _, cpu := range []bool{false, true} {
		m := &uploadModel{toyModel: newToy(3, 2, 1), cpu: cpu}
		if _, err := Fit(context.Background(), m, set, nil, s); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.batches, ref.batches) {
			t.Errorf("cpu %v: mini-batches %v, want %v", cpu, m.batches, ref.batches)
		}
		if !cpu && (m.set != set || m.released != 1) {
			t.Errorf("uploaded the training set: %v, released %d times, want once", m.set == set, m.released)
		}
	}
}

// TestFitErrors checks that bad data, settings and failures of the model,
// the recorder or the hook end Fit with an error naming the problem.
func TestFitErrors(t *testing.T) {
	good := toySet(8, 3)
	mod := func(f func(s *data.Set)) *data.Set { s := good.Clone(); f(s); return s }
	classes := func(c int) *data.Set {
		return mod(func(s *data.Set) {
			s.Classes = c
			for i := range s.Y {
				s.Y[i] = i % c
			}
		})
	}
	never := func(*Stats) error { return nil }
	cases := []struct {
		name        string
		out         int // output width of the model
		train, test *data.Set
		s           Settings
		failAt      int
		evalErr     error
		want        string
	}{
		{"nil", 1, nil, nil, Settings{}, 0, nil, "toy: training set is nil"},
		{"nil test", 1, good, nil, Settings{BatchSize: 4}, 0, nil, ""},
		{"invalid", 1, mod(func(s *data.Set) { s.X[4] = math.NaN() }), nil, Settings{}, 0, nil, "toy: training set: data: set \"toy\": X[4]: "},
		{"short Y", 1, good, mod(func(s *data.Set) { s.Y = s.Y[:3] }), Settings{}, 0, nil, "toy: test set: data: set \"toy\": shape"},
		{"empty", 1, &data.Set{N: 3, Classes: 2}, nil, Settings{}, 0, nil, "toy: training set is empty"},
		{"width", 1, toySet(8, 2), nil, Settings{}, 0, nil, "toy: training set has 2 features per sample, the network's input width is 3"},
		{"classes for one output", 1, classes(3), nil, Settings{}, 0, nil, "toy: training set has 3 classes; a one-output network"},
		{"±1 for three outputs", 3, good, nil, Settings{}, 0, nil, "toy: training set has 2 classes (±1 labels when 2), the network has 3 outputs"},
		{"four classes for three outputs", 3, classes(4), nil, Settings{}, 0, nil, "toy: training set has 4 classes"},
		{"batch", 1, good, nil, Settings{BatchSize: 9}, 0, nil, "train: Settings.BatchSize: 9 is larger than the training set (8 samples)"},
		{"default batch", 1, good, nil, Settings{}, 0, nil, "train: Settings.BatchSize: 128 is larger"},
		{"negative batch", 1, good, nil, Settings{BatchSize: -1}, 0, nil, "train: Settings.BatchSize: -1"},
		{"negative epochs", 1, good, nil, Settings{Epochs: -1}, 0, nil, "train: Settings.Epochs: -1"},
		{"negative train eval", 1, good, nil, Settings{TrainEval: -1}, 0, nil, "train: Settings.TrainEval: -1"},
		{"negative runtime", 1, good, nil, Settings{Runtime: -1}, 0, nil, "train: Settings.Runtime: -1ns"},
		{"step", 1, good, nil, Settings{BatchSize: 2, Epochs: 2}, 6, nil, "toy: epoch 2, mini-batch 2: toy failure"},
		{"evaluate", 1, good, nil, Settings{BatchSize: 2}, 0, errors.New("no"), "toy: evaluating on the training set: no"},
		{"recorder init", 1, good, nil, Settings{BatchSize: 2, Recorder: &logRecorder{failOn: "init"}}, 0, nil, "toy: recorder: recorder failure"},
		{"recorder step", 1, good, nil, Settings{BatchSize: 2, Recorder: &logRecorder{failOn: "step 1.3"}}, 0, nil, "toy: recorder: recorder failure"},
		{"checkpoint", 1, good, nil, Settings{BatchSize: 2, Checkpoint: func(*Stats) error { return errors.New("disk full") }}, 0, nil, "toy: checkpoint after epoch 1: disk full"},
		{"checkpoint ok", 1, good, nil, Settings{BatchSize: 2, Checkpoint: never}, 0, nil, ""},
	}
	for _, c := range cases {
		m := newToy(1, 3, 2, c.out)
		m.failAt, m.evalErr = c.failAt, c.evalErr
		if c.s.Name == "" && !strings.HasPrefix(c.want, "train:") {
			c.s.Name = "toy"
		}
		res, err := Fit(context.Background(), m, c.train, c.test, &c.s)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || res != nil):
			t.Errorf("%s: Fit = %v, %v, want no Result and an error starting %q", c.name, res, err, c.want)
		}
		var se *SettingsError
		if isSetting := strings.HasPrefix(c.want, "train: Settings."); isSetting != errors.As(err, &se) {
			t.Errorf("%s: %v: *SettingsError %v, want %v", c.name, err, !isSetting, isSetting)
		}
	}
}
