package hostile

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/fbpgo/fbp/mpnet"
	"github.com/fbpgo/fbp/pasp"
)

// CLICase is one command line of the fbp command that must end with a
// clear error: a non-zero exit status and a message holding every string of
// Err, or, when Err is nil, a successful run.
type CLICase struct {
	Name string
	Args []string // the arguments after "fbp"
	Err  []string
	What string
}

// TrainArgs are the arguments of a fast "fbp train" on the IDX directory
// dataDir; extra flags come last and override them.
func TrainArgs(dataDir string, extra ...string) []string {
	return append([]string{"train", "-data", dataDir, "-hidden", "5", "-epochs", "1", "-batch", "8", "-progress=false"}, extra...)
}

// CLICases writes into dir what the command-line cases need (every data
// case of Write, a valid IDX directory, a checkpoint of a 784-5-10 network
// trained on it and hostile variants of it) and returns the cases: each
// data case as an fbp train -data command line, then hostile flags and
// checkpoints.
func CLICases(dir string) ([]CLICase, error) {
	data, err := Write(filepath.Join(dir, "data"))
	if err != nil {
		return nil, err
	}
	var cases []CLICase
	for _, c := range data {
		args := TrainArgs(c.Source)
		if c.DataDir != "" {
			args = append(args, "-datadir", c.DataDir)
		}
		var want []string
		if c.Err != "" {
			want = []string{c.Err}
		}
		cases = append(cases, CLICase{Name: "data-" + c.Name, Args: args, Err: want, What: c.What})
	}
	base := filepath.Join(dir, "base")
	if err := writeIDXBase(base); err != nil {
		return nil, err
	}
	cases = append(cases, flagCases(base, dir)...)
	ck, err := checkpointCases(base, filepath.Join(dir, "ckpt"))
	if err != nil {
		return nil, err
	}
	return append(cases, ck...), nil
}

// flagCases lists hostile flags of fbp train on the valid data directory
// base; tmp is a directory that exists.
func flagCases(base, tmp string) []CLICase {
	tr := func(extra ...string) []string { return TrainArgs(base, extra...) }
	return []CLICase{
		{"flag-hidden-empty-entry", tr("-hidden", "11,,11"), []string{"-hidden", "empty item"}, "an empty width between two commas"},
		{"flag-hidden-huge", tr("-hidden", "16777216"), []string{"-hidden", "limit"}, "a hidden layer of 2²⁴ units"},
		{"flag-hidden-over-memory", tr("-hidden", "300000", "-max-mem", "1GiB"), []string{"-hidden 300000", "memory limit of 1 GiB"}, "235 M weights, over -max-mem"},
		{"flag-hidden-deep", tr("-hidden", "2000,2000,2000,2000,2000,2000,2000,2000", "-max-mem", "1GiB"), []string{"-hidden", "memory limit"}, "eight layers of 2,000 units"},
		{"flag-hidden-over-address-space", tr("-hidden", "30000"), []string{"-hidden 30000", "memory limit"}, "a 2 GB network under the default limit, which a 2 GB ulimit -v lowers"},
		{"flag-max-mem-garbage", tr("-max-mem", "lots"), []string{"-max-mem", "lots"}, "a memory limit that is not a size"},
		{"flag-density-tiny", tr("-density", "1e-9"), []string{"-density", "at least one weight per unit"}, "a density that masks out every weight"},
		{"flag-rho-huge", tr("-rho", "1e308"), []string{"-rho", "[0, 2]"}, "ρ = 10³⁰⁸"},
		{"flag-rho-overflow", tr("-batch", "1", "-epochs", "10", "-float", "32", "-rho", "2"), []string{"the fields overflowed", "-rho"},
			"ρ = 2 in float32, which doubles the prior field at every mini-batch until it overflows"},
		{"flag-eps-init-huge", tr("-eps-init", "1e308"), []string{"-eps-init", "[0, 1e+06]"}, "initial fields of spread 10³⁰⁸"},
		{"flag-rho-inf", tr("-rho", "inf"), []string{"-rho", "not a finite number"}, "ρ = ∞"},
		{"flag-psi-one", tr("-psi", "1"), []string{"-psi", "[0, 1)"}, "ψ = 1"},
		{"flag-batch-over-set", tr("-batch", "301"), []string{"-batch 301", "larger than the training set (20 samples"}, "a mini-batch larger than the training set"},
		{"flag-batch-huge", tr("-batch", "9223372036854775807"), []string{"-batch"}, "a mini-batch of 2⁶³−1"},
		{"flag-save-missing-dir", tr("-save", "/nonexistent/dir/x"), []string{"-save /nonexistent/dir/x", "does not exist"}, "a checkpoint in a directory that does not exist"},
		{"flag-save-directory", tr("-save", tmp), []string{"-save " + tmp, "is a directory"}, "a checkpoint path that is a directory"},
		{"flag-data-dev-zero", tr("-data", "/dev/zero"), []string{"/dev/zero"}, "-data /dev/zero"},
		{"flag-float-16", tr("-float", "16"), []string{"-float 16"}, "a float type of 16 bits"},
		{"flag-layer-garbage", tr("-layer", "bp,,mf"), []string{"-layer"}, "an empty layer kind"},
		{"flag-task-garbage", tr("-task", "3class"), []string{"-task"}, "an unknown task"},
		{"flag-positional", tr("extra"), []string{`"extra"`}, "a positional argument"},
	}
}

