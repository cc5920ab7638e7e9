package mpnet

import (
	"strings"
	"testing"
)

// TestSparseStorageMatchesDense trains the same masked network with its
// masks stored densely (K×N with zeros) and sparsely (present weights only):
// the results agree to rounding, for every kind that has sparse storage.
func TestSparseStorageMatchesDense(t *testing.T) {
	for _, k := range []Kind{BPI, MF, AMP} {
		for _, out := range []int{1, 4} {
			widths := []int{30, 17, 9, out}
			cfg := Config{Widths: widths, Kinds: Kinds(k, 3, max(out, 2)), Density: []float64{0.3, 0.6, 0.8}}
			rho, psi := []float64{1, 1, 0.9}, []float64{0.8, 0.8, 0.8}
			sparse := trainSteps(t, cfg, 12, 4, 2, rho, psi)
			cfg.DenseStorage = true
			dense := trainSteps(t, cfg, 12, 4, 2, rho, psi)
			for l := 0; l < 3; l++ {
				if !sparse.Sparse(l) || dense.Sparse(l) {
					t.Fatalf("%v layer %d: storage sparse=%v/%v", k, l, sparse.Sparse(l), dense.Sparse(l))
				}
				if sparse.NNZ(l) != dense.NNZ(l) {
					t.Fatalf("%v layer %d: %d vs %d present weights", k, l, sparse.NNZ(l), dense.NNZ(l))
				}
				if d := maxAbsDiff(sparse.M(l), dense.M(l)); d > 1e-10 {
					t.Errorf("%v out=%d layer %d: max |m_sparse − m_dense| = %g", k, out, l, d)
				}
				hs, hd, mask := sparse.H(l), dense.H(l), dense.Mask(l)
				for i := range mask {
					if mask[i] == 0 {
						hd[i] = 0 // dense storage keeps a field on absent weights; it is never used
					}
				}
				if d := maxAbsDiff(hs, hd); d > 1e-8 {
					t.Errorf("%v out=%d layer %d: max |H_sparse − H_dense| on present weights = %g", k, out, l, d)
				}
			}
		}
	}
}

// TestConfigRefusesEmptyDensity checks that a density keeping less than
// one weight per unit on average is an error, not an empty network.
func TestConfigRefusesEmptyDensity(t *testing.T) {
	for _, d := range [][]float64{{1e-9}, {1, 0.05}, {0.19, 1}} { // widths 5-20-1: 1/5 = 0.2, 1/20 = 0.05
		cfg := Config{Widths: []int{5, 20, 1}, Kinds: Kinds(BPI, 2, 2), Density: d}
		err := cfg.Validate()
		if d[len(d)-1] == 0.05 {
			if err != nil {
				t.Errorf("Density %v: %v, want accepted (one weight per unit on average)", d, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "at least one weight per unit") {
			t.Errorf("Density %v: error %v, want one naming the minimum", d, err)
		}
	}
}
