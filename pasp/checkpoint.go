package pasp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"

	"github.com/fbpgo/fbp/mpnet"
)

// The checkpoint format, version 1, little-endian:
//
//	magic     [8]byte  "FBPCKPT\x01"
//	hdrLen    uint32   length of the JSON header (≤ 1 MiB)
//	header    JSON     settings (without the recorder), counters, schedule state
//	rngLen    uint32   length of the random source state (≤ 1 KiB)
//	rng       bytes    math/rand/v2 PCG state (MarshalBinary)
//	ordLen    uint32   length of the epoch-order source state (≤ 1 KiB)
//	order     bytes    its PCG state
//	network   bytes    the network, mpnet format (with its own checksum)
//	crc       uint32   CRC-32 (IEEE) of every byte before it
//
// A checkpoint written at the end of an epoch holds everything a run needs to
// continue exactly as if it had not stopped.
var ckptMagic = [8]byte{'F', 'B', 'P', 'C', 'K', 'P', 'T', 1}

type ckptHeader struct {
	Settings Settings  `json:"settings"`
	Stats    Stats     `json:"stats"`
	R        []float64 `json:"r"`
	Calls    int       `json:"calls"`
}

// Save writes the trainer's complete state to w. A network holding a NaN
// or ±Inf is refused with a *mpnet.NonFiniteError (Load would refuse it).
func (t *Trainer) Save(w io.Writer) error {
	if err := t.ready(); err != nil {
		return err
	}
	if w == nil {
		return errors.New("pasp: Save: nil writer")
	}
	if err := t.net.CheckFinite(); err != nil {
		return errors.Wrap(err, "pasp: not checkpointing a non-finite network")
	}
	var buf bytes.Buffer
	buf.Write(ckptMagic[:])
	s := t.s
	s.Recorder = nil
	hdr, err := json.Marshal(ckptHeader{Settings: s, Stats: t.prog.Stats, R: t.r, Calls: t.calls})
	if err != nil {
		return errors.Wrap(err, "pasp: checkpoint header")
	}
	binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	buf.Write(hdr)
	rng, err := t.src.MarshalBinary()
	if err != nil {
		return errors.Wrap(err, "pasp: checkpoint random state")
	}
	binary.Write(&buf, binary.LittleEndian, uint32(len(rng)))
	buf.Write(rng)
	ord, err := t.prog.Order.MarshalBinary()
	if err != nil {
		return errors.Wrap(err, "pasp: checkpoint random state")
	}
	binary.Write(&buf, binary.LittleEndian, uint32(len(ord)))
	buf.Write(ord)
	if _, err := t.net.WriteTo(&buf); err != nil {
		return err
	}
	binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()))
	_, err = w.Write(buf.Bytes())
	return errors.Wrap(err, "pasp: writing checkpoint")
}

