package data

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// gunzip reads the decompressed content of a gzip file as gzip -d does: a
// file may hold several members, whose contents are concatenated. Unlike
// gzip -d, which warns and carries on, it fails on anything after the last
// member, as a plain data file with trailing bytes fails. Its errors are
// *problem values: corrupt data wraps ErrCorrupt and the compress/gzip or
// compress/flate error, a file that ends inside a member ErrTruncated, and
// trailing bytes ErrCount.
type gunzip struct {
	br     *bufio.Reader
	raw    *counter // the compressed bytes taken from the file
	size   int64    // the compressed file's size, or -1
	zr     gzip.Reader
	member int   // the current member, from 1
	err    error // sticky
}

// newGunzip starts reading the gzip file that br buffers; raw counts what br
// has taken from the file and size is the file's size (-1 if unknown).
func newGunzip(br *bufio.Reader, raw *counter, size int64) (*gunzip, error) {
	g := &gunzip{br: br, raw: raw, size: size, member: 1}
	if err := g.zr.Reset(br); err != nil {
		return nil, g.problem(err)
	}
	g.zr.Multistream(false)
	return g, nil
}

// pos is the offset in the compressed file of the next byte to decompress.
func (g *gunzip) pos() int64 { return g.raw.n - int64(g.br.Buffered()) }

func (g *gunzip) Read(p []byte) (int, error) {
	for g.err == nil {
		n, err := g.zr.Read(p)
		if err == io.EOF {
			g.err = g.next()
		} else if err != nil {
			g.err = g.problem(err)
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
	return 0, g.err
}

// next starts the next member after the end of one; it returns io.EOF at
// the end of the file.
func (g *gunzip) next() error {
	b, err := g.br.Peek(2)
	switch {
	case len(b) == 0 && err == io.EOF:
		return io.EOF
	case len(b) == 0:
		return err
	case len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b:
		g.member++
		if err := g.zr.Reset(g.br); err != nil {
			return g.problem(err)
		}
		g.zr.Multistream(false)
		return nil
	}
	rest := "more bytes"
	if g.size >= 0 {
		rest = nbytes(g.size - g.pos())
	}
	p := newProblem(ErrCount, "trailing garbage: %s after the end of gzip member %d, not gzip data; a gzip file must end with its last member",
		rest, g.member).(*problem)
	p.gzipPos = g.pos()
	return p
}

// problem describes an error of the gzip reader in the user's terms.
func (g *gunzip) problem(err error) error {
	at := fmt.Sprintf("gzip member %d", g.member)
	var corrupt flate.CorruptInputError
	var msg string
	sentinel := ErrCorrupt
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		sentinel = ErrTruncated
		msg = fmt.Sprintf("truncated gzip data: the compressed file ends inside %s; the file is incomplete", at)
	case errors.Is(err, gzip.ErrChecksum):
		msg = fmt.Sprintf("corrupt gzip data: checksum mismatch at the end of %s; gzip -t rejects the file too", at)
	case errors.Is(err, gzip.ErrHeader):
		msg = fmt.Sprintf("corrupt gzip data: invalid header of %s; gzip -t rejects the file too", at)
	case errors.As(err, &corrupt):
		msg = fmt.Sprintf("corrupt gzip data: invalid deflate data in %s; gzip -t rejects the file too", at)
	default:
		return err // the file's own read error
	}
	return &problem{sentinel: sentinel, cause: err, msg: msg, gzipPos: g.pos()}
}
