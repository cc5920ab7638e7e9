package pasp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

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
// the same directory, synced, then renamed over path.
func (t *Trainer) SaveFile(path string) (err error) {
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
// continue; its Recorder is nil.
func Load(r io.Reader) (*Trainer, error) {
	if r == nil {
		return nil, errors.New("pasp: Load: nil reader")
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<36))
	if err != nil {
		return nil, errors.Wrap(err, "pasp: reading checkpoint")
	}
	bad := func(format string, args ...any) (*Trainer, error) {
		return nil, errors.Errorf("pasp: corrupt checkpoint: "+format, args...)
	}
	if len(b) < len(ckptMagic)+12 {
		return bad("only %d bytes", len(b))
	}
	if !bytes.Equal(b[:7], ckptMagic[:7]) {
		return bad("not an fbp checkpoint (bad magic)")
	}
	if b[7] != ckptMagic[7] {
		return nil, errors.Errorf("pasp: checkpoint format version %d is not supported (want %d)", b[7], ckptMagic[7])
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("checksum mismatch")
	}
	p := body[8:]
	next := func(limit int) ([]byte, error) {
		if len(p) < 4 {
			return nil, errors.New("pasp: corrupt checkpoint: truncated")
		}
		n := int(binary.LittleEndian.Uint32(p))
		if n > limit || n > len(p)-4 {
			return nil, errors.Errorf("pasp: corrupt checkpoint: section of %d bytes", n)
		}
		s := p[4 : 4+n]
		p = p[4+n:]
		return s, nil
	}
	hdrBytes, err := next(1 << 20)
	if err != nil {
		return nil, err
	}
	var hdr ckptHeader
	if err := json.Unmarshal(hdrBytes, &hdr); err != nil {
		return bad("header: %v", err)
	}
	rngBytes, err := next(1 << 10)
	if err != nil {
		return nil, err
	}
	ordBytes, err := next(1 << 10)
	if err != nil {
		return nil, err
	}
	net, err := mpnet.ReadNetwork(bytes.NewReader(p))
	if err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint")
	}
	rv, err := hdr.Settings.resolveFor(net.Config())
	if err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint settings")
	}
	if len(hdr.R) != net.L() {
		return bad("%d reinforcement values for %d layers", len(hdr.R), net.L())
	}
	if err := setFocus(net, rv, hdr.Settings.FocusPrior); err != nil {
		return nil, errors.Wrap(err, "pasp: checkpoint settings")
	}
	t := &Trainer{net: net, s: hdr.Settings, rv: rv, r: hdr.R, calls: hdr.Calls}
	t.prog.Stats = hdr.Stats
	t.src = new(randPCG)
	if err := t.src.UnmarshalBinary(rngBytes); err != nil {
		return bad("random state: %v", err)
	}
	t.rng = newRand(t.src)
	t.prog.Order = new(randPCG)
	if err := t.prog.Order.UnmarshalBinary(ordBytes); err != nil {
		return bad("epoch-order state: %v", err)
	}
	return t, nil
}

// LoadFile reads a checkpoint from path.
func LoadFile(path string) (*Trainer, error) {
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
