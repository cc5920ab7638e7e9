package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/fbpgo/fbp/data"
)

// runCLI calls run and turns a panic into a test failure.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("run(%q) panicked: %v\n%s", args, p, debug.Stack())
			}
		}()
		code = run(context.Background(), args, &out, &errb)
	}()
	return code, out.String(), errb.String()
}

// randomSet returns m samples of n pixels in {0, 1/255, …, 1} with labels
// 0..9 drawn from a fixed seed.
func randomSet(m, n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &data.Set{X: make([]float64, m*n), Y: make([]int, m), M: m, N: n, Classes: 10}
	for i := range s.X {
		s.X[i] = float64(rng.IntN(256)) / 255
	}
	for i := range s.Y {
		s.Y[i] = i % 10 // every class present
	}
	return s
}

// writeSet writes s as the IDX pair images, labels in dir.
func writeSet(t *testing.T, dir, images, labels string, s *data.Set) {
	t.Helper()
	var ib, lb bytes.Buffer
	if err := data.WriteIDX(&ib, &lb, s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, images), ib.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, labels), lb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyDir writes a data directory with mTrain/mTest samples of n features
// and returns it.
func tinyDir(t *testing.T, mTrain, mTest, n int) string {
	t.Helper()
	dir := t.TempDir()
	writeSet(t, dir, data.TrainImages, data.TrainLabels, randomSet(mTrain, n, 1))
	writeSet(t, dir, data.TestImages, data.TestLabels, randomSet(mTest, n, 2))
	return dir
}

