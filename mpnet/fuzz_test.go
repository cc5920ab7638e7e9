package mpnet

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/fbpgo/fbp/internal/testutil"
)

// fuzzNet returns the saved form of a small initialised network.
func fuzzNet(tb testing.TB, cfg Config, seed uint64) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	net := initNet(tb, cfg, rng)
	var buf bytes.Buffer
	if _, err := net.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// lyingHeader returns a well-formed network header for widths (all layers
// MF, except an ArgMax last layer when the output is wider than 1, dense,
// float64) followed by no weights and no checksum.
func lyingHeader(widths ...uint32) []byte {
	b := append([]byte(nil), netMagic[:]...)
	L := len(widths) - 1
	b = append(b, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(L))
	for _, w := range widths {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	for l := range L {
		k := MF
		if l == L-1 && widths[L] > 1 {
			k = ArgMax
		}
		b = append(b, uint8(k))
	}
	for range L {
		b = binary.LittleEndian.AppendUint64(b, 0x3ff0000000000000) // 1.0
	}
	return b
}

// withCRC returns a copy of b whose last four bytes are replaced by the
// CRC-32 of the bytes before them, so that mutated inputs get past the
// checksum test and reach the code behind it.
func withCRC(b []byte) []byte {
	c := append([]byte(nil), b...)
	n := len(c) - 4
	binary.LittleEndian.PutUint32(c[n:], crc32.ChecksumIEEE(c[:n]))
	return c
}

// Limits of one ReadNetwork call in FuzzReadNetwork and
// TestReadNetworkLyingHeader: the bytes it may allocate are
// readAllocPerByte·len(input) + readAllocFixed, and it must return within
// readTimeLimit (generous, for a loaded machine).
const (
	readAllocPerByte = 64
	readAllocFixed   = 4 << 20
	readTimeLimit    = 2 * time.Second
)

// checkReadNetwork reads b and checks that ReadNetwork returns quickly,
// allocates in proportion to len(b), returns either an error or a valid
// network, and that an accepted network survives WriteTo → ReadNetwork →
// WriteTo unchanged.
func checkReadNetwork(t *testing.T, b []byte) {
	t.Helper()
	start, a0 := time.Now(), testutil.AllocBytes()
	net, err := ReadNetwork(bytes.NewReader(b))
	if d, a := time.Since(start), testutil.AllocBytes()-a0; d > readTimeLimit || a > readAllocPerByte*uint64(len(b))+readAllocFixed {
		t.Fatalf("ReadNetwork of %d bytes took %v and allocated %d bytes", len(b), d, a)
	}
	if err != nil {
		if net != nil {
			t.Fatalf("ReadNetwork returned a network and the error %v", err)
		}
		return
	}
	cfg := net.Config()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("accepted network has an invalid config: %v", err)
	}
	if net.L() != cfg.L() || (net.Dtype() != tensor.Float64 && net.Dtype() != tensor.Float32) {
		t.Fatalf("accepted network: L = %d, config L = %d, dtype %v", net.L(), cfg.L(), net.Dtype())
	}
	weights := 0
	for l := range net.L() {
		K, N := net.Shape(l)
		if K != cfg.Widths[l+1] || N != cfg.Widths[l] || len(net.M(l)) != K*N {
			t.Fatalf("layer %d: shape %d×%d, %d means; widths %v", l, K, N, len(net.M(l)), cfg.Widths)
		}
		weights += K * N
	}
	if 32*weights > len(b) {
		t.Fatalf("accepted %d weights from %d bytes", weights, len(b))
	}
	if err := net.CheckFinite(); err != nil {
		t.Fatalf("accepted network: %v", err)
	}
	var w1, w2 bytes.Buffer
	if _, err := net.WriteTo(&w1); err != nil {
		t.Fatal(err)
	}
	again, err := ReadNetwork(bytes.NewReader(w1.Bytes()))
	if err != nil {
		t.Fatalf("reading back a written network: %v", err)
	}
	if _, err := again.WriteTo(&w2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Fatal("WriteTo(ReadNetwork(WriteTo(net))) differs from WriteTo(net)")
	}
}

