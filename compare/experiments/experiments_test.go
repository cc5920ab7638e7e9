package experiments_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/internal/memlimit"
	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// synthDir writes a data directory of 8×8 images, 64 for training and 24
// for testing: class c lights the pixels i ≡ c (mod 10) over uniform
// noise, so that a small network learns it in an epoch.
func synthDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range []struct {
		m          int
		img, label string
	}{{64, data.TrainImages, data.TrainLabels}, {24, data.TestImages, data.TestLabels}} {
		s := &data.Set{X: make([]float64, f.m*64), Y: make([]int, f.m), M: f.m, N: 64, Classes: 10}
		for n := range s.Y {
			s.Y[n] = n % 10
			for i := 0; i < 64; i++ {
				x := 0.3 * rng.Float64()
				if i%10 == s.Y[n] {
					x += 0.6
				}
				s.X[n*64+i] = math.Round(255*x) / 255
			}
		}
		var ib, lb bytes.Buffer
		if err := data.WriteIDX(&ib, &lb, s); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.img), ib.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.label), lb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tiny returns the defaults of experiment name cut to a tiny run on the
// synthetic data: one hidden layer of 5 units, one seed, one epoch,
// batch 8.
func tiny(t *testing.T, name string) (experiments.Experiment, *experiments.Params) {
	t.Helper()
	e, ok := experiments.Lookup(name)
	if !ok {
		t.Fatalf("experiment %q is not registered", name)
	}
	p := e.Defaults()
	p.Data, p.Hidden, p.Seeds, p.Epochs = []string{synthDir(t)}, []int{5}, []uint64{2}, 1
	if p.Batch > 0 {
		p.Batch = 8
	}
	return e, &p
}

// run runs e and returns the summary and the README.
func run(t *testing.T, e experiments.Experiment, p *experiments.Params, out string) (*experiments.Summary, string) {
	t.Helper()
	sum, err := experiments.Run(context.Background(), e, p, &experiments.Options{Out: out, Command: "go test"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return sum, string(b)
}

// runFresh runs e into a fresh results directory, checks that the files
// are there, and returns the summary, the README and the directory.
func runFresh(t *testing.T, e experiments.Experiment, p *experiments.Params, files ...string) (*experiments.Summary, string, string) {
	t.Helper()
	out := t.TempDir()
	sum, readme := run(t, e, p, out)
	checkFiles(t, out, files...)
	return sum, readme, out
}

// checkFiles fails for every file of dir that is missing or empty.
func checkFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, f := range names {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty (%v)", f, err)
		}
	}
}

