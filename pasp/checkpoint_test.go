package pasp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// netStart returns the offset of the network in the checkpoint b (after the
// magic and the three length-prefixed sections).
func netStart(b []byte) int {
	p := len(ckptMagic)
	for range 3 {
		p += 4 + int(binary.LittleEndian.Uint32(b[p:]))
	}
	return p
}

// zeros is an endless stream of zero bytes.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

// TestLoadBoundedReads checks that streams which are not checkpoints fail
// after reading a bounded number of bytes, however long they are: endless
// zeros, /dev/zero, and a valid start followed by endless zeros.
func TestLoadBoundedReads(t *testing.T) {
	z := &zeros{}
	if _, err := Load(z); err == nil || !strings.Contains(err.Error(), "bad magic") {
		t.Errorf("endless zeros: %v, want a bad-magic error", err)
	}
	if z.n > 1<<16 {
		t.Errorf("endless zeros: %d bytes read before refusing", z.n)
	}
	good := tinyCheckpoint(t, nil)
	z = &zeros{}
	if _, err := Load(io.MultiReader(bytes.NewReader(good[:netStart(good)]), z)); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("sections then endless zeros: %v, want a corrupt-checkpoint error", err)
	}
	if z.n > 1<<16 {
		t.Errorf("sections then endless zeros: %d bytes read before refusing", z.n)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		start := time.Now()
		_, err := LoadFile("/dev/zero")
		if err == nil || !strings.Contains(err.Error(), "/dev/zero") || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("LoadFile(/dev/zero): %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("LoadFile(/dev/zero) took %v", d)
		}
	}
}

// TestLoadValidatesState checks that a checkpoint whose checksums are
// right but whose state no trainer can hold is refused, naming the field.
func TestLoadValidatesState(t *testing.T) {
	good := tinyCheckpoint(t, nil)
	if _, err := Load(bytes.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	// Widths 6-3-1: the network header has 44 bytes, then m, H, Hext and
	// the mask of layer 0, 18 values each.
	maskAt := netStart(good) + 44 + 3*18*8
	setMask := func(v float64) []byte {
		b := slices.Clone(good)
		if got := math.Float64frombits(binary.LittleEndian.Uint64(b[maskAt:])); got != 1 {
			t.Fatalf("mask[0] of layer 0 reads %v, want 1: layout changed", got)
		}
		binary.LittleEndian.PutUint64(b[maskAt+8*5:], math.Float64bits(v))
		return fixChecksums(b)
	}
	header := func(edit func(h *ckptHeader)) []byte {
		p := len(ckptMagic)
		n := int(binary.LittleEndian.Uint32(good[p:]))
		var h ckptHeader
		if err := json.Unmarshal(good[p+4:p+4+n], &h); err != nil {
			t.Fatal(err)
		}
		edit(&h)
		hb, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		b := append(slices.Clone(good[:p]), binary.LittleEndian.AppendUint32(nil, uint32(len(hb)))...)
		return fixChecksums(append(append(b, hb...), good[p+4+n:]...))
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"mask 0.5", setMask(0.5), "mask[5] = 0.5"},
		{"mask 2", setMask(2), "mask[5] = 2"},
		{"mask -1", setMask(-1), "mask[5] = -1"},
		{"mask NaN", setMask(math.NaN()), "non-finite"},
		{"negative r", header(func(h *ckptHeader) { h.R[1] = -0.5 }), "r[1] = -0.5"},
		{"r count", header(func(h *ckptHeader) { h.R = h.R[:1] }), "1 reinforcement values for 2 layers"},
		{"negative epoch", header(func(h *ckptHeader) { h.Stats.Epoch = -3 }), "negative counters (epoch -3"},
		{"bad settings", header(func(h *ckptHeader) { h.Settings.Psi = []float64{1.5} }), "Psi"},
		{"trailing byte", append(slices.Clone(good), 0), "data after the checksum"},
	} {
		_, err := Load(bytes.NewReader(c.b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// TestRemoveTemps checks that the temporary files of interrupted saves are
// removed at the next save, and nothing else.
func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	stale := []string{"run.ckpt.tmp123", "run.ckpt.tmp4294967295"}
	keep := []string{"run.ckpt.tmpl", "run.ckpt.tmp", "other.ckpt.tmp1", "run.ckpt.tmp12x"}
	for _, n := range append(slices.Clone(stale), keep...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := Load(bytes.NewReader(tinyCheckpoint(t, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := append([]string{"run.ckpt"}, keep...)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("after SaveFile: %v, want %v", names, want)
	}
	for _, p := range []string{"", ".", "..", dir + "/"} {
		if got, err := RemoveTemps(p); err == nil || got != nil {
			t.Errorf("RemoveTemps(%q): %v, %v; want an error", p, got, err)
		}
	}
	if got, err := RemoveTemps(filepath.Join(dir, "missing", "x.ckpt")); err == nil || got != nil {
		t.Errorf("RemoveTemps in a missing directory: %v, %v", got, err)
	}
}