// TestReadNetworkLyingHeader checks that headers announcing large networks
// with no weights behind them fail fast and allocate little.
func TestReadNetworkLyingHeader(t *testing.T) {
	for _, tc := range []struct {
		name   string
		widths []uint32
	}{
		{"one layer of 2^28 weights", []uint32{1 << 24, 16}},                  // ArgMax, exactly MaxLayerWeights
		{"2^28 − 2^24 weights", []uint32{1 << 24, 15, 1}},                     // 15·2^24 + 15 weights: ~15 GB before the fix
		{"wide ArgMax", []uint32{1 << 14, 1 << 14, 10}},                       // 2^28 + 10·2^14 > limit
		{"deep", []uint32{4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 1}}, // 7·2^24 + 4096
		{"sparse-looking", []uint32{1 << 20, 100, 10}},                        // 10^8 + 1000 weights
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := lyingHeader(tc.widths...)
			checkReadNetwork(t, b)
			// The same header followed by 1 MiB of zeros.
			checkReadNetwork(t, append(b, make([]byte, 1<<20)...))
		})
	}
}

// TestReadNetworkOutOfRange is the regression test for a network that
// FuzzReadNetwork found (testdata/fuzz/FuzzReadNetwork/ff780f7e60d881b7):
// ReadNetwork accepted stored values that are finite as float64 but not in
// the network's float type (m = −1.7e308 in a float32 network became −Inf),
// and means |m| > 1, for which σ = (1 − m²)·mask is negative or −Inf.
func TestReadNetworkOutOfRange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dt    tensor.Dtype
		field int // 0 m, 1 H, 2 Hext, 3 mask
		v     float64
	}{
		{"float32 m = -1.7e308", tensor.Float32, 0, -1.7e308},
		{"float32 H = 1e39", tensor.Float32, 1, 1e39},
		{"float32 Hext = -1e300", tensor.Float32, 2, -1e300},
		{"float32 mask = 4e38", tensor.Float32, 3, 4e38},
		{"float64 m = 1e200", tensor.Float64, 0, 1e200},
		{"float64 m = -1.5", tensor.Float64, 0, -1.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fuzzNet(t, Config{Widths: []int{2, 1}, Kinds: []Kind{MF}, Dtype: tc.dt}, 1)
			// Header: magic 8, dtype 1, flags 1, L 4, widths 8, kinds 1,
			// density 8 bytes; then m, H, Hext, mask of 2 values each.
			off := 8 + 1 + 1 + 4 + 8 + 1 + 8 + tc.field*16 + 8
			binary.LittleEndian.PutUint64(b[off:], math.Float64bits(tc.v))
			b = withCRC(b)
			if net, err := ReadNetwork(bytes.NewReader(b)); err == nil {
				t.Errorf("accepted; layer 0 m = %v, H = %v", net.M(0), net.H(0))
			}
			checkReadNetwork(t, b)
		})
	}
	// The limits themselves are accepted: m = ±1, H = MaxFloat32.
	b := fuzzNet(t, Config{Widths: []int{2, 1}, Kinds: []Kind{MF}, Dtype: tensor.Float32}, 1)
	binary.LittleEndian.PutUint64(b[31:], math.Float64bits(-1))
	binary.LittleEndian.PutUint64(b[31+16:], math.Float64bits(math.MaxFloat32))
	if _, err := ReadNetwork(bytes.NewReader(withCRC(b))); err != nil {
		t.Errorf("m = -1, H = MaxFloat32 refused: %v", err)
	}
}

// FuzzReadNetwork checks that ReadNetwork never panics or hangs, allocates
// in proportion to its input, and returns an error or a valid network that
// round-trips. Every input is tried as given and with its last four bytes
// replaced by the correct checksum.
func FuzzReadNetwork(f *testing.F) {
	small := fuzzNet(f, Config{Widths: []int{6, 3, 1}, Kinds: Kinds(MF, 2, 2)}, 1)
	f.Add(small)
	f.Add(fuzzNet(f, Config{Widths: []int{5, 2, 3}, Kinds: Kinds(BPI, 2, 3), Density: []float64{0.5},
		Dtype: tensor.Float32, AMPUnmaskedSigma: true}, 2))
	f.Add(fuzzNet(f, Config{Widths: []int{4, 1}, Kinds: []Kind{BP}}, 3))
	f.Add(fuzzNet(f, Config{Widths: []int{3, 2, 1}, Kinds: Kinds(AMP, 2, 2), Density: []float64{0.5, 1}}, 4))
	f.Add(small[:len(small)/2])
	f.Add(lyingHeader(1<<24, 15, 1))
	f.Add(lyingHeader(1<<14, 1<<14, 10))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkReadNetwork(t, b)
		if len(b) >= 4 {
			checkReadNetwork(t, withCRC(b))
		}
	})
}
