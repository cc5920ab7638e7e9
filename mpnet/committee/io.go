package committee

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
)

// The messages format, version 1, little-endian throughout:
//
//	magic       [8]byte  "FBPCMT\x00\x01" (the last two bytes are the version)
//	K, N, M     uint32
//	problem     uint32   CRC-32 of the problem's shape, patterns and labels
//	step        uint32   index of the next focusing step
//	sweeps      uint64   sweeps run so far
//	gamma, y    float64  the last (γ, y)
//	rng         [20]byte the PCG state (rand.PCG.MarshalBinary)
//	ux, mw      [K·N]float64
//	uw          [M·K·N]float64
//	ut1, mt1, uo [M·K]float64
//	mt2         [M]float64
//	crc         uint32   CRC-32 (IEEE) of every byte before it
//
// The settings are not stored: a restart passes the same Settings to New
// and then ReadFrom, and continues the protocol at the stored step with the
// stored random state, so that an interrupted and restarted run equals an
// uninterrupted one.
var msgMagic = [8]byte{'F', 'B', 'P', 'C', 'M', 'T', 0, 1}

const pcgStateLen = 20

// ErrFormat is wrapped by every error of ReadFrom about the stream's
// content (as opposed to an I/O error).
var ErrFormat = errors.New("committee: bad messages file")

// WriteTo writes the solver's state in the format above.
func (s *Solver) WriteTo(w io.Writer) (int64, error) {
	if err := s.ready(); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, errors.New("committee: WriteTo: nil writer")
	}
	cw := &crcWriter{w: w, crc: crc32.NewIEEE()}
	bw := bufio.NewWriter(cw)
	put := func(v any) { binary.Write(bw, binary.LittleEndian, v) }
	bw.Write(msgMagic[:])
	put([]uint32{uint32(s.K), uint32(s.N), uint32(s.M), s.fingerPnt, uint32(s.step)})
	put(uint64(s.sweeps))
	put([]float64{s.cur.Gamma, s.cur.Y})
	state, err := s.pcg.MarshalBinary()
	if err != nil || len(state) != pcgStateLen {
		return 0, fmt.Errorf("committee: writing messages: random state: %v (%d bytes)", err, len(state))
	}
	bw.Write(state)
	m := s.msg
	for _, v := range [][]float64{m.ux, m.mw, m.uw, m.ut1, m.mt1, m.uo, m.mt2} {
		put(v)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("committee: writing messages: %w", err)
	}
	if err := binary.Write(w, binary.LittleEndian, cw.crc.Sum32()); err != nil {
		return cw.n, fmt.Errorf("committee: writing messages: %w", err)
	}
	return cw.n + 4, nil
}

type crcWriter struct {
	w   io.Writer
	n   int64
	crc hash.Hash32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc.Write(p[:n])
	return n, err
}

// ReadFrom replaces the solver's state with one written by WriteTo for the
// same problem. A wrong magic or version, another problem (shape or
// patterns), a step beyond the protocol, a NaN or misplaced infinite
// message, a truncated stream or a checksum mismatch is an error wrapping
// ErrFormat (or the I/O error), and leaves the solver unchanged. It reads
// no more than the solver's own size plus the header.
func (s *Solver) ReadFrom(r io.Reader) (int64, error) {
	if err := s.ready(); err != nil {
		return 0, err
	}
	if r == nil {
		return 0, errors.New("committee: ReadFrom: nil reader")
	}
	cr := &crcReader{r: bufio.NewReader(r), crc: crc32.NewIEEE()}
	st, m, err := s.readState(cr)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: truncated", ErrFormat)
		}
		return cr.n, err
	}
	sum := cr.crc.Sum32()
	var stored uint32
	if err := binary.Read(cr.r, binary.LittleEndian, &stored); err != nil {
		return cr.n, fmt.Errorf("%w: truncated in checksum", ErrFormat)
	}
	if stored != sum {
		return cr.n + 4, fmt.Errorf("%w: checksum mismatch (stored %08x, computed %08x)", ErrFormat, stored, sum)
	}
	if err := s.pcg.UnmarshalBinary(st.rng); err != nil {
		return cr.n + 4, fmt.Errorf("%w: random state: %v", ErrFormat, err)
	}
	s.msg, s.step, s.sweeps, s.cur = m, st.step, st.sweeps, st.cur
	return cr.n + 4, nil
}

