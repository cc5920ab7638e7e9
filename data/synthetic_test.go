package data

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestRandomPatternsShapeAndBalance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const N, M = 101, 4000
	s, err := RandomPatterns(rng, N, M)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.M != M || s.N != N || s.Classes != 2 {
		t.Fatalf("shape M=%d N=%d Classes=%d, want %d %d 2", s.M, s.N, s.Classes, M, N)
	}
	var sx, sy float64
	for _, x := range s.X {
		if x != 1 && x != -1 {
			t.Fatalf("entry %v is not ±1", x)
		}
		sx += x
	}
	for _, y := range s.Y {
		sy += float64(y)
	}
	// Means of ±1 variables: 5 standard deviations of the sample mean.
	if m := sx / float64(M*N); math.Abs(m) > 5/math.Sqrt(M*N) {
		t.Errorf("mean input %v, want ≈ 0", m)
	}
	if m := sy / M; math.Abs(m) > 5/math.Sqrt(M) {
		t.Errorf("mean label %v, want ≈ 0", m)
	}
}

func TestRandomPatternsDeterministic(t *testing.T) {
	a, _ := RandomPatterns(rand.New(rand.NewPCG(7, 0)), 33, 50)
	b, _ := RandomPatterns(rand.New(rand.NewPCG(7, 0)), 33, 50)
	for i := range a.X {
		if a.X[i] != b.X[i] {
			t.Fatalf("X[%d] differs", i)
		}
	}
	for i := range a.Y {
		if a.Y[i] != b.Y[i] {
			t.Fatalf("Y[%d] differs", i)
		}
	}
}

func TestTeacherPatternsLabels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	w, err := RandomTeacher(rng, 51)
	if err != nil {
		t.Fatal(err)
	}
	s, err := TeacherPatterns(rng, w, 200)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < s.M; n++ {
		var z float64
		for i, x := range s.Row(n) {
			z += w[i] * x
		}
		if want := map[bool]int{true: 1, false: -1}[z >= 0]; s.Y[n] != want {
			t.Fatalf("label %d = %d, want sign(w·x) = %d", n, s.Y[n], want)
		}
	}
}

func TestSyntheticBadShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	if _, err := RandomPatterns(rng, 0, 5); !errors.Is(err, ErrShape) {
		t.Errorf("RandomPatterns(N=0): err = %v, want ErrShape", err)
	}
	if _, err := RandomPatterns(rng, 5, -1); !errors.Is(err, ErrShape) {
		t.Errorf("RandomPatterns(M=-1): err = %v, want ErrShape", err)
	}
	if _, err := TeacherPatterns(rng, nil, 5); !errors.Is(err, ErrShape) {
		t.Errorf("TeacherPatterns(nil): err = %v, want ErrShape", err)
	}
	if _, err := RandomTeacher(rng, 0); !errors.Is(err, ErrShape) {
		t.Errorf("RandomTeacher(0): err = %v, want ErrShape", err)
	}
}
