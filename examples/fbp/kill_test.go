package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/pasp"
)

// The kill-and-resume test runs the CLI in child processes: the test binary
// itself, re-executed with -test.run naming TestKillChild and killChildEnv
// set, calls run with the arguments after "--" and exits with its code. This
// needs neither the go tool nor a TestMain.
const killChildEnv = "FBP_KILL_TEST_CHILD"

// TestKillChild is the child process of TestKillAndResume; run directly it
// does nothing.
func TestKillChild(t *testing.T) {
	if os.Getenv(killChildEnv) != "1" {
		return
	}
	args := os.Args
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[i+1:]
	} else {
		args = nil
	}
	os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
}

// childCmd returns the command that runs "fbp args..." in a child process.
func childCmd(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"-test.run=^TestKillChild$", "-test.count=1", "--"}, args...)...)
	cmd.Env = append(os.Environ(), killChildEnv+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// runChild runs "fbp args..." to completion and fails the test unless it
// exits 0.
func runChild(t *testing.T, args ...string) time.Duration {
	t.Helper()
	cmd, out := childCmd(t, args...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("fbp %q: %v\n%s", args, err, out)
	}
	return time.Since(start)
}

// runChildKilled starts "fbp args..." and sends it SIGKILL after delay or,
// when watch is not empty, at the first moment after delay at which a file
// whose name starts with watch exists (a checkpoint being written). It
// reports whether the kill happened before the child exited on its own (a
// child that finished must have exited 0).
func runChildKilled(t *testing.T, delay time.Duration, watch string, args ...string) (killed bool) {
	t.Helper()
	cmd, out := childCmd(t, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	finished := func(err error) bool {
		if err != nil {
			t.Fatalf("fbp %q exited before the kill: %v\n%s", args, err, out)
		}
		return false
	}
	select {
	case err := <-done:
		return finished(err)
	case <-time.After(delay):
	}
	for watch != "" && !tempExists(watch) {
		select {
		case err := <-done:
			return finished(err)
		case <-time.After(100 * time.Microsecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		return finished(<-done) // it exited in the meantime
	}
	err := <-done
	if err == nil {
		return false // it finished just before the signal landed
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.Success() {
		t.Fatalf("fbp %q: %v\n%s", args, err, out)
	}
	return true
}

// checkLeftovers checks the temporary files that a kill left next to the
// checkpoint k: a partial write is refused as corrupt (a complete one,
// killed before the rename, may load; an empty probe file is refused too).
func checkLeftovers(t *testing.T, k string) {
	t.Helper()
	m, _ := filepath.Glob(k + ".tmp*")
	for _, p := range m {
		if _, err := pasp.LoadFile(p); err != nil && !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("leftover %s: %v, want a corrupt-checkpoint error", p, err)
		}
	}
}

// tempExists reports whether a file named prefix* exists.
func tempExists(prefix string) bool {
	m, _ := filepath.Glob(prefix + "*")
	return len(m) > 0
}

// sameTrainer reports the first difference between the trained state of two
// checkpoints: the weights (m, H, Hext bit for bit) and the counters and
// evaluation of Stats (Runtime and timings excluded).
func sameTrainer(a, b *pasp.Trainer) error {
	na, nb := a.Network(), b.Network()
	if na.L() != nb.L() {
		return fmt.Errorf("%d layers vs %d", na.L(), nb.L())
	}
	bits := func(name string, l int, x, y []float64) error {
		if len(x) != len(y) {
			return fmt.Errorf("layer %d %s: %d vs %d values", l, name, len(x), len(y))
		}
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				return fmt.Errorf("layer %d %s[%d]: %v vs %v", l, name, i, x[i], y[i])
			}
		}
		return nil
	}
	for l := 0; l < na.L(); l++ {
		for _, f := range []struct {
			name string
			x, y []float64
		}{{"m", na.M(l), nb.M(l)}, {"H", na.H(l), nb.H(l)}, {"Hext", na.Hext(l), nb.Hext(l)}} {
			if err := bits(f.name, l, f.x, f.y); err != nil {
				return err
			}
		}
	}
	sa, sb := a.Stats(), b.Stats()
	ea, eb := sa.Eval, sb.Eval
	if sa.Epoch != sb.Epoch || sa.Steps != sb.Steps || sa.Sweeps != sb.Sweeps ||
		math.Float64bits(sa.Change) != math.Float64bits(sb.Change) {
		return fmt.Errorf("stats: epoch %d/%d, steps %d/%d, sweeps %d/%d, change %v/%v",
			sa.Epoch, sb.Epoch, sa.Steps, sb.Steps, sa.Sweeps, sb.Sweeps, sa.Change, sb.Change)
	}
	if ea.TrainError != eb.TrainError || ea.TestError != eb.TestError ||
		ea.TrainErrorBayes != eb.TrainErrorBayes || ea.TestErrorBayes != eb.TestErrorBayes ||
		!slices.Equal(ea.Q0, eb.Q0) || !slices.Equal(ea.Qab, eb.Qab) {
		return fmt.Errorf("evaluation: %+v vs %+v", ea, eb)
	}
	return nil
}

// TestKillAndResume checks the robustness promise of -save/-resume: a run
// killed with SIGKILL at any moment and resumed from its checkpoint (as often
// as needed) ends with the same weights, bit for bit, as an uninterrupted run
// with the same seed. After every kill the checkpoint, if one exists, must
// load (it is never observed half-written), and the only other files a kill
// may leave are the temporary files of an interrupted write or of the -save
// probe, named k.ckpt.tmpNNN (SaveFile, checkWritable). The next save or
// resume removes them, so that none is left when a trial ends.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about 40 child training processes (≈ 30–60 s)")
	}
	const (
		epochs = 8
		trials = 20
	)
	dir := tinyDir(t, 192, 40, 784)
	args := func(ckpt string, extra ...string) []string {
		return trainArgs(dir, append([]string{"-hidden", "20", "-batch", "8", "-epochs", fmt.Sprint(epochs),
			"-seed", "5", "-json", "-save", ckpt}, extra...)...)
	}

	refDir := t.TempDir()
	ref := filepath.Join(refDir, "ref.ckpt")
	refDur := runChild(t, args(ref)...)
	want, err := pasp.LoadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	if got := want.Stats().Epoch; got != epochs {
		t.Fatalf("reference checkpoint has %d epochs, want %d", got, epochs)
	}
	if ents, _ := os.ReadDir(refDir); len(ents) != 1 {
		t.Errorf("uninterrupted run left %d files in its directory, want only ref.ckpt: %v", len(ents), ents)
	}
	t.Logf("reference run: %d epochs in %v", epochs, refDur.Round(time.Millisecond))

	rng := rand.New(rand.NewPCG(2024, 7))
	var kills, inWrite, freshStarts int
	est := refDur
	start := time.Now()
	for trial := 0; trial < trials; trial++ {
		kdir := t.TempDir()
		k := filepath.Join(kdir, "k.ckpt")
		lastEpoch, trialKills := 0, 0
		// At least one and up to 3 killed runs, then one run to
		// completion. Delays are uniform over est, the duration of a
		// whole run (start-up included) as last measured; after the
		// first kill, a run is killed with probability 1/2. A first
		// run that finishes before its kill is repeated from scratch
		// with a shorter estimate, since the load of the machine varies.
		for attempt := 0; ; attempt++ {
			a := args(k)
			if _, err := os.Stat(k); err == nil {
				a = args(k, "-resume", k)
			} else if trialKills > 0 {
				freshStarts++
			}
			if trialKills == 3 || (trialKills > 0 && rng.IntN(2) == 0) {
				runChild(t, a...)
				break
			}
			delay := time.Duration(rng.Float64() * float64(est))
			watch := ""
			if trial%4 == 3 && trialKills == 0 {
				// Aim at a checkpoint write: kill as soon as its
				// temporary file appears.
				watch, delay = k+".tmp", delay/2
			}
			runStart := time.Now()
			if !runChildKilled(t, delay, watch, a...) {
				if trialKills > 0 {
					break // a resumed run finished before its kill
				}
				if attempt >= 5 {
					t.Fatalf("trial %d: %d runs in a row finished before their kill", trial, attempt+1)
				}
				est = min(time.Since(runStart), est*7/10)
				if err := os.RemoveAll(kdir); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(kdir, 0o755); err != nil {
					t.Fatal(err)
				}
				lastEpoch = 0
				continue
			}
			kills++
			trialKills++
			// Whatever the kill left must load.
			if _, err := os.Stat(k); err == nil {
				tr, err := pasp.LoadFile(k)
				if err != nil {
					t.Fatalf("trial %d: checkpoint after a kill at %v does not load: %v", trial, delay, err)
				}
				e := tr.Stats().Epoch
				if e < lastEpoch || e < 1 || e > epochs {
					t.Fatalf("trial %d: checkpoint after a kill holds epoch %d (before: %d)", trial, e, lastEpoch)
				}
				lastEpoch = e
			}
			if tempExists(k + ".tmp") {
				inWrite++ // killed between CreateTemp and Rename
				checkLeftovers(t, k)
			}
		}
		got, err := pasp.LoadFile(k)
		if err != nil {
			t.Fatalf("trial %d: final checkpoint: %v", trial, err)
		}
		if err := sameTrainer(want, got); err != nil {
			t.Fatalf("trial %d: resumed run differs from the uninterrupted one: %v", trial, err)
		}
		ents, err := os.ReadDir(kdir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if n := e.Name(); n != "k.ckpt" {
				t.Errorf("trial %d: file %s left behind after the final run", trial, n)
			}
		}
	}
	t.Logf("%d trials, %d kills (%d during a checkpoint write, %d before the first checkpoint); all ended bit-identical to the reference in %v (run estimate now %v)",
		trials, kills, inWrite, freshStarts, time.Since(start).Round(time.Millisecond), est.Round(time.Millisecond))
}

