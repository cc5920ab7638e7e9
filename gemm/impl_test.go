package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/blas/testblas"
	"gorgonia.org/tensor"
)

// TestRegister checks that Register routes gonum's blas64 and blas32 and
// gorgonia's tensor products through this package.
func TestRegister(t *testing.T) {
	old64, old32, oldTensor := blas64.Implementation(), blas32.Implementation(), tensor.WhichBLAS()
	t.Cleanup(func() {
		blas64.Use(old64)
		blas32.Use(old32)
		tensor.Use(oldTensor)
	})
	Register()
	if _, ok := blas64.Implementation().(Implementation); !ok {
		t.Errorf("blas64 uses %T after Register", blas64.Implementation())
	}
	if _, ok := blas32.Implementation().(Implementation); !ok {
		t.Errorf("blas32 uses %T after Register", blas32.Implementation())
	}
	if _, ok := tensor.WhichBLAS().(Implementation); !ok {
		t.Errorf("tensor uses %T after Register", tensor.WhichBLAS())
	}

	// A product through tensor.MatMul is this package's, bit for bit.
	const m, n, k = 37, 29, 300
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := randSlice(m*k, rng), randSlice(k*n, rng)
	want := make([]float64, m*n)
	Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, want, n)
	got, err := tensor.MatMul(tensor.New(tensor.WithShape(m, k), tensor.WithBacking(a)),
		tensor.New(tensor.WithShape(k, n), tensor.WithBacking(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Data().([]float64), want) {
		t.Error("tensor.MatMul differs from Dgemm after Register")
	}
	if !Registered() {
		t.Error("Registered() = false after Register")
	}

	// Unregister restores gonum's own BLAS in all three packages.
	Unregister()
	if Registered() {
		t.Error("Registered() = true after Unregister")
	}
	for name, impl := range map[string]any{"blas64": blas64.Implementation(), "blas32": blas32.Implementation(), "tensor": tensor.WhichBLAS()} {
		if _, ok := impl.(gonum.Implementation); !ok {
			t.Errorf("%s uses %T after Unregister", name, impl)
		}
	}
}

func randSlice(n int, rng *rand.Rand) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*rng.Float64() - 1
	}
	return s
}

// TestPanics checks that bad arguments panic with gonum's messages.
func TestPanics(t *testing.T) {
	const N, T = blas.NoTrans, blas.Trans
	s := make([]float64, 100)
	cases := []struct {
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		a, b, c       []float64
	}{
		{'X', N, 2, 2, 2, 2, 2, 2, s, s, s},
		{N, 'X', 2, 2, 2, 2, 2, 2, s, s, s},
		{N, N, -1, 2, 2, 2, 2, 2, s, s, s},
		{N, N, 2, -1, 2, 2, 2, 2, s, s, s},
		{N, N, 2, 2, -1, 2, 2, 2, s, s, s},
		{N, N, 2, 3, 4, 3, 3, 3, s, s, s},     // lda < k
		{T, N, 5, 3, 4, 4, 3, 3, s, s, s},     // lda < m
		{N, N, 2, 3, 4, 4, 2, 3, s, s, s},     // ldb < n
		{N, T, 2, 3, 4, 4, 3, 3, s, s, s},     // ldb < k
		{N, N, 2, 3, 4, 4, 3, 2, s, s, s},     // ldc < n
		{N, N, 2, 3, 4, 4, 3, 3, s[:4], s, s}, // short a
		{N, N, 2, 3, 4, 4, 3, 3, s, s[:8], s}, // short b
		{N, N, 2, 3, 4, 4, 3, 3, s, s, s[:5]}, // short c
	}
	for i, c := range cases {
		want := panicOf(func() {
			gonum.Implementation{}.Dgemm(c.tA, c.tB, c.m, c.n, c.k, 1, c.a, c.lda, c.b, c.ldb, 0, c.c, c.ldc)
		})
		got := panicOf(func() { Dgemm(c.tA, c.tB, c.m, c.n, c.k, 1, c.a, c.lda, c.b, c.ldb, 0, c.c, c.ldc) })
		if want == "" || got != want {
			t.Errorf("case %d: panic %q, want gonum's %q", i, got, want)
		}
		a32, b32, c32 := make([]float32, len(c.a)), make([]float32, len(c.b)), make([]float32, len(c.c))
		got = panicOf(func() { Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1, a32, c.lda, b32, c.ldb, 0, c32, c.ldc) })
		if got != want {
			t.Errorf("case %d: Sgemm panic %q, want %q", i, got, want)
		}
	}
}

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestLevel checks that the best level the CPU supports is the active one.
func TestLevel(t *testing.T) {
	if got, want := Level(), levels()[len(levels())-1].String(); got != want {
		t.Errorf("Level() = %q, want %q", got, want)
	}
}

// TestGonumDgemm runs gonum's own Dgemm conformance tests on Implementation
// at every kernel level.
func TestGonumDgemm(t *testing.T) {
	for _, l := range levels() {
		t.Run(l.String(), func(t *testing.T) {
			useLevel(t, l)
			testblas.TestDgemm(t, Implementation{})
		})
	}
}
