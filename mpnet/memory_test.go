package mpnet

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorgonia.org/tensor"
)

// peakHeap runs f while sampling the heap in use every millisecond, and
// returns the largest increase over the heap in use before f.
func peakHeap(f func()) int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	return int64(peak.Load()) - int64(base)
}

// TestMemoryBytes checks the estimate against the measured peak of the heap
// while a network is created, initialised and swept twice: never below it,
// and within a factor of 4 above it.
func TestMemoryBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains networks of 10–40 MB")
	}
	for _, c := range []struct {
		kind    Kind
		w, b    int
		density float64
		dt      tensor.Dtype
	}{
		{BPI, 1000, 128, 1, tensor.Float64},
		{CBPI, 1000, 64, 1, tensor.Float64},
		{AMP, 200, 500, 1, tensor.Float32},
		{MF, 1000, 64, 0.2, tensor.Float64},
		{BP, 60, 32, 1, tensor.Float64},
	} {
		cfg := Config{Widths: []int{784, c.w, c.w, 10}, Kinds: Kinds(c.kind, 3, 10), Dtype: c.dt, Density: []float64{c.density}}
		rng := rand.New(rand.NewPCG(1, 2))
		x, y := make([]float64, c.b*784), make([]int, c.b)
		for i := range x {
			x[i] = rng.Float64()
		}
		for i := range y {
			y[i] = i % 10
		}
		var net *Network
		got := peakHeap(func() {
			var err error
			if net, err = New(cfg, rng); err != nil {
				t.Fatal(err)
			}
			if err := net.Init(1, rng); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := net.SetBatch(x, y); err != nil {
					t.Fatal(err)
				}
				if _, err := net.Iterate([]float64{0.8, 0.8, 0.8}, []float64{0, 0, 0}); err != nil {
					t.Fatal(err)
				}
			}
		})
		runtime.KeepAlive(net)
		est := cfg.MemoryBytes(c.b)
		t.Logf("%v %v widths %v density %v batch %d: peak %.1f MiB, estimate %.1f MiB", c.kind, c.dt, cfg.Widths, c.density, c.b,
			float64(got)/(1<<20), float64(est)/(1<<20))
		if est < got || est > 4*got {
			t.Errorf("%v widths %v batch %d: estimate %d bytes, measured peak %d", c.kind, cfg.Widths, c.b, est, got)
		}
	}
}

// TestMemoryBytesSaturates checks that absurd sizes give a huge estimate,
// not an overflowed one.
func TestMemoryBytesSaturates(t *testing.T) {
	cfg := Config{Widths: []int{1 << 24, 1 << 4, 1}, Kinds: []Kind{BP, BP}}
	if got := cfg.MemoryBytes(math.MaxInt); got != math.MaxInt64 {
		t.Errorf("MemoryBytes(MaxInt) = %d, want MaxInt64", got)
	}
	if got := cfg.MemoryBytes(1); got <= 0 {
		t.Errorf("MemoryBytes(1) = %d", got)
	}
}

// TestNewRefusesOverMemory checks that New refuses a network whose state
// alone exceeds the limit, naming the estimate, before allocating it.
func TestNewRefusesOverMemory(t *testing.T) {
	defer func(f func() int64) { memoryLimit = f }(memoryLimit)
	memoryLimit = func() int64 { return 1 << 30 }
	cfg := Config{Widths: []int{1 << 14, 1 << 14, 1}, Kinds: []Kind{BPI, BPI}}
	start := time.Now()
	_, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err == nil || !strings.Contains(err.Error(), "memory limit of 1 GiB") || !strings.Contains(err.Error(), "needs about 22") {
		t.Errorf("New over the limit: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("New took %v to refuse", d)
	}
	if _, err := New(Config{Widths: []int{10, 1}, Kinds: []Kind{BPI}}, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Errorf("New of a small network under the limit: %v", err)
	}
}
