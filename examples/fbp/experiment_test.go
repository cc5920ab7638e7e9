package main

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/compare/experiments"
	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// expCLI runs "fbp experiment" with args and fails the test on a non-zero
// exit; it returns stdout.
func expCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"experiment"}, args...)...)
	if code != 0 {
		t.Fatalf("experiment %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
	}
	return stdout
}

// readLines returns the lines of a file in dir (without the last newline).
func readLines(t *testing.T, dir, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// checkFiles fails the test for every file of dir that is missing or empty.
func checkFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, f := range names {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty (%v)", f, err)
		}
	}
}

// TestExperimentTable1 runs table1 on a tiny data set (two tasks, three
// algorithms, two seeds, one epoch), checks the results folder, then runs
// it again and checks that nothing is trained the second time.
func TestExperimentTable1(t *testing.T) {
	data := tinyDir(t, 64, 24, 784)
	out := filepath.Join(t.TempDir(), "table1")
	args := []string{"table1", "-data", data, "-tasks", "2class,10class", "-algos", "bpi,mf,binarynet",
		"-hidden", "6,5", "-epochs", "1", "-seeds", "2,7", "-batch", "8", "-out", out, "-progress=false"}
	lbl := filepath.Base(data)
	stdout := expCLI(t, args...)
	if !strings.Contains(stdout, "12 runs trained, 0 finished runs reused") {
		t.Errorf("first invocation: %q", lastLine(stdout))
	}
	checkFiles(t, out, "README.md", "runs.csv", "runs.json", "command.txt", "curves_"+experiments.Slug(lbl)+"-2class.png", "curves_"+experiments.Slug(lbl)+"-10class.png")
	if n := len(readLines(t, out, "runs.csv")); n != 1+2*3*2*2 {
		t.Errorf("runs.csv has %d lines, want a header and 2 tasks × 3 algorithms × 2 seeds × 2 epochs", n)
	}
	runs, _ := filepath.Glob(filepath.Join(out, "runs", "*.json"))
	if len(runs) != 12 {
		t.Errorf("%d done-markers in runs/, want 12", len(runs))
	}
	readme := strings.Join(readLines(t, out, "README.md"), "\n")
	for _, want := range []string{"| " + lbl + " 2class | bpi | 2 | 1 |", "| " + lbl + " 10class | binarynet | 2 | 1 |", "| " + lbl + " 10class | mf | 2 | 1 |",
		"| epochs | 1 **(reduced/changed)** | 100 |", "| widths | [784 6 5 1] **(reduced/changed)** | [784 501 501 1] |", "-hidden 6,5"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q:\n%s", want, readme)
		}
	}
	cmd := readLines(t, out, "command.txt")
	if len(cmd) != 2 || !strings.HasPrefix(cmd[0], "fbp experiment table1 -data ") || !strings.HasPrefix(cmd[1], "git rev-parse --short HEAD: ") {
		t.Errorf("command.txt = %q", cmd)
	}
	before := modTimes(t, runs)
	stdout = expCLI(t, args...)
	if !strings.Contains(stdout, "0 runs trained, 12 finished runs reused") || strings.Contains(stdout, "epoch ") {
		t.Errorf("second invocation trained again:\n%s", stdout)
	}
	if after := modTimes(t, runs); before != after {
		t.Errorf("second invocation rewrote the done-markers")
	}
	// Other settings in the same folder are refused, not mixed in.
	code, _, stderr := runCLI(t, append(append([]string{"experiment"}, args...), "-epochs", "2")...)
	if code != 1 || !strings.Contains(stderr, "other settings") {
		t.Errorf("-epochs 2 into the same folder: exit %d, %q", code, stderr)
	}
}

// TestExperimentDataChanged replaces the data files under the same -data
// directory between two invocations and checks that the finished run is
// trained again on the new data instead of being reused, and that the
// run's record holds the fingerprint of its data.
func TestExperimentDataChanged(t *testing.T) {
	dir := tinyDir(t, 64, 24, 784)
	out := filepath.Join(t.TempDir(), "table1")
	args := []string{"table1", "-data", dir, "-tasks", "10class", "-algos", "bpi", "-hidden", "6",
		"-epochs", "1", "-seeds", "2", "-batch", "8", "-out", out, "-progress=false"}
	expCLI(t, args...)
	first := readRuns(t, out)
	writeSet(t, dir, data.TrainImages, data.TrainLabels, randomSet(64, 784, 3))
	stdout := expCLI(t, args...)
	if !strings.Contains(stdout, "1 runs trained (1 of them again: their data changed), 0 finished runs reused") {
		t.Errorf("after the data changed: %q, want the run trained again", lastLine(stdout))
	}
	second := readRuns(t, out)
	fp1, fp2 := first[0].Job.Fingerprint, second[0].Job.Fingerprint
	if len(fp1) != 64 || len(fp2) != 64 || fp1 == fp2 {
		t.Errorf("data fingerprints %q then %q: want two different SHA-256 digests", fp1, fp2)
	}
	if first[0].Epochs[1].TrainError == second[0].Epochs[1].TrainError && first[0].Epochs[0].TrainError == second[0].Epochs[0].TrainError {
		t.Errorf("the run on the new data has the old errors")
	}
	if stdout := expCLI(t, args...); !strings.Contains(stdout, "0 runs trained, 1 finished runs reused") {
		t.Errorf("same data again: %q, want the run reused", lastLine(stdout))
	}
}