type savedHeader struct {
	step, sweeps int
	cur          Step
	rng          []byte
}

// readState reads and checks everything before the checksum.
func (s *Solver) readState(r io.Reader) (*savedHeader, *messages, error) {
	get := func(v any) error { return binary.Read(r, binary.LittleEndian, v) }
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, nil, err
	}
	if string(magic[:6]) != string(msgMagic[:6]) {
		return nil, nil, fmt.Errorf("%w: not a committee messages file (bad magic)", ErrFormat)
	}
	if magic[6] != msgMagic[6] || magic[7] != msgMagic[7] {
		return nil, nil, fmt.Errorf("%w: unsupported version %d", ErrFormat, int(magic[6])<<8|int(magic[7]))
	}
	var hdr [5]uint32
	var sweeps uint64
	var gy [2]float64
	st := &savedHeader{rng: make([]byte, pcgStateLen)}
	for _, v := range []any{&hdr, &sweeps, &gy, st.rng} {
		if err := get(v); err != nil {
			return nil, nil, err
		}
	}
	if int(hdr[0]) != s.K || int(hdr[1]) != s.N || int(hdr[2]) != s.M || hdr[3] != s.fingerPnt {
		return nil, nil, fmt.Errorf("%w: written for another problem (K, N, M = %d, %d, %d, patterns %08x; want %d, %d, %d, %08x)",
			ErrFormat, hdr[0], hdr[1], hdr[2], hdr[3], s.K, s.N, s.M, s.fingerPnt)
	}
	if int(hdr[4]) > len(s.r.sched) || sweeps > math.MaxInt32 {
		return nil, nil, fmt.Errorf("%w: step %d of a %d-step protocol, %d sweeps", ErrFormat, hdr[4], len(s.r.sched), sweeps)
	}
	st.step, st.sweeps, st.cur = int(hdr[4]), int(sweeps), Step{gy[0], gy[1]}
	m := newMessages(s.M, s.N, s.K)
	for _, v := range [][]float64{m.ux, m.mw, m.uw, m.ut1, m.mt1, m.uo, m.mt2} {
		if err := get(v); err != nil {
			return nil, nil, err
		}
	}
	return st, m, s.checkMessages(m)
}

// checkMessages rejects NaN anywhere, infinite node messages, and outputs
// that are not the labels.
func (s *Solver) checkMessages(m *messages) error {
	for name, v := range map[string][]float64{"ux": m.ux, "mw": m.mw, "mt1": m.mt1} {
		for j, x := range v {
			if math.IsNaN(x) {
				return fmt.Errorf("%w: %s[%d] is NaN", ErrFormat, name, j)
			}
		}
	}
	for name, v := range map[string][]float64{"uw": m.uw, "ut1": m.ut1, "uo": m.uo} {
		for j, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%w: %s[%d] = %v, want a finite field", ErrFormat, name, j, x)
			}
		}
	}
	for a, x := range m.mt2 {
		if x != math.Inf(s.p.Set.Y[a]) {
			return fmt.Errorf("%w: mt2[%d] = %v, want the label as an infinite field", ErrFormat, a, x)
		}
	}
	return nil
}

type crcReader struct {
	r   *bufio.Reader
	n   int64
	crc hash.Hash32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.crc.Write(p[:n])
	return n, err
}

// SaveFile writes the solver's state to the file path (see WriteTo),
// through a temporary file renamed into place.
func (s *Solver) SaveFile(path string) error {
	if err := s.ready(); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("committee: %w", err)
	}
	if _, err := s.WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("committee: %w", err)
	}
	return os.Rename(tmp, path)
}

// LoadFile reads the solver's state from the file path (see ReadFrom).
func (s *Solver) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("committee: %w", err)
	}
	defer f.Close()
	_, err = s.ReadFrom(f)
	return err
}
