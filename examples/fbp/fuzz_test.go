package main

import (
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/data"
	"github.com/fbpgo/fbp/mpnet"
)

// allocBytes returns the bytes allocated on the heap by this process so far.
func allocBytes() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// fuzzArgs splits line on spaces into an argument list (empty arguments
// included, as a shell would pass ""), leaving out any -save flag: with it
// parseTrain creates and removes a probe file, which a fuzzer must not do
// in arbitrary directories. checkWritable is tested in main_test.go.
func fuzzArgs(line string) []string {
	if line == "" {
		return nil
	}
	var args []string
	for _, a := range strings.Split(line, " ") {
		name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if strings.HasPrefix(a, "-") && name == "save" {
			continue
		}
		args = append(args, a)
	}
	return args
}

// TestParseTrainHuge checks that flags asking for enormous networks or
// settings are refused or accepted without allocating for them: parseTrain
// builds no network, and mpnet.MaxLayerWeights caps every layer.
func TestParseTrainHuge(t *testing.T) {
	for _, line := range []string{
		"-hidden 16777216",
		"-hidden 16777216,16777216 -layer mf",
		"-hidden 300000 -task 2class",
		"-hidden 100000,100000,100000",
		"-taumax 1000000 -epochs 9223372036854775807 -batch 9223372036854775807",
		"-train-eval 9223372036854775807 -hidden 9223372036854775807",
		"-hidden " + strings.Repeat("1,", 10000) + "1",
	} {
		start, a0 := time.Now(), allocBytes()
		o, err := parseTrain(fuzzArgs(line), io.Discard)
		d, a := time.Since(start), allocBytes()-a0
		if d > time.Second || a > 64*uint64(len(line))+1<<20 {
			t.Errorf("parseTrain(%.40q) took %v and allocated %d bytes", line, d, a)
		}
		if err == nil {
			for l := 0; l+1 < len(o.cfg.Widths); l++ {
				if o.cfg.Widths[l]*o.cfg.Widths[l+1] > mpnet.MaxLayerWeights {
					t.Errorf("parseTrain(%.40q) accepted widths %v", line, o.cfg.Widths)
				}
			}
		}
	}
}

// FuzzParseTrain checks that parseTrain never panics or hangs, allocates
// in proportion to its arguments, and returns either an error or options
// whose network config and settings are valid.
func FuzzParseTrain(f *testing.F) {
	for _, line := range []string{
		"",
		"-h",
		"-data cifar10 -task 2class",
		"-data embedded -layer bp,bpi,argmax -hidden 5,5",
		"-layer amp -hidden 7 -float 32 -batch 16 -epochs 2 -json -progress=false",
		"-rho 1.0001,0.9 -psi 0.5 -r 0.1 -rstep 0.01 -taumax 3 -eps-init 0.5",
		"-density 0.5,1 -seed 9 -train-eval 100",
		"-hidden 16777216",
		"-hidden 100000,100000 -layer mf",
		"-layer argmax",
		"-task 3class",
		"-hidden 0",
		"-psi 1 -rho -1",
		"-resume ck.bin -save ck.bin",
		"--data= extra",
	} {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := fuzzArgs(line)
		start, a0 := time.Now(), allocBytes()
		o, err := parseTrain(args, io.Discard)
		if d, a := time.Since(start), allocBytes()-a0; d > 2*time.Second || a > 64*uint64(len(line))+1<<20 {
			t.Fatalf("parseTrain(%q) took %v and allocated %d bytes", args, d, a)
		}
		if err != nil {
			if o != nil {
				t.Fatalf("parseTrain(%q) returned options and the error %v", args, err)
			}
			return
		}
		if err := o.cfg.Validate(); err != nil {
			t.Fatalf("parseTrain(%q) accepted an invalid config: %v", args, err)
		}
		L := o.cfg.L()
		if len(o.kinds) != L || len(o.hidden) != L-1 {
			t.Fatalf("parseTrain(%q): %d kinds, %d hidden widths for %d layers", args, len(o.kinds), len(o.hidden), L)
		}
		if err := o.s.Validate(L); err != nil {
			t.Fatalf("parseTrain(%q) accepted invalid settings: %v", args, err)
		}
		if o.task != "2class" && o.task != "10class" {
			t.Fatalf("parseTrain(%q) accepted -task %q", args, o.task)
		}
	})
}

// TestLoadDataCIFAR checks that loadData standardises CIFAR-10 per colour
// channel (EXPERIMENTS §I.1): afterwards every channel of the training set
// has mean 0 and standard deviation std/(std + 1e-5) ≈ 1.
func TestLoadDataCIFAR(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cifar10", data.CIFARSubdir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for _, f := range append(data.CIFARTrainFiles(), data.CIFARTestFile) {
		var b []byte
		for i := range 4 {
			rec := make([]byte, data.CIFARRecordSize)
			rec[0] = byte(i)
			for k := 1; k < len(rec); k++ {
				// Channel c has pixels in [64c, 64c+128): distinct means.
				rec[k] = byte(64*((k-1)/1024) + rng.IntN(128))
			}
			b = append(b, rec...)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	train, test, err := loadData(&trainOptions{source: "cifar10", dir: root, task: "2class"})
	if err != nil {
		t.Fatal(err)
	}
	if train.M != 20 || test.M != 4 || train.N != 3072 || train.Classes != 2 {
		t.Fatalf("train %d×%d (Classes %d), test %d; want 20×3072 (2), 4", train.M, train.N, train.Classes, test.M)
	}
	st, err := data.ChannelStats(train, data.CIFARChannels)
	if err != nil {
		t.Fatal(err)
	}
	for c, s := range st {
		if math.Abs(s.Mean) > 1e-12 || math.Abs(s.Std-1) > 1e-3 {
			t.Errorf("channel %d after loadData: mean %v, std %v; want 0, ≈1", c, s.Mean, s.Std)
		}
	}
}