// tinyExperiment runs "fbp experiment name" with args on a fresh tiny
// data directory into a fresh results directory, without progress bars,
// and returns both directories.
func tinyExperiment(t *testing.T, name string, args ...string) (data, out string) {
	t.Helper()
	data = tinyDir(t, 64, 24, 784)
	out = filepath.Join(t.TempDir(), name)
	expCLI(t, append(append([]string{name, "-data", data}, args...), "-out", out, "-progress=false")...)
	return data, out
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}

// modTimes returns the modification times of files, one line each.
func modTimes(t *testing.T, files []string) string {
	var b strings.Builder
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(st.ModTime().String() + "\n")
	}
	return b.String()
}

// TestExperimentResumeMidRun interrupts a message-passing run after its
// first epoch and checks that the next invocation trains only the second
// epoch and ends with the same errors as an uninterrupted run.
func TestExperimentResumeMidRun(t *testing.T) {
	data := tinyDir(t, 64, 24, 784)
	parse := func(out string) *expOptions {
		o, err := parseExperiment([]string{"table1", "-data", data, "-tasks", "10class", "-algos", "bpi", "-hidden", "6",
			"-epochs", "3", "-seeds", "2", "-batch", "8", "-out", out, "-progress=false"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if _, err := runExperiment(context.Background(), parse(whole), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(t.TempDir(), "part")
	ctx, cancel := context.WithCancel(context.Background())
	o := parse(part)
	o.o.OnEpoch = func(_ string, epoch int) {
		if epoch == 1 {
			cancel()
		}
	}
	if _, err := runExperiment(ctx, o, io.Discard, io.Discard); err != errInterrupted {
		t.Fatalf("interrupted run: err = %v, want errInterrupted", err)
	}
	id := experiments.Slug(filepath.Base(data)+" 10class") + "_bpi_s2"
	checkFiles(t, filepath.Join(part, "checkpoints"), id+".ckpt", id+".json")
	sum, err := runExperiment(context.Background(), parse(part), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Trained != 1 || sum.Epochs != 2 {
		t.Errorf("resumed invocation trained %d runs and %d epochs, want 1 run and 2 epochs (2 and 3)", sum.Trained, sum.Epochs)
	}
	if _, err := os.Stat(filepath.Join(part, "checkpoints", id+".ckpt")); !os.IsNotExist(err) {
		t.Errorf("checkpoint of a finished run left behind (%v)", err)
	}
	a, b := readRuns(t, whole), readRuns(t, part)
	if len(a[0].Epochs) != 4 || len(b[0].Epochs) != 4 {
		t.Fatalf("epochs: uninterrupted %d, resumed %d, want 4 (0…3)", len(a[0].Epochs), len(b[0].Epochs))
	}
	for i := range a[0].Epochs {
		x, y := a[0].Epochs[i], b[0].Epochs[i]
		if x.Epoch != y.Epoch || x.TestError != y.TestError || x.TrainError != y.TrainError || x.TestErrorBayes != y.TestErrorBayes {
			t.Errorf("epoch %d: resumed %+v, uninterrupted %+v", i, y, x)
		}
	}
}

func readRuns(t *testing.T, dir string) []*experiments.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "runs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*experiments.Record
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestExperimentSparse runs fig1-sparse at 0 and 50 % sparsity and checks
// the rows, the masks and the figure.
func TestExperimentSparse(t *testing.T) {
	data, out := tinyExperiment(t, "fig1-sparse", "-algos", "bpi,mf,amp-unmasked,binarynet", "-sparsity", "0,50", "-hidden", "6",
		"-epochs", "1", "-seeds", "2", "-batch", "8")
	checkFiles(t, out, "README.md", "runs.csv", "accuracy_vs_sparsity.png")
	readme := strings.Join(readLines(t, out, "README.md"), "\n")
	lbl := filepath.Base(data)
	for _, want := range []string{"| " + lbl + " sparsity 0% | bpi | 1 | 1 |", "| " + lbl + " sparsity 50% | binarynet | 1 | 1 |", "| " + lbl + " sparsity 50% | amp-unmasked | 1 | 1 |"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	for _, r := range readRuns(t, out) {
		want := 1.0
		if strings.Contains(r.Job.Group, "50%") {
			want = 0.5
		}
		if r.Job.Density != want {
			t.Errorf("%s: density %v, want %v", r.Job.ID, r.Job.Density, want)
		}
	}
	if n := len(readLines(t, out, "runs.csv")); n != 1+2*4*2 {
		t.Errorf("runs.csv has %d lines, want 1 + 2 sparsities × 4 algorithms × 2 epochs", n)
	}
}

// TestExperimentContinual runs fig3-continual with two tasks of one epoch.
func TestExperimentContinual(t *testing.T) {
	_, out := tinyExperiment(t, "fig3-continual", "-algos", "bpi,binarynet", "-lrs", "0.1,10", "-ntasks", "2", "-hidden", "6",
		"-epochs", "1", "-seeds", "2", "-batch", "8")
	checkFiles(t, out, "README.md", "tasks.csv", "task1.csv", "tasks.png", "task1.png")
	// 3 runs (bpi, binarynet at 2 rates) × 2 tasks trained × 2 tasks evaluated.
	if n := len(readLines(t, out, "tasks.csv")); n != 1+3*2*2 {
		t.Errorf("tasks.csv has %d lines, want 13", n)
	}
	// Task-1 error at epochs 0, 1, 2 for each of the 3 runs.
	if n := len(readLines(t, out, "task1.csv")); n != 1+3*3 {
		t.Errorf("task1.csv has %d lines, want 10", n)
	}
	readme := strings.Join(readLines(t, out, "README.md"), "\n")
	for _, want := range []string{"| bpi | 1 |", "| binarynet lr=0.1 | 1 |", "| binarynet lr=10 | 1 |", "| task 2 |"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	for _, r := range readRuns(t, out) {
		// After the last task, the error on the last task is the run's own test error.
		last := r.TaskErrors[len(r.TaskErrors)-1]
		if got, want := last[1], r.Epochs[len(r.Epochs)-1].TestError; got != want {
			t.Errorf("%s: error on task 2 after training %v, the run's test error %v", r.Job.ID, got, want)
		}
		if r.Task1[1].TestError != r.Epochs[1].TestError {
			t.Errorf("%s: task-1 error after epoch 1 %v, the run's test error %v", r.Job.ID, r.Task1[1].TestError, r.Epochs[1].TestError)
		}
	}
}

// TestExperimentLocalEnergy runs local-energy and overlaps for BPI and
// BinaryNet and checks the rows; p = 0 must give the final training error.
func TestExperimentLocalEnergy(t *testing.T) {
	data, out := tinyExperiment(t, "local-energy", "-algos", "bpi,binarynet", "-flips", "0.1,1", "-repeats", "2", "-hidden", "6",
		"-epochs", "1", "-seeds", "2", "-batch", "8")
	checkFiles(t, out, "README.md", "energy.csv", "energy.png")
	if n := len(readLines(t, out, "energy.csv")); n != 1+2*(1+2+2) {
		t.Errorf("energy.csv has %d lines, want 1 + 2 runs × (1 + 2 + 2)", n)
	}
	for _, r := range readRuns(t, out) {
		if len(r.Energy) != 3 || r.Energy[0].P != 0 || r.Energy[0].Mean != r.Epochs[len(r.Epochs)-1].TrainError {
			t.Errorf("%s: energy %+v, final train error %v", r.Job.ID, r.Energy, r.Epochs[len(r.Epochs)-1].TrainError)
		}
		// p = 1 flips every weight: with one output unit and one hidden
		// layer of sign units, the output sign is unchanged (−W₂·sign(−W₁x) = W₂·sign(W₁x)).
		if r.Energy[2].Mean != r.Energy[0].Mean {
			t.Errorf("%s: p = 1 gives %v %%, p = 0 %v %%", r.Job.ID, r.Energy[2].Mean, r.Energy[0].Mean)
		}
	}
	out = filepath.Join(t.TempDir(), "overlaps")
	expCLI(t, "overlaps", "-data", data, "-algos", "bpi,binarynet", "-hidden", "6", "-epochs", "1", "-seeds", "2",
		"-batch", "8", "-out", out, "-progress=false")
	checkFiles(t, out, "README.md", "overlaps.csv", "overlaps.png")
	// 2 runs × epochs 0, 1 × 2 layers.
	if n := len(readLines(t, out, "overlaps.csv")); n != 1+2*2*2 {
		t.Errorf("overlaps.csv has %d lines, want 9", n)
	}
	for _, r := range readRuns(t, out) {
		for i, p := range r.Layers {
			// The marginals' q0 is the trainer's own (mpnet.Overlaps, in pasp.Eval).
			for l, q := range p.Q0 {
				if want := r.Epochs[i].Q0[l]; math.Abs(q-want) > 1e-12 {
					t.Errorf("%s epoch %d layer %d: q0 %v, pasp.Eval %v", r.Job.ID, p.Epoch, l, q, want)
				}
			}
			if q := p.Q0Point[0]; math.Abs(q-1) > 1e-12 { // dense ±1 weights
				t.Errorf("%s epoch %d: point-wise q0 of layer 1 = %v, want 1", r.Job.ID, p.Epoch, q)
			}
			for l := range p.Q0Point {
				if p.QabAbsPoint[l] < math.Abs(p.QabOffPoint[l]) || (r.Job.Kind == "bpi" && p.QabAbs[l] < math.Abs(p.QabOff[l])) {
					t.Errorf("%s epoch %d layer %d: mean |qab| below |mean qab|: %+v", r.Job.ID, p.Epoch, l, p)
				}
			}
		}
	}
}

// TestExperimentTiming runs the timing experiment for two batch sizes.
func TestExperimentTiming(t *testing.T) {
	data, out := tinyExperiment(t, "timing", "-algos", "mf,bp,binarynet", "-batches", "1,16", "-hidden", "6",
		"-epochs", "1", "-seeds", "2")
	checkFiles(t, out, "README.md", "timing.png")
	readme := strings.Join(readLines(t, out, "README.md"), "\n")
	lbl := filepath.Base(data)
	for _, want := range []string{"| " + lbl + " 2class batch 1 |", "| " + lbl + " 2class batch 16 |", "| mf | bp | binarynet |", "(96) |", "(48) |"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q:\n%s", want, readme)
		}
	}
	for _, r := range readRuns(t, out) {
		if r.Epochs[1].EpochSeconds <= 0 {
			t.Errorf("%s: epoch time %v", r.Job.ID, r.Epochs[1].EpochSeconds)
		}
	}
}

// TestExperimentBadFlags checks that bad arguments are errors naming the
// flag, never panics.
func TestExperimentBadFlags(t *testing.T) {
	file := plainFile(t)
	checkBadFlags(t, "experiment", []flagCase{
		{nil, 1, "want a name"},
		{[]string{"table9"}, 1, "unknown experiment"},
		{[]string{"-epochs", "1"}, 1, "want a name"},
		{[]string{"table1", "-algos", "xyz"}, 1, "-algos"},
		{[]string{"table1", "-algos", ","}, 1, "-algos"},
		{[]string{"table1", "-seeds", "a"}, 1, "-seeds"},
		{[]string{"table1", "-seeds", "-2"}, 1, "-seeds"},
		{[]string{"table1", "-epochs", "0"}, 1, "-epochs"},
		{[]string{"table1", "-batch", "0"}, 1, "-batch"},
		{[]string{"table1", "-hidden", "0"}, 1, "-hidden"},
		{[]string{"table1", "-tasks", "3class"}, 1, "-tasks"},
		{[]string{"table1", "-train-subset", "-1"}, 1, "-train-subset"},
		{[]string{"table1", "-lr", "0"}, 1, "-lr"},
		{[]string{"table1", "-optimizer", "rmsprop"}, 1, "-optimizer"},
		{[]string{"table1", "-device", "tpu"}, 1, "-device"},
		{[]string{"fig3-continual", "-device", "cuda"}, 1, "-device"},
		{[]string{"table1", "-device", "gpu"}, 1, "-device"},
		{[]string{"table1", "-sparsity", "50"}, 2, "not defined"},
		{[]string{"fig1-sparse", "-sparsity", "100"}, 1, "-sparsity"},
		{[]string{"fig1-sparse", "-sparsity", "x"}, 1, "-sparsity"},
		{[]string{"fig3-continual", "-lrs", "0"}, 1, "-lrs"},
		{[]string{"fig3-continual", "-ntasks", "0"}, 1, "-ntasks"},
		{[]string{"timing", "-batches", "0"}, 1, "-batches"},
		{[]string{"local-energy", "-flips", "1.5"}, 1, "-flips"},
		{[]string{"local-energy", "-repeats", "0"}, 1, "-repeats"},
		{[]string{"table1", "-data", "/nonexistent/dir", "-out", filepath.Join(t.TempDir(), "x")}, 1, "/nonexistent/dir"},
		// Repeated values would run, and report, one run as two.
		{[]string{"table1", "-seeds", "2,7,2"}, 1, "-seeds \"2,7,2\": 2 is given twice"},
		{[]string{"table1", "-algos", "bpi,bpi"}, 1, "-algos \"bpi,bpi\": bpi is given twice"},
		{[]string{"table1", "-tasks", "2class,2class"}, 1, "-tasks"},
		{[]string{"table1", "-data", "mnist,mnist"}, 1, "-data"},
		{[]string{"fig1-sparse", "-sparsity", "50,50"}, 1, "-sparsity"},
		{[]string{"fig3-continual", "-lrs", "0.1,0.1"}, 1, "-lrs"},
		{[]string{"timing", "-batches", "8,8"}, 1, "-batches"},
		{[]string{"local-energy", "-flips", "0.1,0.1"}, 1, "-flips"},
		{[]string{"local-energy", "-flips", "0,0.1"}, 1, "p = 0 is always measured"},
		// Nonsense values name the flag and what is accepted.
		{[]string{"table1", "-lr", "1e308"}, 1, "-lr 1e+308: want a rate in (0, 100]"},
		{[]string{"table1", "-lr", "NaN"}, 1, "-lr NaN"},
		{[]string{"fig3-continual", "-lrs", "1e9"}, 1, "-lrs"},
		{[]string{"fig1-sparse", "-sparsity", "NaN"}, 1, "-sparsity"},
		{[]string{"table1", "-hidden", "11,,11"}, 1, "-hidden \"11,,11\": empty item"},
		// Memory estimates over the limit, before any work.
		{[]string{"table1", "-hidden", "300000"}, 1, "-hidden 300000 (largest run: "},
		{[]string{"table1", "-epochs", "2000000000"}, 1, "-epochs 2000000000 over "},
		{[]string{"local-energy", "-repeats", "1000000000000"}, 1, "-repeats 1000000000000: needs about"},
		{[]string{"table1", "-max-mem", "1MiB", "-data", "/nonexistent/dir"}, 1, "above the memory limit of 1 MiB (set with -max-mem)"},
		// Unusable -out paths, before the data are read.
		{[]string{"table1", "-out", file, "-data", "/nonexistent/dir"}, 1, "-out " + file + ": cannot create the results directory: not a directory"},
	})
	if code, stdout, stderr := runCLI(t, "experiment", "-h"); code != 0 || !strings.Contains(stdout+stderr, "table1") {
		t.Errorf("experiment -h: exit %d, %q", code, stdout+stderr)
	}
}

// TestExperimentBayes runs fig2-bayes with every algorithm of Figure 2;
// cbpi runs when the build has that layer kind and is named as left out
// otherwise.
func TestExperimentBayes(t *testing.T) {
	_, out := tinyExperiment(t, "fig2-bayes", "-hidden", "6", "-epochs", "1", "-seeds", "2", "-batch", "8")
	readme := strings.Join(readLines(t, out, "README.md"), "\n")
	_, cbpiErr := mpnet.ParseKind("cbpi")
	algos := []string{"binarynet", "bpi", "ebp", "sgd", "ebp-gauss"}
	if cbpiErr == nil {
		algos = append(algos, "cbpi")
	} else if !strings.Contains(readme, "cbpi (BP with continuous weights, Fig. 2 right) is left out") {
		t.Errorf("README.md does not say that cbpi is left out:\n%s", readme)
	}
	recs := readRuns(t, out)
	if len(recs) != len(algos) {
		t.Fatalf("%d runs, want %d (%v)", len(recs), len(algos), algos)
	}
	for i, r := range recs {
		if r.Job.Algo != algos[i] || len(r.Epochs) != 2 {
			t.Errorf("run %d: %s with %d evaluations, want %s with 2", i, r.Job.Algo, len(r.Epochs), algos[i])
		}
		// fig2-bayes uses the plotting notebook's ρ for BP (EXPERIMENTS §I.6).
		if r.Job.Algo == "bpi" && (len(r.Job.Rho) != 2 || r.Job.Rho[0] != 0.9999 || r.Job.Rho[1] != 0.9) {
			t.Errorf("bpi ρ = %v, want [0.9999 0.9] for one hidden layer", r.Job.Rho)
		}
	}
}
