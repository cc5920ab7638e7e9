package pasp

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/fbpgo/fbp/internal/testutil"
	"github.com/fbpgo/fbp/mpnet"
)

// tinyCheckpoint returns the checkpoint of a freshly built 6-3-1 MF trainer.
func tinyCheckpoint(tb testing.TB, s *Settings) []byte {
	tb.Helper()
	t, err := New(mpnet.Config{Widths: []int{6, 3, 1}, Kinds: mpnet.Kinds(mpnet.MF, 2, 2)}, s)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := t.Save(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fixChecksums returns a copy of b with the network's checksum and the
// checkpoint's checksum recomputed, assuming the layout of Save (magic,
// two length-prefixed sections, the network, the checksum) and a network
// that ends right before the checkpoint's checksum; nil if the sections do
// not fit in b. Mutated inputs then reach the code behind both checksums.
func fixChecksums(b []byte) []byte {
	if len(b) < len(ckptMagic)+4 {
		return nil
	}
	c := append([]byte(nil), b...)
	end := len(c) - 4
	p := len(ckptMagic)
	for range 3 { // header, random state, epoch-order state
		if end-p < 4 {
			return nil
		}
		n := int(binary.LittleEndian.Uint32(c[p:]))
		if n > end-p-4 {
			return nil
		}
		p += 4 + n
	}
	if net := c[p:end]; len(net) >= 4 {
		binary.LittleEndian.PutUint32(net[len(net)-4:], crc32.ChecksumIEEE(net[:len(net)-4]))
	}
	binary.LittleEndian.PutUint32(c[end:], crc32.ChecksumIEEE(c[:end]))
	return c
}

// checkLoad loads b and checks that Load returns quickly, allocates in
// proportion to len(b), and returns an error or a trainer whose network
// and settings are valid and which saves, loads and saves again to the same
// bytes.
func checkLoad(t *testing.T, b []byte) {
	t.Helper()
	start, a0 := time.Now(), testutil.AllocBytes()
	tr, err := Load(bytes.NewReader(b))
	if d, a := time.Since(start), testutil.AllocBytes()-a0; d > 2*time.Second || a > 64*uint64(len(b))+4<<20 {
		t.Fatalf("Load of %d bytes took %v and allocated %d bytes", len(b), d, a)
	}
	if err != nil {
		if tr != nil {
			t.Fatalf("Load returned a trainer and the error %v", err)
		}
		return
	}
	cfg := tr.Network().Config()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("loaded network has an invalid config: %v", err)
	}
	s := tr.Settings()
	if err := s.Validate(cfg.L()); err != nil {
		t.Fatalf("loaded settings are invalid: %v", err)
	}
	if s.Recorder != nil {
		t.Fatal("loaded trainer has a recorder")
	}
	var b1, b2 bytes.Buffer
	if err := tr.Save(&b1); err != nil {
		t.Fatal(err)
	}
	again, err := Load(bytes.NewReader(b1.Bytes()))
	if err != nil {
		t.Fatalf("loading a saved checkpoint: %v", err)
	}
	if err := again.Save(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("Save(Load(Save(t))) differs from Save(t)")
	}
}

// TestLoadLyingSections checks that checkpoints whose section lengths or
// network header announce far more data than they hold fail fast.
func TestLoadLyingSections(t *testing.T) {
	good := tinyCheckpoint(t, nil)
	hdrLen := int(binary.LittleEndian.Uint32(good[8:]))
	ordAt := 8 + 4 + hdrLen + 4 + int(binary.LittleEndian.Uint32(good[12+hdrLen:]))
	netAt := ordAt + 4 + int(binary.LittleEndian.Uint32(good[ordAt:]))
	outerCRC := func(c []byte) []byte {
		binary.LittleEndian.PutUint32(c[len(c)-4:], crc32.ChecksumIEEE(c[:len(c)-4]))
		return c
	}
	for _, tc := range []struct {
		name   string
		mutate func(c []byte) []byte
		want   string // in the error
	}{
		{"header length 4 GiB", func(c []byte) []byte {
			binary.LittleEndian.PutUint32(c[8:], 0xffffffff)
			return outerCRC(c)
		}, "section"},
		{"rng length 4 GiB", func(c []byte) []byte {
			binary.LittleEndian.PutUint32(c[12+hdrLen:], 0xffffffff)
			return outerCRC(c)
		}, "section"},
		{"network of 15·2^24 weights", func(c []byte) []byte {
			// widths[0] = 2^24, widths[1] = 15 in the network header (magic
			// 8, dtype 1, flags 1, L 4 bytes, then the widths).
			binary.LittleEndian.PutUint32(c[netAt+14:], 1<<24)
			binary.LittleEndian.PutUint32(c[netAt+18:], 15)
			return fixChecksums(c)
		}, "truncated in weights"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.mutate(append([]byte(nil), good...))
			checkLoad(t, c)
			if _, err := Load(bytes.NewReader(c)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Load(bytes.NewReader(fixChecksums(good))); err != nil {
		t.Errorf("fixChecksums broke a good checkpoint: %v", err)
	}
}

// FuzzLoadCheckpoint checks that Load never panics or hangs, allocates in
// proportion to its input, and returns an error or a valid trainer that
// round-trips. Every input is tried as given and with both checksums
// recomputed.
func FuzzLoadCheckpoint(f *testing.F) {
	f.Add(tinyCheckpoint(f, &Settings{Rho: []float64{1.0001, 0.9}, Psi: []float64{0.8}, EpsInit: 1, BatchSize: 4, Seed: 7}))
	f.Add(tinyCheckpoint(f, &Settings{R: []float64{0.1, 0.2}, RStep: 0.01, TauMax: 3, Epochs: 2, TrainEval: 5}))
	small := tinyCheckpoint(f, nil)
	f.Add(small[:len(small)/2])
	f.Add(small[:20])
	f.Fuzz(func(t *testing.T, b []byte) {
		checkLoad(t, b)
		if c := fixChecksums(b); c != nil {
			checkLoad(t, c)
		}
	})
}
