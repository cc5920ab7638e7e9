package mpnet

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pkg/errors"
	"gorgonia.org/tensor"
)

// The network format, versions 1 and 2, little-endian throughout:
//
//	magic    [8]byte  "FBPNET\x00\x01" (version 1) or "FBPNET\x00\x02" (version 2)
//	dtype    uint8    0 = float64, 1 = float32
//	flags    uint8    bit 0: AMPUnmaskedSigma
//	L        uint32   number of weight layers (1 ≤ L ≤ 64)
//	widths   [L+1]uint32
//	kinds    [L]uint8
//	density  [L]float64
//	per layer, K·N float64 each: m, H, Hext, mask,
//	          then the extra state of its rule (version 2 only):
//	          Ω, Ωext for a CBPI layer
//	crc      uint32   CRC-32 (IEEE) of every byte before it
//
// WriteTo writes version 1 unless a layer's rule has extra state (a CBPI
// layer, kind 5), so networks without it are stored as before; ReadNetwork
// reads both. σ is not stored: it is (1 − m²)·mask, or mask/Ω for CBPI.
// Batch-sized messages are not stored: every mini-batch resets them. Values
// are stored as float64, so a float32 network round-trips exactly.
var netMagic = [8]byte{'F', 'B', 'P', 'N', 'E', 'T', 0, 1}

// WriteTo writes the network in the format above.
func (net *Network) WriteTo(w io.Writer) (int64, error) {
	if err := net.ready(); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, errors.New("mpnet: WriteTo: nil writer")
	}
	cw := &countWriter{w: w, crc: crc32.NewIEEE()}
	bw := bufio.NewWriter(cw)
	put := func(v any) { binary.Write(bw, binary.LittleEndian, v) }
	magic := netMagic
	for _, ly := range net.layers {
		if len(ly.rule.extra()) > 0 {
			magic[7] = 2
		}
	}
	bw.Write(magic[:])
	var dt, flags uint8
	if net.dt == tensor.Float32 {
		dt = 1
	}
	if net.cfg.AMPUnmaskedSigma {
		flags = 1
	}
	put(dt)
	put(flags)
	put(uint32(net.L()))
	for _, w := range net.cfg.Widths {
		put(uint32(w))
	}
	for _, ly := range net.layers {
		put(uint8(ly.kind))
	}
	for l := range net.layers {
		put(net.cfg.density(l))
	}
	for _, ly := range net.layers {
		put(ly.full(ly.m))
		put(ly.full(ly.h))
		put(ly.full(ly.hext))
		put(ly.fullMask())
		for _, t := range ly.rule.extra() {
			put(ly.full(*t))
		}
	}
	if err := bw.Flush(); err != nil {
		return cw.n, errors.Wrap(err, "mpnet: writing network")
	}
	if err := binary.Write(w, binary.LittleEndian, cw.crc.Sum32()); err != nil {
		return cw.n, errors.Wrap(err, "mpnet: writing network")
	}
	return cw.n + 4, nil
}

type countWriter struct {
	w   io.Writer
	n   int64
	crc hash.Hash32
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc.Write(p[:n])
	return n, err
}

// ReadNetwork reads a network written by WriteTo. A wrong magic, an
// unsupported version, an implausible header, a truncated stream or a
// checksum mismatch is an error. Nothing is allocated before the sizes
// have been checked, and memory for the weights grows only as their bytes
// arrive.
func ReadNetwork(r io.Reader) (*Network, error) {
	if r == nil {
		return nil, errors.New("mpnet: ReadNetwork: nil reader")
	}
	crc := crc32.NewIEEE()
	br := bufio.NewReader(r)
	tr := io.TeeReader(br, crc)
	cfg, version, err := readHeader(tr)
	if err != nil {
		return nil, err
	}
	n, err := storedValues(&cfg, version)
	if err != nil {
		return nil, err
	}
	// Read the stored state before allocating anything of its size, in
	// steps that grow only as bytes arrive, so that a header announcing more
	// weights than the stream holds fails as truncated at a cost of about
	// twice the bytes present (a 44-byte header used to allocate gigabytes).
	state, err := readGrowing(tr, 8*n)
	if err != nil {
		return nil, readErr(err, "weights")
	}
	net, err := New(cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	sr := bytes.NewReader(state)
	for l, ly := range net.layers {
		if err := net.readLayer(sr, l, ly); err != nil {
			return nil, err
		}
	}
	sum := crc.Sum32()
	var stored uint32
	if err := binary.Read(br, binary.LittleEndian, &stored); err != nil {
		return nil, readErr(err, "checksum")
	}
	if stored != sum {
		return nil, errors.Errorf("mpnet: reading network: checksum mismatch (stored %08x, computed %08x)", stored, sum)
	}
	return net, nil
}

// readErr describes a failed read of the part what of a network.
func readErr(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.Errorf("mpnet: reading network: truncated in %s", what)
	}
	return errors.Wrapf(err, "mpnet: reading network: %s", what)
}

