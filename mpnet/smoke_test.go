package mpnet

import (
	"math/rand/v2"
	"testing"
)

func TestSmokeAllKinds(t *testing.T) {
	for _, k := range []Kind{BPI, BP, MF, AMP} {
		for _, classes := range []int{2, 3} {
			out := 1
			if classes > 2 {
				out = classes
			}
			cfg := Config{Widths: []int{7, 5, 4, out}, Kinds: Kinds(k, 3, classes)}
			rng := rand.New(rand.NewPCG(1, 2))
			net := initNet(t, cfg, rng)
			x, y := problem(rng, cfg.Widths, 6)
			for step := 0; step < 3; step++ {
				net.SetPrior([]float64{1, 1, 0.9}, 0)
				if err := net.SetBatch(x, y); err != nil {
					t.Fatal(err)
				}
				for it := 0; it < 2; it++ {
					c, err := net.Iterate([]float64{0.8, 0.8, 0.8}, []float64{0, 0, 0})
					if err != nil {
						t.Fatalf("%v %d: %v", k, classes, err)
					}
					t.Logf("%v classes=%d step %d it %d change %.4g", k, classes, step, it, c)
				}
			}
		}
	}
}