// lines returns the number of lines of a file in dir.
func lines(t *testing.T, dir, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func TestNames(t *testing.T) {
	want := []string{"fig1-arch", "fig1-sparse", "fig2-bayes", "fig3-continual", "local-energy", "overlaps", "table1", "timing"}
	if got := experiments.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

// TestTable1 runs table1 on both tasks, checks the results folder and the
// hyper-parameters (pasp.DefaultSettings), then runs it again: nothing is
// trained the second time.
func TestTable1(t *testing.T) {
	e, p := tiny(t, "table1")
	p.Algos = []string{"bpi", "binarynet"}
	sum, readme, out := runFresh(t, e, p)
	if sum.Trained != 4 || sum.Reused != 0 || sum.Epochs != 4 || len(sum.Records) != 4 {
		t.Errorf("first run: %d trained, %d reused, %d epochs, %d records; want 4, 0, 4, 4", sum.Trained, sum.Reused, sum.Epochs, len(sum.Records))
	}
	checkFiles(t, out, "runs.csv", "runs.json", "command.txt")
	if n := lines(t, out, "runs.csv"); n != 1+4*2 {
		t.Errorf("runs.csv has %d lines, want 1 + 4 runs × 2 evaluations", n)
	}
	lbl := filepath.Base(p.Data[0])
	for _, want := range []string{"| " + lbl + " 2class | bpi | 1 | 1 |", "| " + lbl + " 10class | binarynet | 1 | 1 |", "curves_" + experiments.Slug(lbl) + "-10class.png"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	for _, rec := range sum.Records {
		if rec.Job.Kind != "bpi" {
			continue
		}
		classes := map[string]int{"2class": 2, "10class": 10}[rec.Job.Task]
		s := pasp.DefaultSettings(mpnet.BPI, 2, classes)
		if !slices.Equal(rec.Job.Rho, s.Rho) || !slices.Equal(rec.Job.Psi, s.Psi) {
			t.Errorf("%s: ρ %v, ψ %v; pasp.DefaultSettings has %v, %v", rec.Job.ID, rec.Job.Rho, rec.Job.Psi, s.Rho, s.Psi)
		}
	}
	sum, _ = run(t, e, p, out)
	if sum.Trained != 0 || sum.Reused != 4 {
		t.Errorf("second run: %d trained, %d reused; want 0, 4", sum.Trained, sum.Reused)
	}
	p.Epochs = 2
	if _, err := experiments.Run(context.Background(), e, p, &experiments.Options{Out: out}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("other settings in the same folder: %v", err)
	}
}

// TestFig1Arch checks the ρ of the deeper networks: 1 on the hidden
// layers, 0.9 on the last.
func TestFig1Arch(t *testing.T) {
	e, p := tiny(t, "fig1-arch")
	p.Algos, p.Hidden = []string{"mf"}, []int{5, 4, 3}
	sum, _, out := runFresh(t, e, p)
	if got := sum.Records[0].Job.Rho; !slices.Equal(got, []float64{1, 1, 1, 0.9}) {
		t.Errorf("ρ = %v, want [1 1 1 0.9]", got)
	}
	if w := sum.Records[0].Job.Widths; !slices.Equal(w, []int{64, 5, 4, 3, 10}) {
		t.Errorf("widths %v, want [64 5 4 3 10]", w)
	}
	checkFiles(t, out, "curves_"+experiments.Slug(filepath.Base(p.Data[0])+" 10class")+".png")
}

// TestFig1Sparse checks one group per sparsity, the densities and the
// figure.
func TestFig1Sparse(t *testing.T) {
	e, p := tiny(t, "fig1-sparse")
	p.Algos, p.Sparsity = []string{"amp", "binarynet"}, []float64{0, 50}
	sum, readme, _ := runFresh(t, e, p, "accuracy_vs_sparsity.png")
	if len(sum.Records) != 4 {
		t.Fatalf("%d runs, want 2 sparsities × 2 algorithms", len(sum.Records))
	}
	for i, want := range []float64{1, 1, 0.5, 0.5} {
		if d := sum.Records[i].Job.Density; d != want {
			t.Errorf("run %d: density %v, want %v", i, d, want)
		}
	}
	if amp := sum.Records[0].Job; !slices.Equal(amp.Psi, []float64{0.8, 0.99}) {
		t.Errorf("amp ψ = %v, want [0.8 0.99]", amp.Psi)
	}
	if !strings.Contains(readme, "sparsity 50% | binarynet | 1 | 1 |") || !strings.Contains(readme, "| sparsity % | [0 50] **(reduced/changed)** |") {
		t.Errorf("README.md lacks the 50%% row or the sparsity parameter:\n%s", readme)
	}
}

// TestFig2Bayes checks the notebook's ρ and the Bayesian columns: EBP has
// a Bayesian error, SGD none.
func TestFig2Bayes(t *testing.T) {
	e, p := tiny(t, "fig2-bayes")
	p.Algos = []string{"bpi", "ebp", "sgd"}
	sum, readme, _ := runFresh(t, e, p)
	if got := sum.Records[0].Job.Rho; !slices.Equal(got, []float64{0.9999, 0.9}) {
		t.Errorf("bpi ρ = %v, want [0.9999 0.9]", got)
	}
	for _, rec := range sum.Records {
		bayes := rec.Epochs[1].TestErrorBayes
		if (rec.Job.Kind == "sgd") != (bayes == 0) {
			t.Errorf("%s: Bayesian test error %v", rec.Job.Kind, bayes)
		}
	}
	if !strings.Contains(readme, "| sgd | 1 | 1 |") {
		t.Errorf("README.md lacks the sgd row:\n%s", readme)
	}
}

// TestFig3Continual trains two permuted tasks: the error on the last task
// after training is the run's own test error.
func TestFig3Continual(t *testing.T) {
	e, p := tiny(t, "fig3-continual")
	p.Algos, p.NTasks, p.LRs = []string{"bpi", "binarynet"}, 2, []float64{0.1}
	sum, readme, out := runFresh(t, e, p, "tasks.png", "task1.png")
	if n := lines(t, out, "tasks.csv"); n != 1+2*2*2 {
		t.Errorf("tasks.csv has %d lines, want 1 + 2 runs × 2 tasks trained × 2 tasks", n)
	}
	for _, rec := range sum.Records {
		last := rec.TaskErrors[len(rec.TaskErrors)-1]
		if got, want := last[1], rec.Epochs[len(rec.Epochs)-1].TestError; got != want {
			t.Errorf("%s: error on task 2 after training %v, the run's test error %v", rec.Job.ID, got, want)
		}
	}
	if !strings.Contains(readme, "| binarynet lr=0.1 | 1 |") {
		t.Errorf("README.md lacks the binarynet row:\n%s", readme)
	}
}

// TestLocalEnergy checks that p = 0 gives the final training error and
// that p = 1, flipping every weight, leaves a one-hidden-layer sign
// network with one output unchanged.
func TestLocalEnergy(t *testing.T) {
	e, p := tiny(t, "local-energy")
	p.Algos, p.Flips, p.Repeats = []string{"bpi", "binarynet"}, []float64{1}, 1
	sum, _, _ := runFresh(t, e, p, "energy.png", "overlaps.png")
	for _, rec := range sum.Records {
		final := rec.Epochs[len(rec.Epochs)-1].TrainError
		if len(rec.Energy) != 2 || rec.Energy[0].Mean != final || rec.Energy[1].Mean != final {
			t.Errorf("%s: energy %+v, final training error %v", rec.Job.ID, rec.Energy, final)
		}
	}
}

// TestOverlaps checks that the point-wise q0 of dense ±1 weights is 1.
func TestOverlaps(t *testing.T) {
	e, p := tiny(t, "overlaps")
	p.Algos = []string{"bpi", "binarynet"}
	sum, _, out := runFresh(t, e, p)
	if n := lines(t, out, "overlaps.csv"); n != 1+2*2*2 {
		t.Errorf("overlaps.csv has %d lines, want 1 + 2 runs × 2 epochs × 2 layers", n)
	}
	for _, rec := range sum.Records {
		for _, pt := range rec.Layers {
			if math.Abs(pt.Q0Point[0]-1) > 1e-12 {
				t.Errorf("%s epoch %d: point-wise q0 %v, want 1", rec.Job.ID, pt.Epoch, pt.Q0Point[0])
			}
		}
	}
}

// TestTiming checks one group per batch size and the note on the
// training error.
func TestTiming(t *testing.T) {
	e, p := tiny(t, "timing")
	p.Algos, p.Batches = []string{"mf", "binarynet"}, []int{4, 16}
	sum, readme, _ := runFresh(t, e, p, "timing.png")
	for i, want := range []int{4, 4, 16, 16} {
		j := sum.Records[i].Job
		if j.Batch != want || j.TrainEval != 1000 {
			t.Errorf("run %d: batch %d, train-eval %d; want %d, 1000", i, j.Batch, j.TrainEval, want)
		}
		if sum.Records[i].Epochs[1].EpochSeconds <= 0 {
			t.Errorf("run %d: epoch time %v", i, sum.Records[i].Epochs[1].EpochSeconds)
		}
	}
	if !strings.Contains(readme, "| mf | binarynet |") || !strings.Contains(readme, "Note: the training error after each epoch is taken on the first 1000") {
		t.Errorf("README.md lacks the timing table or the note:\n%s", readme)
	}
}

// TestNeeds checks the memory estimates: the paper's protocols fit in
// 16 GiB, and a request above the limit names the flag responsible.
func TestNeeds(t *testing.T) {
	for _, name := range experiments.Names() {
		e, _ := experiments.Lookup(name)
		p := e.Defaults()
		if err := experiments.CheckNeeds(16<<30, experiments.Needs(e, &p)...); err != nil {
			t.Errorf("%s: the paper's protocol refused: %v", name, err)
		}
	}
	for _, c := range []struct {
		name string
		mod  func(p *experiments.Params)
		want string
	}{
		{"table1", func(p *experiments.Params) { p.Hidden = []int{200000, 10} }, "-hidden 200000,10 (largest run: "},
		{"table1", func(p *experiments.Params) { p.Epochs = 1 << 30 }, "-epochs 1073741824 over 80 runs"},
		{"fig3-continual", func(p *experiments.Params) { p.NTasks = 100; p.Hidden = []int{10} }, "-ntasks 100"},
		{"local-energy", func(p *experiments.Params) { p.Repeats = 1 << 40 }, "-repeats"},
	} {
		e, _ := experiments.Lookup(c.name)
		p := e.Defaults()
		c.mod(&p)
		err := experiments.CheckNeeds(4<<30, experiments.Needs(e, &p)...)
		if me, ok := err.(*memlimit.Error); !ok || !strings.HasPrefix(err.Error(), c.want) || me.Limit != 4<<30 {
			t.Errorf("%s: CheckNeeds = %v, want a *memlimit.Error naming %q", c.name, err, c.want)
		}
	}
	// Run applies the machine's limit by default, before any work.
	e, p := tiny(t, "table1")
	p.Hidden = []int{1 << 20, 1 << 20}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := experiments.Run(context.Background(), e, p, &experiments.Options{Out: out}); err == nil {
		t.Errorf("Run of %v hidden units: no error", p.Hidden)
	} else if _, ok := err.(*memlimit.Error); !ok {
		t.Errorf("Run of %v hidden units: %v, want a *memlimit.Error", p.Hidden, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("Run created %s before refusing (%v)", out, err)
	}
	// BP keeps messages per sample: its estimate grows with the batch.
	w := []int{784, 101, 101, 10}
	if bp, bpi := experiments.NetworkBytes("bp", w, 128), experiments.NetworkBytes("bpi", w, 128); bp <= 4*bpi {
		t.Errorf("NetworkBytes: bp %d, bpi %d; want bp's per-sample messages counted", bp, bpi)
	}
}

// TestCheckParams checks that invalid parameters are errors naming them.
func TestCheckParams(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(p *experiments.Params)
		want string
	}{
		{"table1", func(p *experiments.Params) { p.Algos = []string{"xyz"} }, "-algos"},
		{"table1", func(p *experiments.Params) { p.Tasks = []string{"3class"} }, "-tasks"},
		{"table1", func(p *experiments.Params) { p.Hidden = []int{0} }, "-hidden"},
		{"table1", func(p *experiments.Params) { p.Epochs = 0 }, "-epochs"},
		{"table1", func(p *experiments.Params) { p.Batch = 0 }, "-batch"},
		{"table1", func(p *experiments.Params) { p.LR = 0 }, "-lr"},
		{"table1", func(p *experiments.Params) { p.Device = "tpu" }, "-device"},
		{"fig1-sparse", func(p *experiments.Params) { p.Sparsity = []float64{100} }, "-sparsity"},
		{"fig3-continual", func(p *experiments.Params) { p.NTasks = 0 }, "-ntasks"},
		{"fig3-continual", func(p *experiments.Params) { p.Device = "cuda" }, "-device"},
		{"local-energy", func(p *experiments.Params) { p.Flips = []float64{1.5} }, "-flips"},
		{"timing", func(p *experiments.Params) { p.Batches = []int{0} }, "-batches"},
		{"timing", func(p *experiments.Params) { p.Batches = []int{8, 8} }, "-batches \"8,8\": 8 is given twice"},
		{"table1", func(p *experiments.Params) { p.Seeds = []uint64{2, 2} }, "-seeds"},
		{"table1", func(p *experiments.Params) { p.Algos = []string{"mf", "mf"} }, "-algos"},
		{"table1", func(p *experiments.Params) { p.LR = math.Inf(1) }, "-lr"},
		{"fig1-sparse", func(p *experiments.Params) { p.Sparsity = []float64{math.NaN()} }, "-sparsity"},
		{"local-energy", func(p *experiments.Params) { p.Flips = []float64{math.NaN()} }, "-flips"},
		{"fig3-continual", func(p *experiments.Params) { p.LRs = []float64{1, 1} }, "-lrs"},
	} {
		e, _ := experiments.Lookup(c.name)
		p := e.Defaults()
		if err := experiments.CheckParams(e, &p); err != nil {
			t.Errorf("%s: defaults refused: %v", c.name, err)
		}
		c.mod(&p)
		if err := experiments.CheckParams(e, &p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckParams = %v, want an error naming %s", c.name, err, c.want)
		}
	}
}
