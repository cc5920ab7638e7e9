package apitest

import (
	"math"

	"github.com/fbpgo/fbp/compare"
	"github.com/fbpgo/fbp/mpnet/committee"
	"github.com/fbpgo/fbp/mpnet/teacher"
)

// The cases of the memory estimates of the annealing, committee and teacher
// requests: absurd sizes give an error or a saturated estimate, never a
// panic or a negative number.
func init() {
	compareCases = append(compareCases, apiCase{names: []string{"compare.AnnealSolveMemory"}, run: func(c *checker) {
		for _, n := range []int{-1, 0, math.MaxInt} {
			c.err("compare.AnnealSolveMemory", "N out of range", func() error { _, err := compare.AnnealSolveMemory(&compare.AnnealSettings{}, n, 1, 1); return err })
		}
		c.err("compare.AnnealSolveMemory", "nil settings and NaN α", func() error { _, err := compare.AnnealSolveMemory(nil, 11, math.NaN(), 1); return err })
		c.err("compare.AnnealSolveMemory", "no instances", func() error { _, err := compare.AnnealSolveMemory(&compare.AnnealSettings{}, 11, 1, -1); return err })
	}})
	committeeCases = append(committeeCases, apiCase{names: []string{"mpnet/committee.Memory", "mpnet/committee.Patterns"}, run: func(c *checker) {
		for _, k := range []int{-1, 0, math.MaxInt} {
			c.err("mpnet/committee.Memory", "K out of range", func() error { _, err := committee.Memory(k, 10, 10, nil); return err })
			c.err("mpnet/committee.Patterns", "K out of range", func() error { _, err := committee.Patterns(k, 10, 1); return err })
		}
		c.err("mpnet/committee.Patterns", "NaN α", func() error { _, err := committee.Patterns(3, 10, math.NaN()); return err })
		c.err("mpnet/committee.Patterns", "huge α", func() error { _, err := committee.Patterns(3, 10, 1e300); return err })
	}})
	teacherCases = append(teacherCases, apiCase{names: []string{"mpnet/teacher.Config.Memory"}, run: func(c *checker) {
		for _, m := range []int{-1, 0, math.MaxInt} {
			c.ok("mpnet/teacher.Config.Memory", "m out of range", func() string {
				return ifNot(teacher.Config{}.Memory(m, -1, math.MaxInt) >= 0, "negative estimate")
			})
		}
	}})
}
