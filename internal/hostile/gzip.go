package hostile

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
)

// gz returns b as one gzip member (no name, zero time: deterministic for a
// given compress/flate).
func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// bomb returns one gzip member holding head followed by n zero bytes,
// compressed as it is written, so that neither this function nor the file
// ever holds the n bytes: 64 MiB of zeros take about 65 KB.
func bomb(head []byte, n int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(head)
	zero := make([]byte, 1<<16)
	for n > 0 {
		k := min(n, len(zero))
		zw.Write(zero[:k])
		n -= k
	}
	zw.Close()
	return buf.Bytes()
}

// memberHeader is the 10-byte header of a gzip member with compression
// method 8 (deflate), no flags, zero time, unknown OS.
var memberHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// badMethod returns a gzip member header with compression method 9, which
// no gzip reader knows.
func badMethod() []byte {
	h := append([]byte(nil), memberHeader...)
	h[2] = 9
	return append(h, make([]byte, 16)...)
}

// reservedBlock returns a gzip member whose deflate data start with a block
// of the reserved type 3, which is invalid; the trailer is that of an empty
// content.
func reservedBlock() []byte {
	b := append(append([]byte(nil), memberHeader...), 0x07) // BFINAL = 1, BTYPE = 11
	return append(b, make([]byte, 8)...)
}

// badCRC returns b as one gzip member whose CRC-32 in the trailer is wrong.
func badCRC(b []byte) []byte {
	z := gz(b)
	crc := crc32.ChecksumIEEE(b) ^ 0xffffffff
	binary.LittleEndian.PutUint32(z[len(z)-8:], crc)
	return z
}
