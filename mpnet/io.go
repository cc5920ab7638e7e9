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

	"github.com/fbpgo/fbp/ops"
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
//	          then, for a CBPI layer (version 2 only): Ω, Ωext
//	crc      uint32   CRC-32 (IEEE) of every byte before it
//
// WriteTo writes version 1 unless the network has a CBPI layer (kind 5),
// so networks without Gaussian weights are stored as before; ReadNetwork
// reads both. σ is not stored: it is (1 − m²)·mask, or mask/Ω for CBPI. Batch-sized messages are not stored:
// every mini-batch resets them. Values are stored as float64, so a float32
// network round-trips exactly.
var netMagic = [8]byte{'F', 'B', 'P', 'N', 'E', 'T', 0, 1}

// WriteTo writes the network in the format above.
func (net *Network) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w, crc: crc32.NewIEEE()}
	bw := bufio.NewWriter(cw)
	put := func(v any) { binary.Write(bw, binary.LittleEndian, v) }
	magic := netMagic
	if net.hasGaussian() {
		magic[7] = 2
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
		if ly.omega != nil {
			put(ly.full(ly.omega))
			put(ly.full(ly.omegaExt))
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
	crc := crc32.NewIEEE()
	br := bufio.NewReader(r)
	tr := io.TeeReader(br, crc)
	fail := func(err error, what string) (*Network, error) {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errors.Errorf("mpnet: reading network: truncated in %s", what)
		}
		return nil, errors.Wrapf(err, "mpnet: reading network: %s", what)
	}
	get := func(v any) error { return binary.Read(tr, binary.LittleEndian, v) }
	var magic [8]byte
	if _, err := io.ReadFull(tr, magic[:]); err != nil {
		return fail(err, "magic")
	}
	if string(magic[:6]) != string(netMagic[:6]) {
		return nil, errors.New("mpnet: reading network: not an fbp network (bad magic)")
	}
	version := int(magic[6])<<8 | int(magic[7])
	if version != 1 && version != 2 {
		return nil, errors.Errorf("mpnet: reading network: unsupported format version %d", int(magic[6])<<8|int(magic[7]))
	}
	var dt, flags uint8
	var L uint32
	if err := get(&dt); err != nil {
		return fail(err, "header")
	}
	if err := get(&flags); err != nil {
		return fail(err, "header")
	}
	if err := get(&L); err != nil {
		return fail(err, "header")
	}
	if L < 1 || L > 64 || dt > 1 {
		return nil, errors.Errorf("mpnet: reading network: implausible header (L = %d, dtype %d)", L, dt)
	}
	widths := make([]uint32, L+1)
	kinds := make([]uint8, L)
	density := make([]float64, L)
	for _, v := range []any{widths, kinds, density} {
		if err := get(v); err != nil {
			return fail(err, "header")
		}
	}
	cfg := Config{Dtype: tensor.Float64, AMPUnmaskedSigma: flags&1 != 0, Density: density}
	if dt == 1 {
		cfg.Dtype = tensor.Float32
	}
	total, gauss := 0, 0 // weights, and weights of CBPI layers
	for l := range widths {
		cfg.Widths = append(cfg.Widths, int(widths[l]))
		if l > 0 {
			total += int(widths[l]) * int(widths[l-1])
			if Kind(kinds[l-1]) == CBPI {
				gauss += int(widths[l]) * int(widths[l-1])
			}
		}
	}
	for _, k := range kinds {
		cfg.Kinds = append(cfg.Kinds, Kind(k))
	}
	if err := cfg.Validate(); err != nil {
		return nil, errors.Wrap(err, "mpnet: reading network: invalid header")
	}
	if gauss > 0 && version < 2 {
		return nil, errors.New("mpnet: reading network: a cbpi layer in a version 1 file")
	}
	if total > MaxLayerWeights {
		return nil, errors.Errorf("mpnet: reading network: %d weights in all, more than the limit of %d", total, MaxLayerWeights)
	}
	// Read the stored state before allocating anything of its size, in
	// steps that grow only as bytes arrive, so that a header announcing more
	// weights than the stream holds fails as truncated at a cost of about
	// twice the bytes present (a 44-byte header used to allocate gigabytes).
	state, err := readGrowing(tr, 4*8*total+2*8*gauss)
	if err != nil {
		return fail(err, "weights")
	}
	sr := bytes.NewReader(state)
	get = func(v any) error { return binary.Read(sr, binary.LittleEndian, v) }
	net, err := New(cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	for l, ly := range net.layers {
		var vals [6][]float64 // m, H, Hext, mask, and for CBPI Ω, Ωext
		nv := 4
		if ly.kind == CBPI {
			nv = 6
		}
		for j := range vals[:nv] {
			buf := make([]float64, ly.K*ly.N)
			if err := get(buf); err != nil {
				return fail(err, "weights")
			}
			for i, v := range buf {
				// A value must be finite in the network's float type, and
				// a mean m within [−1, 1], or σ = (1 − m²)·mask is not.
				if math.IsNaN(v) || math.IsInf(v, 0) || (net.dt == tensor.Float32 && math.IsInf(float64(float32(v)), 0)) {
					return nil, &NonFiniteError{Layer: l, Field: "stored state", Index: i}
				}
				if j == 0 && ly.kind != CBPI && math.Abs(v) > 1 {
					return nil, errors.Errorf("mpnet: reading network: layer %d: stored mean m[%d] = %v is outside [-1, 1]", l, i, v)
				}
				if j == 4 && vals[3][i] != 0 && !(v >= ops.PrecisionFloor) {
					return nil, errors.Errorf("mpnet: reading network: layer %d: stored precision Ω[%d] = %v is below %v", l, i, v, ops.PrecisionFloor)
				}
			}
			vals[j] = buf
		}
		m, mask := vals[0], vals[3]
		ly.setMask(net.dt, mask, cfg.density(l) < 1 && net.sparseStorage(ly.kind))
		s := make([]float64, len(m))
		for i := range s {
			if ly.kind == CBPI {
				if mask[i] != 0 {
					s[i] = mask[i] / vals[4][i]
				}
			} else {
				s[i] = (1 - m[i]*m[i]) * mask[i]
			}
		}
		if ly.kind == CBPI {
			ly.setFull(ly.omega, vals[4])
			ly.setFull(ly.omegaExt, vals[5])
		}
		ly.setFull(ly.m, m)
		ly.setFull(ly.h, vals[1])
		ly.setFull(ly.hext, vals[2])
		ly.setFull(ly.sigma, s)
	}
	sum := crc.Sum32()
	var stored uint32
	if err := binary.Read(br, binary.LittleEndian, &stored); err != nil {
		return fail(err, "checksum")
	}
	if stored != sum {
		return nil, errors.Errorf("mpnet: reading network: checksum mismatch (stored %08x, computed %08x)", stored, sum)
	}
	return net, nil
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
