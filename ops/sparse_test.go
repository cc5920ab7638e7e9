package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

// sparseCase returns a random K×N mask with density d (some rows and columns
// empty when d is small), its pattern, and random dense values masked by it.
func sparseCase(rng *rand.Rand, K, N int, d float64) (mask, full []float64, p *Pattern) {
	mask = make([]float64, K*N)
	full = make([]float64, K*N)
	for j := range mask {
		if rng.Float64() < d {
			mask[j] = 1
			full[j] = rng.NormFloat64()
		}
	}
	return mask, full, NewPattern(K, N, mask)
}

func denseOf(shape []int, v []float64) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), v...)))
}

func randSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// TestPatternRoundTrip checks Compress/Expand and the CSC view.
func TestPatternRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []float64{0, 0.05, 0.5, 1} {
		_, full, p := sparseCase(rng, 9, 13, d)
		back := make([]float64, len(full))
		p.Expand(back, p.Compress(full))
		for j := range full {
			if back[j] != full[j] {
				t.Fatalf("d=%v: element %d: %v after a round trip, want %v", d, j, back[j], full[j])
			}
		}
		for i := 0; i < p.N; i++ {
			for q := p.ColPtr[i]; q < p.ColPtr[i+1]; q++ {
				if int(p.Col[p.ColPos[q]]) != i {
					t.Fatalf("d=%v: CSC entry %d of column %d points at column %d", d, q, i, p.Col[p.ColPos[q]])
				}
			}
		}
	}
}

// TestSparseProductsMatchDense compares the three sparse products with
// dense MatMul on the masked matrix.
func TestSparseProductsMatchDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][3]int{{1, 1, 1}, {7, 13, 5}, {60, 300, 33}} {
		K, N, B := sz[0], sz[1], sz[2]
		for _, d := range []float64{0.02, 0.3, 1} {
			_, full, p := sparseCase(rng, K, N, d)
			vals := p.Compress(full)
			x, g := randSlice(rng, N*B), randSlice(rng, K*B)
			A, X, Gt := denseOf([]int{K, N}, full), denseOf([]int{N, B}, x), denseOf([]int{K, B}, g)
			a := denseOf([]int{len(vals)}, vals)
			check := func(name string, got, want []float64) {
				t.Helper()
				for j := range want {
					if math.Abs(got[j]-want[j]) > 1e-12*(1+math.Abs(want[j])) {
						t.Fatalf("%s %dx%dx%d d=%v: element %d = %v, want %v", name, K, N, B, d, j, got[j], want[j])
					}
				}
			}
			res, err := (&spOp{kind: spMatMul, p: p}).Do(a, X)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := (&matMulOp{}).Do(A, X)
			check("SpMatMul", res.(*tensor.Dense).Float64s(), want.(*tensor.Dense).Float64s())
			res, err = (&spOp{kind: spMatMulT, p: p}).Do(a, Gt)
			if err != nil {
				t.Fatal(err)
			}
			want, _ = (&matMulOp{transA: true}).Do(A, Gt)
			check("SpMatMulT", res.(*tensor.Dense).Float64s(), want.(*tensor.Dense).Float64s())
			res, err = (&spOp{kind: spSampled, p: p}).Do(Gt, X)
			if err != nil {
				t.Fatal(err)
			}
			want, _ = (&matMulOp{transB: true}).Do(Gt, X)
			check("SpSampled", res.(*tensor.Dense).Float64s(), p.Compress(want.(*tensor.Dense).Float64s()))
		}
	}
}

// TestBPICavitySparseMatchesDense checks that the sparse BPI contraction
// gives bit for bit the dense one's Hin at present weights and its B.
func TestBPICavitySparseMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][3]int{{1, 1, 1}, {5, 9, 4}, {40, 120, 16}} {
		K, N, B := sz[0], sz[1], sz[2]
		for _, d := range []float64{0.05, 0.5} {
			_, full, p := sparseCase(rng, K, N, d)
			for j := range full {
				full[j] = math.Tanh(full[j])
			}
			xh := randSlice(rng, N*B)
			omega, btop := randSlice(rng, K*B), randSlice(rng, K*B)
			v := make([]float64, K*B)
			for j := range v {
				v[j] = 0.5 + rng.Float64()
			}
			btop[0] = math.Inf(1)
			in := func() []*tensor.Dense {
				return []*tensor.Dense{denseOf([]int{N, B}, xh), denseOf([]int{K, B}, omega), denseOf([]int{K, B}, v), denseOf([]int{K, B}, btop)}
			}
			di := in()
			dres, err := (&bpiOp{down: true}).Do(denseOf([]int{K, N}, full), di[0], di[1], di[2], di[3])
			if err != nil {
				t.Fatal(err)
			}
			si := in()
			sres, err := (&bpiOp{down: true, p: p}).Do(denseOf([]int{p.NNZ()}, p.Compress(full)), si[0], si[1], si[2], si[3])
			if err != nil {
				t.Fatal(err)
			}
			dv, sv := dres.(*tensor.Dense).Float64s(), sres.(*tensor.Dense).Float64s()
			hinD := p.Compress(dv[:K*N])
			for q := range hinD {
				if sv[q] != hinD[q] {
					t.Fatalf("%v d=%v: Hin entry %d = %v, dense %v", sz, d, q, sv[q], hinD[q])
				}
			}
			bD, bS := dv[K*N:], sv[p.NNZ():]
			for j := range bD {
				if bD[j] != bS[j] {
					t.Fatalf("%v d=%v: B[%d] = %v, dense %v", sz, d, j, bS[j], bD[j])
				}
			}
		}
	}
}

// TestSparseOpsRejectBadShapes checks errors, not panics.
func TestSparseOpsRejectBadShapes(t *testing.T) {
	_, _, p := sparseCase(rand.New(rand.NewPCG(1, 1)), 4, 5, 0.5)
	bad := denseOf([]int{3}, []float64{1, 2, 3})
	x := denseOf([]int{5, 2}, make([]float64, 10))
	for _, k := range []spKind{spMatMul, spMatMulT, spSampled} {
		if _, err := (&spOp{kind: k, p: p}).Do(bad, x); err == nil {
			t.Errorf("%s: wrong shapes accepted", spNames[k])
		}
	}
	if _, err := BPICavitySparse(nil, nil, nil, nil, nil, nil, true); err == nil {
		t.Error("BPICavitySparse with a nil pattern accepted")
	}
}