// SaveFile writes the checkpoint to path atomically: to a temporary file in
// the same directory (path.tmpNNN), synced, then renamed over path.
// Temporary files that an earlier save to path left behind (a process
// killed between their creation and the rename) are removed first.
func (t *Trainer) SaveFile(path string) (err error) {
	if _, err := RemoveTemps(path); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return errors.Wrap(err, "pasp: checkpoint")
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = t.Save(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return errors.Wrap(err, "pasp: checkpoint")
	}
	if err = f.Close(); err != nil {
		return errors.Wrap(err, "pasp: checkpoint")
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return errors.Wrap(err, "pasp: checkpoint")
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Load reads a checkpoint written by Save and returns the trainer, ready to
// continue; its Recorder is nil. It reads the stream section by section,
// each within its stated bound, so that a stream that is not a checkpoint
// fails at its first bytes and a lying length costs at most the bytes
// present; the whole checksum is verified before anything is used, and the
// state is validated (finite values, masks of 0 or 1, shapes and settings
// that agree) before the trainer is returned.
func Load(r io.Reader) (*Trainer, error) {
	if r == nil {
		return nil, errors.New("pasp: Load: nil reader")
	}
	c, err := readCheckpoint(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	var hdr ckptHeader
	if err := json.Unmarshal(c.hdr, &hdr); err != nil {
		return nil, corrupt("header: %v", err)
	}
	if err := hdr.validate(c.net.L()); err != nil {
		return nil, err
	}
	rv, err := hdr.Settings.resolveFor(c.net.Config())
	if err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint settings")
	}
	if err := setFocus(c.net, rv, hdr.Settings.FocusPrior); err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint settings")
	}
	t := &Trainer{net: c.net, s: hdr.Settings, rv: rv, r: hdr.R, calls: hdr.Calls}
	t.prog.Stats = hdr.Stats
	t.src = new(randPCG)
	if err := t.src.UnmarshalBinary(c.rng); err != nil {
		return nil, corrupt("random state: %v", err)
	}
	t.rng = newRand(t.src)
	t.prog.Order = new(randPCG)
	if err := t.prog.Order.UnmarshalBinary(c.ord); err != nil {
		return nil, corrupt("epoch-order state: %v", err)
	}
	return t, nil
}

// corrupt returns a corrupt-checkpoint error.
func corrupt(format string, args ...any) error {
	return errors.Errorf("pasp: corrupt checkpoint: "+format, args...)
}

// ckptSections are the sections of a checkpoint whose checksum matched.
type ckptSections struct {
	hdr, rng, ord []byte
	net           *mpnet.Network
}

// readCheckpoint reads the sections of a checkpoint from r, checks the
// magic and version first and the checksum last, and refuses bytes after
// the checksum.
func readCheckpoint(r *bufio.Reader) (*ckptSections, error) {
	crc := crc32.NewIEEE()
	tr := io.TeeReader(r, crc)
	var magic [8]byte
	if n, err := io.ReadFull(tr, magic[:]); err != nil {
		return nil, corrupt("only %d bytes", n)
	}
	if !bytes.Equal(magic[:7], ckptMagic[:7]) {
		return nil, corrupt("not an fbp checkpoint (bad magic)")
	}
	if magic[7] != ckptMagic[7] {
		return nil, errors.Errorf("pasp: checkpoint format version %d is not supported (want %d)", magic[7], ckptMagic[7])
	}
	next := func(what string, limit uint32) ([]byte, error) {
		var n uint32
		if err := binary.Read(tr, binary.LittleEndian, &n); err != nil {
			return nil, corrupt("truncated before the %s", what)
		}
		if n > limit {
			return nil, corrupt("%s section of %d bytes, more than the limit of %d", what, n, limit)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(tr, b); err != nil {
			return nil, corrupt("truncated in the %s", what)
		}
		return b, nil
	}
	var c ckptSections
	var err error
	if c.hdr, err = next("header", 1<<20); err != nil {
		return nil, err
	}
	if c.rng, err = next("random state", 1<<10); err != nil {
		return nil, err
	}
	if c.ord, err = next("epoch-order state", 1<<10); err != nil {
		return nil, err
	}
	if c.net, err = mpnet.ReadNetwork(tr); err != nil {
		return nil, corrupt("network: %v", err)
	}
	sum := crc.Sum32()
	var stored uint32
	if err := binary.Read(r, binary.LittleEndian, &stored); err != nil {
		return nil, corrupt("truncated in the checksum")
	}
	if stored != sum {
		return nil, corrupt("checksum mismatch")
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, corrupt("data after the checksum")
	}
	return &c, nil
}

// validate checks the counters and the reinforcement state of a
// checkpoint header for an L-layer network.
func (h *ckptHeader) validate(L int) error {
	st := &h.Stats
	switch {
	case st.Epoch < 0 || st.Step < 0 || st.StepsPerEpoch < 0 || st.Steps < 0 || st.Sweeps < 0 || st.Runtime < 0 || h.Calls < 0:
		return corrupt("negative counters (epoch %d, steps %d, sweeps %d, calls %d)", st.Epoch, st.Steps, st.Sweeps, h.Calls)
	case len(h.R) != L:
		return corrupt("%d reinforcement values for %d layers", len(h.R), L)
	}
	for l, r := range h.R {
		if !(r >= 0) || math.IsInf(r, 0) {
			return corrupt("field r[%d] = %v: want a finite value ≥ 0", l, r)
		}
	}
	return nil
}

// RemoveTemps removes the temporary files of interrupted saves to path
// (path.tmp followed by the digits os.CreateTemp puts there) and returns
// their names. Other files are left alone.
func RemoveTemps(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if base == "" || base == "." || base == ".." {
		return nil, errors.Errorf("pasp: checkpoint %q: not a file name", path)
	}
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, errors.Wrapf(err, "pasp: checkpoint %s", path)
	}
	var removed []string
	for _, e := range ents {
		digits, ok := strings.CutPrefix(e.Name(), base+".tmp")
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil {
			return removed, errors.Wrapf(err, "pasp: removing the leftover temporary file of checkpoint %s", path)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// LoadFile reads a checkpoint from path, which must be a regular file.
func LoadFile(path string) (*Trainer, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint")
	} else if !st.Mode().IsRegular() {
		return nil, errors.Errorf("pasp: checkpoint %s is not a regular file (%v)", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint")
	}
	defer f.Close()
	t, err := Load(f)
	if err != nil {
		return nil, errors.Wrapf(err, "%s", path)
	}
	return t, nil
}