// checkpointCases writes a valid checkpoint of a 784-5-10 network for the
// data in base and hostile variants into dir, and lists the -resume cases.
func checkpointCases(base, dir string) ([]CLICase, error) {
	if err := mkdirAll(dir); err != nil {
		return nil, err
	}
	good, err := checkpoint()
	if err != nil {
		return nil, err
	}
	net := netOffset(good)
	// Widths 784-5-10: the network header has 8+1+1+4+4·3+2+8·2 = 44
	// bytes; layer 0 then stores m, H, Hext and the mask, 5·784 each.
	mask0 := net + 44 + 3*5*784*8
	setMask := func(v float64) []byte {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint64(b[mask0+8*7:], math.Float64bits(v))
		return fixSums(b, net)
	}
	huge := bytes.Clone(good)
	binary.LittleEndian.PutUint32(huge[net+14+4:], 1<<24) // hidden width 2²⁴
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	lying := bytes.Clone(good[:12])
	binary.LittleEndian.PutUint32(lying[8:], 1<<20)
	files := []struct {
		name    string
		b       []byte
		err     []string
		what    string
		special func(string) error
	}{
		{"ckpt-valid", good, nil, "valid: a checkpoint of this network and data", nil},
		{"ckpt-empty", nil, []string{"corrupt", "only 0 bytes"}, "an empty checkpoint", nil},
		{"ckpt-random", random, []string{"corrupt", "bad magic"}, "4 KiB of random bytes", nil},
		{"ckpt-truncated", good[:len(good)/2], []string{"corrupt", "truncated"}, "half a checkpoint", nil},
		{"ckpt-trailing", append(bytes.Clone(good), 0), []string{"corrupt", "data after the checksum"}, "a byte after the checksum", nil},
		{"ckpt-lying-header", lying, []string{"corrupt", "truncated in the header"}, "a header length of 1 MiB in a 12-byte file", nil},
		{"ckpt-huge-width", fixSums(huge, net), []string{"corrupt", "16777216×784 weights"}, "a network header with a hidden width of 2²⁴, checksums recomputed", nil},
		{"ckpt-mask-half", setMask(0.5), []string{"corrupt", "mask[7] = 0.5"}, "a mask of 0.5, checksums recomputed", nil},
		{"ckpt-mask-two", setMask(2), []string{"corrupt", "mask[7] = 2"}, "a mask of 2, checksums recomputed", nil},
		{"ckpt-mask-negative", setMask(-1), []string{"corrupt", "mask[7] = -1"}, "a mask of −1, checksums recomputed", nil},
		{"ckpt-dev-zero", nil, []string{"not a regular file"}, "a link to /dev/zero", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"ckpt-directory", nil, []string{"not a regular file"}, "a directory", func(p string) error { return os.Mkdir(p, 0o755) }},
		{"ckpt-missing", nil, []string{"no such file"}, "a checkpoint that does not exist", func(string) error { return nil }},
	}
	var cases []CLICase
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if f.special != nil {
			err = f.special(p)
		} else {
			err = os.WriteFile(p, f.b, 0o644)
		}
		if err != nil {
			return nil, err
		}
		cases = append(cases, CLICase{Name: f.name, Args: TrainArgs(base, "-resume", p, "-epochs", "2"), Err: append(f.err, p), What: f.what})
		if f.err == nil {
			cases[len(cases)-1].Err = nil
		}
	}
	valid := filepath.Join(dir, "ckpt-valid")
	return append(cases, CLICase{Name: "ckpt-conflicting-flags",
		Args: TrainArgs(base, "-resume", valid, "-epochs", "2", "-hidden", "99", "-layer", "mf", "-batch", "7", "-rho", "0.5", "-seed", "99", "-float", "32"),
		Err:  []string{"-resume " + valid, "-hidden", "-layer", "-batch", "-rho", "-seed", "-float"},
		What: "flags that ask for another network and other hyper-parameters than the checkpoint's"}), nil
}

// checkpoint returns the checkpoint of a new 784-5-10 BPI trainer with the
// settings of TrainArgs (batch 8, seed 2).
func checkpoint() ([]byte, error) {
	s := pasp.DefaultSettings(mpnet.BPI, 2, 10)
	s.BatchSize, s.Seed = 8, 2
	t, err := pasp.New(mpnet.Config{Widths: []int{side * side, 5, 10}, Kinds: mpnet.Kinds(mpnet.BPI, 2, 10)}, s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = t.Save(&buf)
	return buf.Bytes(), err
}

// netOffset returns where the network starts in checkpoint b: after the
// 8-byte magic and three sections, each a uint32 length and its bytes.
func netOffset(b []byte) int {
	p := 8
	for range 3 {
		p += 4 + int(binary.LittleEndian.Uint32(b[p:]))
	}
	return p
}

// fixSums recomputes the network's checksum (its last 4 bytes, before the
// checkpoint's) and the checkpoint's (the last 4 bytes) of b, in place.
func fixSums(b []byte, net int) []byte {
	end := len(b) - 4
	binary.LittleEndian.PutUint32(b[end-4:], crc32.ChecksumIEEE(b[net:end-4]))
	binary.LittleEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[:end]))
	return b
}
