package data

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// TestStandardizeHand checks the statistics on a 2×2 training set computed by
// hand:
//
//	x = 0, 1/4, 1/2, 1
//	mean = (7/4)/4 = 7/16 = 0.4375
//	Σ(x−mean)² = (49 + 9 + 1 + 81)/256 = 140/256 = 0.546875
//	std = sqrt(0.546875/3) = sqrt(35/192)
func TestStandardizeHand(t *testing.T) {
	train := &Set{X: []float64{0, 0.25, 0.5, 1}, Y: []int{0, 1}, M: 2, N: 2, Classes: 10}
	test := &Set{X: []float64{0.4375, 1}, Y: []int{5}, M: 1, N: 2, Classes: 10}
	tr, te, st, err := Standardize(train, test)
	if err != nil {
		t.Fatal(err)
	}
	wantStd := math.Sqrt(35.0 / 192)
	if st.Mean != 0.4375 {
		t.Errorf("Mean = %v, want 0.4375", st.Mean)
	}
	if math.Abs(st.Std-wantStd) > 1e-16 {
		t.Errorf("Std = %v, want %v", st.Std, wantStd)
	}
	d := wantStd + 1e-5
	for i, want := range []float64{-7.0 / 16 / d, -3.0 / 16 / d, 1.0 / 16 / d, 9.0 / 16 / d} {
		if math.Abs(tr.X[i]-want) > 1e-15*math.Abs(want) {
			t.Errorf("train X[%d] = %v, want %v", i, tr.X[i], want)
		}
	}
	if te.X[0] != 0 || math.Abs(te.X[1]-9.0/16/d) > 1e-15 {
		t.Errorf("test X = %v, want [0 %v]", te.X, 9.0/16/d)
	}
	if train.X[1] != 0.25 || test.X[1] != 1 {
		t.Error("Standardize modified its inputs")
	}
}

func TestStandardizeErrors(t *testing.T) {
	one := &Set{X: []float64{0.5}, Y: []int{0}, M: 1, N: 1, Classes: 10}
	if _, _, _, err := Standardize(one, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Standardize(1 pixel) = %v, want ErrEmpty", err)
	}
	bad := tinySet()
	bad.X[3] = math.NaN()
	if _, _, _, err := Standardize(tinySet(), bad); !errors.Is(err, ErrNonFinite) {
		t.Errorf("Standardize(NaN test) = %v, want ErrNonFinite", err)
	}
	// Finite pixels whose sums overflow, and a test pixel that standardises
	// to +Inf: errors, not NaN or Inf in the result.
	huge := &Set{X: []float64{math.MaxFloat64, math.MaxFloat64, 0, 1}, Y: []int{0, 1}, M: 2, N: 2, Classes: 10}
	far := &Set{X: []float64{0, math.MaxFloat64, 0, 0}, Y: []int{0}, M: 1, N: 4, Classes: 10}
	for _, tc := range []struct {
		name        string
		train, test *Set
	}{{"sum overflow", huge, nil}, {"test pixel overflow", tinySet(), far}} {
		tr, te, _, err := Standardize(tc.train, tc.test)
		if tr != nil || te != nil || !errors.Is(err, ErrNonFinite) {
			t.Errorf("Standardize(%s) = %v, %v, %v; want ErrNonFinite", tc.name, tr, te, err)
		}
		for _, ch := range []int{1, 2} {
			tr, te, _, err := StandardizeChannels(tc.train, tc.test, ch)
			if tr != nil || te != nil || !errors.Is(err, ErrNonFinite) {
				t.Errorf("StandardizeChannels(%s, %d) = %v, %v, %v; want ErrNonFinite", tc.name, ch, tr, te, err)
			}
		}
	}
}

func ExampleStandardize() {
	train := &Set{X: []float64{0, 0.25, 0.5, 1}, Y: []int{0, 1}, M: 2, N: 2, Classes: 10}
	tr, _, st, err := Standardize(train, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean %.4f std %.4f\n", st.Mean, st.Std)
	fmt.Printf("%.4f\n", tr.X)
	// Output:
	// mean 0.4375 std 0.4270
	// [-1.0247 -0.4391 0.1464 1.3174]
}