// readHeader reads the header of the network format, from the magic to the
// densities, and returns the valid configuration it describes and the
// format version.
func readHeader(r io.Reader) (Config, int, error) {
	get := func(v any) error { return binary.Read(r, binary.LittleEndian, v) }
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return Config{}, 0, readErr(err, "magic")
	}
	if string(magic[:6]) != string(netMagic[:6]) {
		return Config{}, 0, errors.New("mpnet: reading network: not an fbp network (bad magic)")
	}
	version := int(magic[6])<<8 | int(magic[7])
	if version != 1 && version != 2 {
		return Config{}, 0, errors.Errorf("mpnet: reading network: unsupported format version %d", version)
	}
	var dt, flags uint8
	var L uint32
	for _, v := range []any{&dt, &flags, &L} {
		if err := get(v); err != nil {
			return Config{}, 0, readErr(err, "header")
		}
	}
	if L < 1 || L > 64 || dt > 1 {
		return Config{}, 0, errors.Errorf("mpnet: reading network: implausible header (L = %d, dtype %d)", L, dt)
	}
	widths := make([]uint32, L+1)
	ks := make([]uint8, L)
	density := make([]float64, L)
	for _, v := range []any{widths, ks, density} {
		if err := get(v); err != nil {
			return Config{}, 0, readErr(err, "header")
		}
	}
	cfg := Config{Dtype: tensor.Float64, AMPUnmaskedSigma: flags&1 != 0, Density: density}
	if dt == 1 {
		cfg.Dtype = tensor.Float32
	}
	for _, w := range widths {
		cfg.Widths = append(cfg.Widths, int(w))
	}
	for _, k := range ks {
		cfg.Kinds = append(cfg.Kinds, Kind(k))
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, 0, errors.Wrap(err, "mpnet: reading network: invalid header")
	}
	return cfg, version, nil
}

// storedValues returns the number of float64 values stored for a network
// with the valid configuration cfg in a file of the given version: K·N for
// each of m, H, Hext, the mask and the tensors of the rule's extra state,
// for every layer. A rule with extra state needs version 2.
func storedValues(cfg *Config, version int) (int, error) {
	weights, n := 0, 0
	for l, k := range cfg.Kinds {
		kn := cfg.Widths[l+1] * cfg.Widths[l]
		extra := len(k.info().newRule(cfg).extra())
		if extra > 0 && version < 2 {
			return 0, errors.Errorf("mpnet: reading network: a %v layer in a version 1 file", k)
		}
		weights += kn
		n += (4 + extra) * kn
	}
	if weights > MaxLayerWeights {
		return 0, errors.Errorf("mpnet: reading network: %d weights in all, more than the limit of %d", weights, MaxLayerWeights)
	}
	return n, nil
}

// readLayer reads the stored state of layer l from r into ly: m, H, Hext
// and the mask, then the extra state of its rule, which sets σ. A value must
// be finite in the network's float type, and pass the rule's validate (a
// binary mean m within [−1, 1], or σ = (1 − m²)·mask is not).
func (net *Network) readLayer(r io.Reader, l int, ly *layer) error {
	stored := make([][]float64, 4+len(ly.rule.extra()))
	for j := range stored {
		v := make([]float64, ly.K*ly.N)
		if err := binary.Read(r, binary.LittleEndian, v); err != nil {
			return readErr(err, "weights")
		}
		bad := -1
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || (net.dt == tensor.Float32 && math.IsInf(float64(float32(x)), 0)) {
				bad = i
				break
			}
		}
		// The first offending value decides, non-finite before refused.
		i, err := ly.rule.validate(j, v, stored[:j])
		if bad >= 0 && (i < 0 || bad <= i) {
			return &NonFiniteError{Layer: l, Field: "stored state", Index: bad}
		}
		if err != nil {
			return errors.Wrapf(err, "mpnet: reading network: layer %d", l)
		}
		stored[j] = v
	}
	ly.setMask(net.dt, stored[3], net.cfg.density(l) < 1 && net.sparseStorage(ly))
	ly.setFull(ly.m, stored[0])
	ly.setFull(ly.h, stored[1])
	ly.setFull(ly.hext, stored[2])
	ly.rule.restore(ly, stored)
	return nil
}

// readGrowing reads exactly n bytes from r. Its buffer starts at 1 MiB at
// most and at most doubles per step, so it stays within twice the bytes
// actually read plus 1 MiB however large n is.
func readGrowing(r io.Reader, n int) ([]byte, error) {
	const chunk = 1 << 20
	buf := make([]byte, 0, min(n, chunk))
	for len(buf) < n {
		k := min(n-len(buf), max(len(buf), chunk))
		buf = slices.Grow(buf, k)
		if _, err := io.ReadFull(r, buf[len(buf):len(buf)+k]); err != nil {
			return nil, err
		}
		buf = buf[:len(buf)+k]
	}
	return buf, nil
}
