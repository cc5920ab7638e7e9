package mpnet

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// robustRun trains a fresh network of cfg by PasP mini-batches (as
// trainSteps does) on a fixed random problem of 32 samples in mini-batches
// of 8 (4 per epoch), for at most steps steps with the same ρ and ψ on every layer and
// r = 0. After every step it calls check with the step number, Iterate's
// error (the first non-nil one of the step, which ends the run) and the
// network; check returns false to stop.
func robustRun(t *testing.T, cfg Config, steps, tau int, rho, psi float64, check func(step int, err error, net *Network) bool) {
	t.Helper()
	const M, B = 32, 8
	rng := rand.New(rand.NewPCG(11, 1))
	net := initNet(t, cfg, rng)
	x, y := problem(rand.New(rand.NewPCG(11, 2)), cfg.Widths, M)
	L, N0 := cfg.L(), cfg.Widths[0]
	rhos, psis, rs := make([]float64, L), make([]float64, L), make([]float64, L)
	for l := range rhos {
		rhos[l], psis[l] = rho, psi
	}
	for s := 0; s < steps; s++ {
		b := s % (M / B)
		if rho != 0 { // as pasp.Trainer.Step: no prior step when every ρ is 0
			if err := net.SetPrior(rhos, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := net.SetBatch(x[b*B*N0:(b+1)*B*N0], y[b*B:(b+1)*B]); err != nil {
			t.Fatalf("step %d: %v", s, err)
		}
		var iterErr error
		for it := 0; it < tau && iterErr == nil; it++ {
			_, iterErr = net.Iterate(psis, rs)
		}
		if !check(s, iterErr, net) || iterErr != nil {
			return
		}
	}
}

// robustConfigs are the small networks of the robustness tests: every
// hidden kind with a sign output and with a 3-class ArgMax output.
func robustConfigs() []Config {
	var cs []Config
	for _, k := range []Kind{BPI, BP, MF, AMP} {
		for _, out := range []int{1, 3} {
			cs = append(cs, Config{Widths: []int{20, 15, 10, out}, Kinds: Kinds(k, 3, max(out, 2))})
		}
	}
	return cs
}

func cfgName(c Config) string {
	return fmt.Sprintf("%v-%dout", c.Kinds[0], c.Widths[len(c.Widths)-1])
}

// TestLongRunStaysFinite trains every layer kind for 100 epochs (400
// mini-batches) under extreme settings: ρ ∈ {0, 1, 1.05}, ψ ∈ {0, 0.99},
// τmax ∈ {1, 3}. ρ = 1.05 makes the fields grow like 1.05^t (max |H| is
// 10^9 to 10^16 after 400 steps), far from overflow; every message must stay finite, every
// m in [−1, 1], and Iterate must never fail. Under -short: 10 epochs.
func TestLongRunStaysFinite(t *testing.T) {
	epochs := 100
	if testing.Short() {
		epochs = 10
	}
	steps := epochs * 4
	for _, cfg := range robustConfigs() {
		t.Run(cfgName(cfg), func(t *testing.T) {
			t.Parallel()
			for _, rho := range []float64{0, 1, 1.05} {
				for _, psi := range []float64{0, 0.99} {
					for _, tau := range []int{1, 3} {
						var maxH float64
						robustRun(t, cfg, steps, tau, rho, psi, func(s int, err error, net *Network) bool {
							if err != nil {
								t.Errorf("ρ=%v ψ=%v τmax=%d step %d: Iterate: %v", rho, psi, tau, s, err)
								return false
							}
							if err := net.CheckFinite(); err != nil {
								t.Errorf("ρ=%v ψ=%v τmax=%d step %d: %v", rho, psi, tau, s, err)
								return false
							}
							for l := 0; l < net.L(); l++ {
								for i, m := range net.M(l) {
									if m < -1 || m > 1 {
										t.Errorf("ρ=%v ψ=%v τmax=%d step %d: layer %d m[%d] = %v outside [−1, 1]", rho, psi, tau, s, l, i, m)
										return false
									}
								}
								for _, h := range net.H(l) {
									maxH = math.Max(maxH, math.Abs(h))
								}
							}
							return true
						})
						if rho == 1.05 && psi == 0 && tau == 1 {
							t.Logf("ρ=1.05: max |H| after %d steps: %.3g", steps, maxH)
						}
					}
				}
			}
		})
	}
}

// The overflow tests check this contract: when a field overflows to ±Inf
// (m = tanh(±Inf) stays finite, but the next PasP step or a zero coefficient
// would turn it into NaN), Iterate returns a *NonFiniteError in that very
// step instead of training on silently.

// overflowCheck returns a step check that records the first step with a
// non-finite state and the first step whose Iterate failed, and stops a few
// steps after the state went bad.
func overflowCheck(t *testing.T, firstBad, firstErr *int, badErr *error) func(int, error, *Network) bool {
	*firstBad, *firstErr = -1, -1
	return func(s int, err error, net *Network) bool {
		if err != nil && *firstErr < 0 {
			*firstErr, *badErr = s, err
		}
		if cf := net.CheckFinite(); cf != nil && *firstBad < 0 {
			*firstBad = s
		}
		return *firstBad < 0 || s < *firstBad+5
	}
}

// judgeOverflow applies the contract: the run must have gone bad (the
// setting overflows) and Iterate must have failed, with a *NonFiniteError,
// in that very step.
func judgeOverflow(t *testing.T, what string, firstBad, firstErr int, err error) {
	t.Helper()
	if firstBad < 0 {
		t.Fatalf("%s: the fields never overflowed", what)
	}
	var nf *NonFiniteError
	ok := firstErr == firstBad && errors.As(err, &nf)
	if ok {
		t.Logf("%s: overflow at step %d stopped with: %v", what, firstBad, err)
		return
	}
	t.Errorf("%s: the state became non-finite at step %d, but Iterate returned nil (first error at step %d: %v)", what, firstBad, firstErr, err)
}

// TestOverflowIsReported drives the fields to overflow quickly (ρ = 1e100:
// H overflows within a few steps) for every kind and checks that training
// stops with a *NonFiniteError instead of running on NaN.
func TestOverflowIsReported(t *testing.T) {
	for _, cfg := range robustConfigs() {
		for _, psi := range []float64{0, 0.99} {
			t.Run(fmt.Sprintf("%s-psi%v", cfgName(cfg), psi), func(t *testing.T) {
				var firstBad, firstErr int
				var err error
				robustRun(t, cfg, 200, 1, 1e100, psi, overflowCheck(t, &firstBad, &firstErr, &err))
				judgeOverflow(t, "ρ=1e100", firstBad, firstErr, err)
			})
		}
	}
}

// TestOverflowRho105 is the slow, realistic case: ρ = 1.05 grows H like
// 1.05^t, which overflows float64 after about 14,000 mini-batches (3,500
// epochs of 4 mini-batches). Skipped under -short.
func TestOverflowRho105(t *testing.T) {
	if testing.Short() {
		t.Skip("about 14,000 mini-batches")
	}
	t.Parallel()
	cfg := Config{Widths: []int{20, 15, 10, 1}, Kinds: Kinds(BPI, 3, 2)}
	var firstBad, firstErr int
	var err error
	start := time.Now()
	robustRun(t, cfg, 20000, 1, 1.05, 0, overflowCheck(t, &firstBad, &firstErr, &err))
	t.Logf("%d steps in %v", max(firstBad, firstErr)+1, time.Since(start).Round(time.Millisecond))
	judgeOverflow(t, "ρ=1.05", firstBad, firstErr, err)
}

// TestSilentNaNReproducer is the smallest case of an overflow that used to
// go unreported: one BPI layer with one weight and one sample. ρ = 1e300
// overflows H within a few steps; Iterate must report it in that step.
func TestSilentNaNReproducer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := initNet(t, Config{Widths: []int{1, 1}, Kinds: []Kind{BPI}}, rng)
	for s := 0; s < 4; s++ {
		if err := net.SetPrior([]float64{1e300}, 0); err != nil {
			t.Fatal(err)
		}
		if err := net.SetBatch([]float64{1}, []int{1}); err != nil {
			t.Fatal(err)
		}
		change, err := net.Iterate([]float64{0}, []float64{0})
		cf := net.CheckFinite()
		t.Logf("step %d: Hext %v, H %v, m %v, Iterate → (%v, %v)", s, net.Hext(0), net.H(0), net.M(0), change, err)
		if cf == nil {
			continue
		}
		var nf *NonFiniteError
		if errors.As(err, &nf) {
			return // reported: the graceful behaviour
		}
		t.Fatalf("step %d: %v, but Iterate returned (%v, %v)", s, cf, change, err)
	}
	t.Fatal("ρ = 1e300 did not overflow H in 4 steps")
}