// mutate rewrites file name in dir with f applied to its bytes.
func mutate(t *testing.T, dir, name string, f func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, f(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// trainArgs are fast training flags on dir; extra flags come last and
// override them.
func trainArgs(dir string, extra ...string) []string {
	return append([]string{"train", "-data", dir, "-hidden", "5", "-epochs", "1", "-batch", "8", "-progress=false"}, extra...)
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func TestBadInput(t *testing.T) {
	good := tinyDir(t, 40, 20, 784)

	dataDir := func(mod func(t *testing.T, dir string)) string {
		dir := tinyDir(t, 40, 20, 784)
		mod(t, dir)
		return dir
	}
	truncated := dataDir(func(t *testing.T, dir string) {
		mutate(t, dir, data.TrainImages, func(b []byte) []byte { return b[:len(b)-100] })
	})
	labelRange := dataDir(func(t *testing.T, dir string) {
		mutate(t, dir, data.TrainLabels, func(b []byte) []byte { b[8+3] = 12; return b })
	})
	countMismatch := dataDir(func(t *testing.T, dir string) {
		// 39 labels for 40 images.
		var ib, lb bytes.Buffer
		if err := data.WriteIDX(&ib, &lb, randomSet(39, 784, 3)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, data.TrainLabels), lb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	empty := dataDir(func(t *testing.T, dir string) {
		writeSet(t, dir, data.TrainImages, data.TrainLabels, randomSet(0, 784, 4))
	})
	emptyTest := dataDir(func(t *testing.T, dir string) {
		writeSet(t, dir, data.TestImages, data.TestLabels, randomSet(0, 784, 4))
	})
	badMagic := dataDir(func(t *testing.T, dir string) {
		mutate(t, dir, data.TrainImages, func(b []byte) []byte {
			binary.BigEndian.PutUint32(b, 0xdeadbeef)
			return b
		})
	})
	labelsAsImages := dataDir(func(t *testing.T, dir string) {
		// the labels file where the images file should be: magic 0x801
		b, err := os.ReadFile(filepath.Join(dir, data.TestLabels))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, data.TestImages), b, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	missingFile := dataDir(func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, data.TestLabels)); err != nil {
			t.Fatal(err)
		}
	})
	mixedSizes := dataDir(func(t *testing.T, dir string) {
		// test images of 10×10 while training images are 28×28
		writeSet(t, dir, data.TestImages, data.TestLabels, randomSet(20, 100, 5))
	})
	garbageGzip := dataDir(func(t *testing.T, dir string) {
		// gzip magic followed by garbage, under the .gz name that Load prefers
		if err := os.WriteFile(filepath.Join(dir, data.TrainImages+".gz"), []byte{0x1f, 0x8b, 1, 2, 3}, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	small := tinyDir(t, 100, 20, 100) // 10×10 images

	ckDir := t.TempDir()
	ck := filepath.Join(ckDir, "net.ckpt")
	if code, _, stderr := runCLI(t, trainArgs(good, "-save", ck)...); code != 0 {
		t.Fatalf("saving a checkpoint: exit %d, stderr:\n%s", code, stderr)
	}
	ckBytes, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	corruptCk := filepath.Join(ckDir, "random.ckpt")
	rb := make([]byte, 4096)
	for i := range rb {
		rb[i] = byte(rand.New(rand.NewPCG(7, uint64(i))).Uint32())
	}
	truncCk := filepath.Join(ckDir, "trunc.ckpt")
	flipCk := filepath.Join(ckDir, "flip.ckpt")
	flipped := bytes.Clone(ckBytes)
	flipped[len(flipped)/2] ^= 0x40
	emptyCk := filepath.Join(ckDir, "empty.ckpt")
	for name, b := range map[string][]byte{
		corruptCk: rb,
		truncCk:   ckBytes[:len(ckBytes)/2],
		flipCk:    flipped,
		emptyCk:   nil,
	} {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missingCk := filepath.Join(ckDir, "missing.ckpt")

	cases := []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr, case-insensitive
	}{
		{"no args", nil, 2, []string{"usage"}},
		{"unknown command", []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`}},
		{"data without fetch", []string{"data"}, 2, []string{"fetch"}},
		{"data fetch into a file", []string{"data", "fetch", "-dir", notADir}, 1, []string{"-dir " + notADir, "cannot create the directory", "not a directory"}},
		{"data fetch under a file", []string{"data", "fetch", "-dir", filepath.Join(notADir, "sub")}, 1, []string{"-dir " + notADir, "cannot create the directory"}},
		{"unknown flag", trainArgs(good, "-nosuchflag"), 2, []string{"nosuchflag"}},
		{"batch not an int", trainArgs(good, "-batch", "abc"), 2, []string{"-batch"}},
		{"positional arg", trainArgs(good, "extra"), 1, []string{`"extra"`}},
		{"unknown layer", trainArgs(good, "-layer", "xyz"), 1, []string{"-layer", "xyz"}},
		{"too many kinds", trainArgs(good, "-layer", "bp,bp,bp"), 1, []string{"-layer", "3 kinds for 2 layers"}},
		{"too few kinds", trainArgs(good, "-hidden", "5,5", "-layer", "bp,bp"), 1, []string{"-layer", "2 kinds for 3 layers"}},
		{"layer argmax", trainArgs(good, "-layer", "argmax"), 1, []string{"-layer argmax"}},
		{"argmax hidden", trainArgs(good, "-layer", "argmax,argmax"), 1, []string{"argmax"}},
		{"rho negative", trainArgs(good, "-rho", "-1"), 1, []string{"rho", "-1"}},
		{"rho count", trainArgs(good, "-hidden", "5,5", "-rho", "1,1"), 1, []string{"rho", "2 values for 3 layers"}},
		{"rho nan", trainArgs(good, "-rho", "nan"), 1, []string{"-rho", "not a finite number"}},
		{"psi 1", trainArgs(good, "-psi", "1"), 1, []string{"psi", "[0, 1)"}},
		{"psi negative", trainArgs(good, "-psi", "-0.1"), 1, []string{"psi", "-0.1"}},
		{"psi nan", trainArgs(good, "-psi", "nan"), 1, []string{"-psi", "not a finite number"}},
		{"psi inf", trainArgs(good, "-psi", "inf"), 1, []string{"-psi", "not a finite number"}},
		{"psi garbage", trainArgs(good, "-psi", "0.5,x"), 1, []string{"-psi", `"x"`}},
		{"r above 1", trainArgs(good, "-r", "2"), 1, []string{"r[0] = 2"}},
		{"rstep 1", trainArgs(good, "-rstep", "1"), 1, []string{"rstep"}},
		{"taumax negative", trainArgs(good, "-taumax", "-1"), 1, []string{"taumax"}},
		{"eps-init negative", trainArgs(good, "-eps-init", "-1"), 1, []string{"eps-init"}},
		{"hidden too large", trainArgs(good, "-hidden", "16777216"), 1, []string{"-hidden", "limit"}},
		{"hidden product too large", trainArgs(good, "-hidden", "1,16777216,16777216"), 1, []string{"-hidden", "limit"}},
		{"batch 0", trainArgs(good, "-batch", "0"), 1, []string{"-batch 0"}},
		{"batch negative", trainArgs(good, "-batch", "-3"), 1, []string{"-batch -3"}},
		{"batch too large", trainArgs(good, "-batch", "41"), 1, []string{"-batch 41", "larger than the training set (40 samples", "at most 40"}},
		{"hidden empty entry", trainArgs(good, "-hidden", "11,,11"), 1, []string{"-hidden", `"11,,11"`, "empty item"}},
		{"hidden trailing comma", trainArgs(good, "-hidden", "11,"), 1, []string{"-hidden", "empty item"}},
		{"density 1e-9", trainArgs(good, "-density", "1e-9"), 1, []string{"-density", "layer 0", "want a density ≥ 1/784", "at least one weight per unit"}},
		{"density hidden layer", trainArgs(good, "-hidden", "5", "-density", "0.5,0.1"), 1, []string{"-density", "layer 1", "1/5"}},
		{"eps-init 1e308", trainArgs(good, "-eps-init", "1e308"), 1, []string{"-eps-init", "[0, 1e+06]"}},
		{"rho overflow", trainArgs(good, "-batch", "1", "-epochs", "10", "-float", "32", "-rho", "2"), 1, []string{"the fields overflowed", "-rho", "non-finite"}},
		{"rho 1e308", trainArgs(good, "-rho", "1e308"), 1, []string{"-rho", "1e+308", "[0, 2]"}},
		{"rho 2.5 per layer", trainArgs(good, "-rho", "1,2.5"), 1, []string{"-rho", "2.5", "[0, 2]"}},
		{"hidden 300000", trainArgs(good, "-hidden", "300000", "-max-mem", "4GiB"), 1, []string{"-hidden 300000 -batch 8", "needs about", "memory limit of 4 GiB", "-max-mem"}},
		{"max-mem tiny", trainArgs(good, "-max-mem", "1KiB"), 1, []string{"-hidden 5 -batch 8", "memory limit of 1 KiB"}},
		{"max-mem garbage", trainArgs(good, "-max-mem", "lots"), 2, []string{"-max-mem", "lots"}},
		{"save in a missing directory", trainArgs(good, "-save", "/nonexistent/dir/x"), 1, []string{"-save /nonexistent/dir/x", "directory /nonexistent/dir does not exist"}},
		{"save is a directory", trainArgs(good, "-save", ckDir), 1, []string{"-save " + ckDir, "is a directory"}},
		{"resume /dev/zero", trainArgs(good, "-resume", "/dev/zero"), 1, []string{"/dev/zero", "not a regular file"}},
		{"epochs 0", trainArgs(good, "-epochs", "0"), 1, []string{"-epochs 0"}},
		{"train-eval negative", trainArgs(good, "-train-eval", "-1"), 1, []string{"-train-eval -1"}},
		{"float 16", trainArgs(good, "-float", "16"), 1, []string{"-float 16"}},
		{"task 5class", trainArgs(good, "-task", "5class"), 1, []string{`-task "5class"`}},
		{"hidden 0", trainArgs(good, "-hidden", "0"), 1, []string{"-hidden", "≥ 1"}},
		{"hidden negative", trainArgs(good, "-hidden", "5,-2"), 1, []string{"-hidden", "≥ 1"}},
		{"hidden a,b", trainArgs(good, "-hidden", "a,b"), 1, []string{"-hidden", `"a" is not an integer`}},
		{"hidden empty", trainArgs(good, "-hidden", ""), 1, []string{"-hidden", "no values"}},
		{"density 0", trainArgs(good, "-density", "0"), 1, []string{"density", "(0, 1]"}},
		{"density 1.5", trainArgs(good, "-density", "1.5"), 1, []string{"density", "1.5"}},
		{"density count", trainArgs(good, "-hidden", "5,5", "-density", "1,1"), 1, []string{"density", "2 entries"}},
		{"data mnist not fetched", trainArgs("mnist", "-datadir", t.TempDir()), 1, []string{"mnist", "fetch"}},
		{"data nonexistent", trainArgs("/nonexistent"), 1, []string{"/nonexistent"}},
		{"data is a file", trainArgs(notADir), 1, []string{notADir}},
		{"data truncated images", trainArgs(truncated), 1, []string{data.TrainImages, "truncated"}},
		{"data label 12", trainArgs(labelRange), 1, []string{data.TrainLabels, "label 12"}},
		{"data count mismatch", trainArgs(countMismatch), 1, []string{data.TrainLabels, "39 labels for 40 images"}},
		{"data empty train", trainArgs(empty), 1, []string{data.TrainImages, "no samples"}},
		{"data empty test", trainArgs(emptyTest), 1, []string{data.TestImages, "no samples"}},
		{"data wrong magic", trainArgs(badMagic), 1, []string{data.TrainImages, "magic", "0xdeadbeef"}},
		{"data labels as images", trainArgs(labelsAsImages), 1, []string{data.TestImages, "magic"}},
		{"data missing file", trainArgs(missingFile), 1, []string{data.TestLabels}},
		{"data train/test sizes differ", trainArgs(mixedSizes), 1, []string{"t10k-images", "test images 100", "784"}},
		{"data bad gzip", trainArgs(garbageGzip), 1, []string{data.TrainImages + ".gz"}},
		{"resume missing", trainArgs(good, "-resume", missingCk), 1, []string{missingCk}},
		{"resume random bytes", trainArgs(good, "-resume", corruptCk), 1, []string{corruptCk, "corrupt"}},
		{"resume truncated", trainArgs(good, "-resume", truncCk), 1, []string{truncCk, "corrupt"}},
		{"resume bit flip", trainArgs(good, "-resume", flipCk), 1, []string{flipCk, "corrupt"}},
		{"resume empty file", trainArgs(good, "-resume", emptyCk), 1, []string{emptyCk, "corrupt"}},
		{"resume wrong width", trainArgs(small, "-resume", ck, "-epochs", "2"), 1, []string{ck, "784", "100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			t.Logf("exit %d, stderr: %s", code, stderr)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !containsFold(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
			if code != 0 && strings.TrimSpace(stderr) == "" {
				t.Errorf("exit %d with an empty stderr", code)
			}
		})
	}
}

// jsonLines decodes stdout as one JSON object per line.
func jsonLines(t *testing.T, stdout string) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line %q is not a JSON object: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestTrainJSON(t *testing.T) {
	dir := tinyDir(t, 40, 20, 784)
	code, stdout, stderr := runCLI(t, trainArgs(dir, "-json", "-epochs", "2")...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	lines := jsonLines(t, stdout)
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 3 (epochs 0, 1, 2):\n%s", len(lines), stdout)
	}
	for i, m := range lines {
		for _, k := range []string{"epoch", "train_error", "test_error", "test_error_bayes", "epoch_seconds"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q: %v", i, k, m)
			}
		}
		if got := string(m["epoch"]); got != fmt.Sprint(i) {
			t.Errorf("line %d: epoch %s, want %d", i, got, i)
		}
		for _, k := range []string{"train_error", "test_error", "test_error_bayes"} {
			var v float64
			if err := json.Unmarshal(m[k], &v); err != nil || v < 0 || v > 100 {
				t.Errorf("line %d: %s = %s, want a percentage", i, k, m[k])
			}
		}
	}
}

func TestTrainTable(t *testing.T) {
	dir := tinyDir(t, 40, 20, 784)
	code, stdout, stderr := runCLI(t, trainArgs(dir)...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "40 train / 20 test samples") {
		t.Errorf("stdout lacks the header:\n%s", stdout)
	}
}

func TestResumeMatchesUninterrupted(t *testing.T) {
	dir := tinyDir(t, 40, 20, 784)
	ck := filepath.Join(t.TempDir(), "run.ckpt")
	args := func(extra ...string) []string {
		return trainArgs(dir, append([]string{"-json", "-seed", "11"}, extra...)...)
	}
	code, full, stderr := runCLI(t, args("-epochs", "2")...)
	if code != 0 {
		t.Fatalf("uninterrupted: exit %d; stderr:\n%s", code, stderr)
	}
	if code, _, stderr = runCLI(t, args("-epochs", "1", "-save", ck)...); code != 0 {
		t.Fatalf("first half: exit %d; stderr:\n%s", code, stderr)
	}
	code, resumed, stderr := runCLI(t, args("-epochs", "2", "-resume", ck)...)
	if code != 0 {
		t.Fatalf("resumed: exit %d; stderr:\n%s", code, stderr)
	}
	fl, rl := jsonLines(t, full), jsonLines(t, resumed)
	if len(fl) != 3 || len(rl) != 1 {
		t.Fatalf("%d uninterrupted and %d resumed JSON lines, want 3 and 1:\n%s\n%s", len(fl), len(rl), full, resumed)
	}
	a, b := fl[len(fl)-1], rl[len(rl)-1]
	for _, k := range []string{"epoch", "train_error", "test_error", "train_error_bayes", "test_error_bayes", "q0", "qab"} {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s: uninterrupted %s, resumed %s", k, a[k], b[k])
		}
	}

	// Resuming a checkpoint that already has the requested epochs does nothing.
	code, stdout, stderr := runCLI(t, args("-epochs", "1", "-resume", ck)...)
	if code != 0 || !strings.Contains(stderr, "already has 1 epochs") || stdout != "" {
		t.Errorf("resume with nothing to do: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestTrainVariants(t *testing.T) {
	dir := tinyDir(t, 40, 20, 784)
	small := tinyDir(t, 40, 20, 100)
	cases := []struct {
		name string
		args []string
	}{
		{"2class", trainArgs(dir, "-task", "2class")},
		{"bp", trainArgs(dir, "-layer", "bp")},
		{"bpi", trainArgs(dir, "-layer", "bpi")},
		{"mf", trainArgs(dir, "-layer", "mf")},
		{"amp", trainArgs(dir, "-layer", "amp")},
		{"2class amp", trainArgs(dir, "-task", "2class", "-layer", "amp")},
		{"per-layer kinds", trainArgs(dir, "-hidden", "5,5", "-layer", "bp,mf,argmax")},
		{"float32", trainArgs(dir, "-float", "32")},
		{"density", trainArgs(dir, "-density", "0.5")},
		{"batch = train size", trainArgs(dir, "-batch", "40")},
		{"embedded", []string{"train", "-hidden", "5", "-epochs", "1", "-progress=false", "-train-eval", "500"}},
		{"10x10 images", trainArgs(small, "-epochs", "1", "-hidden", "5")},
		{"gzip", trainArgs(gzipDir(t, dir))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "embedded" && testing.Short() {
				t.Skip("loads the 10,000-image embedded subset (about 2 s)")
			}
			code, stdout, stderr := runCLI(t, c.args...)
			if code != 0 {
				t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, stderr, stdout)
			}
			if stdout == "" {
				t.Errorf("nothing on stdout")
			}
		})
	}
}

// gzipDir returns a copy of the data directory src with every file gzipped
// (name.gz).
func gzipDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	for _, name := range []string{data.TrainImages, data.TrainLabels, data.TestImages, data.TestLabels} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name+".gz"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestHelp(t *testing.T) {
	code, stdout, _ := runCLI(t, "help")
	if code != 0 || !strings.Contains(stdout, "fbp train") {
		t.Errorf("help: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr := runCLI(t, "train", "-h")
	if code != 0 || !strings.Contains(stderr, "-layer") {
		t.Errorf("train -h: exit %d, stderr %q", code, stderr)
	}
	// Every subcommand's help exits 0 and says something.
	for _, args := range [][]string{{"-h"}, {"--help"}, {"compare", "-h"}, {"anneal", "-h"}, {"teacher", "-h"}, {"committee", "-h"},
		{"experiment", "-h"}, {"experiment", "table1", "-h"}, {"data", "-h"}, {"data", "fetch", "-h"}, {"data", "fetch", "-help"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 || stdout+stderr == "" {
			t.Errorf("%q: exit %d (want 0), stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "train", "-resume", "x", "-h"); code != 0 || !strings.Contains(stderr, "-epochs, -data, -json, -progress, -save, -device and -max-mem may change") {
		t.Errorf("train -h does not say which flags may change on -resume: exit %d, stderr %q", code, stderr)
	}
}

func TestInterrupted(t *testing.T) {
	dir := tinyDir(t, 40, 20, 784)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, trainArgs(dir), &out, &errb)
	if code != 130 || !strings.Contains(errb.String(), "Interrupted") {
		t.Errorf("cancelled run: exit %d (want 130), stderr %q", code, errb.String())
	}
}