// savedCheckpoint trains one epoch on a new data directory and returns the
// directory, the checkpoint's directory and the checkpoint, ckDir/net.ckpt.
func savedCheckpoint(t *testing.T) (dir, ckDir, ck string) {
	t.Helper()
	dir = tinyDir(t, 40, 20, 784)
	ckDir = t.TempDir()
	ck = filepath.Join(ckDir, "net.ckpt")
	if code, _, stderr := runCLI(t, trainArgs(dir, "-save", ck)...); code != 0 {
		t.Fatalf("saving a checkpoint: exit %d, stderr:\n%s", code, stderr)
	}
	return dir, ckDir, ck
}

// TestResumeRefusesBadCheckpoint checks the other half of the robustness
// promise: a corrupt or mismatched checkpoint is refused with a clear error
// (TestBadInput covers random bytes, a bit flip, half a file, an empty file
// and a wrong input width).
func TestResumeRefusesBadCheckpoint(t *testing.T) {
	dir, ckDir, ck := savedCheckpoint(t)
	good, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(ckDir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Every prefix of the file, as a write cut short would leave it.
	for _, n := range []int{0, 1, 7, 8, 11, 12, 13, 100, len(good) / 3, len(good) - 5, len(good) - 4, len(good) - 1} {
		p := write(fmt.Sprintf("prefix%d.ckpt", n), good[:n])
		if _, err := pasp.LoadFile(p); err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), p) {
			t.Errorf("first %d of %d bytes: %v, want a corrupt-checkpoint error naming the file", n, len(good), err)
		}
	}
	// The same bytes twice, and trailing garbage.
	for name, b := range map[string][]byte{
		"twice.ckpt":    append(slices.Clone(good), good...),
		"trailing.ckpt": append(slices.Clone(good), 0),
	} {
		if _, err := pasp.LoadFile(write(name, b)); err == nil || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s: %v, want a corrupt-checkpoint error", name, err)
		}
	}

	v2 := slices.Clone(good)
	v2[7] = 2
	future := write("v2.ckpt", v2)

	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"future version", trainArgs(dir, "-resume", future, "-epochs", "2"), []string{future, "version 2"}},
		{"task mismatch", trainArgs(dir, "-resume", ck, "-epochs", "2", "-task", "2class"), []string{ck, "10-output", "-task 2class"}},
		{"cut short", trainArgs(dir, "-resume", filepath.Join(ckDir, "prefix100.ckpt"), "-epochs", "2"), []string{"prefix100.ckpt", "corrupt"}},
		{"a directory", trainArgs(dir, "-resume", ckDir, "-epochs", "2"), []string{ckDir}},
		{"conflicting flags", trainArgs(dir, "-resume", ck, "-epochs", "2", "-hidden", "99", "-layer", "mf", "-batch", "7", "-rho", "0.5",
			"-seed", "99", "-float", "64", "-density", "0.5", "-psi", "0.3", "-taumax", "2"),
			[]string{"-resume " + ck, "-hidden (the checkpoint has 5)", "-layer (the checkpoint has bpi,argmax)", "-float (the checkpoint has 32)",
				"-density (the checkpoint has 1,1)", "-batch (the checkpoint has 8)", "-seed (the checkpoint has 2)", "-rho (the checkpoint has 1.0001,0.9)",
				"-psi (the checkpoint has 0.81,0.81)", "-taumax (the checkpoint has 1)", "only -epochs and the output flags may change"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, c.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, w := range c.want {
				if !containsFold(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestResumeRemovesTemps checks that a resume removes, and reports, the
// temporary files that a save killed before its rename left next to the
// checkpoint, and accepts flags that repeat the checkpoint's values.
func TestResumeRemovesTemps(t *testing.T) {
	dir, ckDir, ck := savedCheckpoint(t)
	stale := filepath.Join(ckDir, "net.ckpt.tmp8675309")
	if err := os.WriteFile(stale, []byte("FBPCKPT\x01partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, trainArgs(dir, "-resume", ck, "-epochs", "2", "-seed", "2", "-layer", "bpi", "-float", "32")...)
	if code != 0 || !strings.Contains(stderr, "removed "+stale) {
		t.Errorf("resume: exit %d, stderr %q; want 0 and the removal reported", code, stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("%s still exists after the resume (%v)", stale, err)
	}
}
