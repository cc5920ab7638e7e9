package teacher

import (
	"fmt"
	"runtime"

	"github.com/fbpgo/fbp/internal/memlimit"
)

// Memory returns the memory, in bytes, that one run of the thesis'
// experiment with the configuration c is estimated to need: the teacher
// (New), m training samples (Generate), a student with studentKIn and
// studentKOut non-zeros per row (0: the teacher's; ternary when larger) and
// Infer on the m samples at once (Offline, the largest of the modes), with
// GOMAXPROCS workers. It is an upper bound that assumes every factor
// configuration is kept. c must be valid (Validate).
func (c Config) Memory(m, studentKIn, studentKOut int) int64 {
	c = c.withDefaults()
	ki, ko, q := max(studentKIn, c.KIn), max(studentKOut, c.KOut), 2
	if ki > c.KIn || ko > c.KOut {
		q = 3
	}
	return memlimit.Sum(c.teacherBytes(), c.dataBytes(m),
		memlimit.Product(24, memlimit.Sum(memlimit.Product(int64(c.NHidden), int64(ki)), memlimit.Product(int64(c.NOut), int64(ko)))),
		inferBytes(c.NHidden, c.NOut, ki, ko, q, m, runtime.GOMAXPROCS(0)))
}

// teacherBytes estimates New: the two supports (with the scratch of
// Biregular) and the weights.
func (c Config) teacherBytes() int64 {
	return memlimit.Product(17, memlimit.Sum(int64(c.NHidden)*int64(c.KIn), int64(c.NOut)*int64(c.KOut)))
}

// dataBytes estimates Generate(m): ±1 inputs (one byte each) and float64
// outputs.
func (c Config) dataBytes(m int) int64 {
	return memlimit.Sum(memlimit.Product(int64(m), memlimit.Sum(int64(c.NIn), memlimit.Product(8, int64(c.NOut)))),
		memlimit.Product(8, int64(c.NHidden)))
}

// inferBytes estimates Infer for a student with ki, ko non-zeros per row,
// alphabet q and batches of m samples: the factor graph, the messages, the
// priors and beliefs, the factor tables (every configuration kept) and the
// scratch of each worker.
func inferBytes(nHidden, nOut, ki, ko, q, m, workers int) int64 {
	n := memlimit.Product(int64(ko), int64(1+ki))
	E := memlimit.Product(int64(nOut), n)
	vars := memlimit.Sum(memlimit.Product(int64(nHidden), int64(ki)), memlimit.Product(int64(nOut), int64(ko)))
	configs, nin := powCap(int64(q), n, maxConfigs), powCap(int64(q), int64(ki), 1<<40)
	perWorker := memlimit.Sum(memlimit.Product(8, memlimit.Sum(memlimit.Product(int64(ko), nin, int64(m)), int64(m))),
		memlimit.Product(16, n, int64(q)))
	return memlimit.Sum(
		memlimit.Product(12, E),                    // edge variables and edge lists
		memlimit.Product(16, E, int64(q)),          // both message directions
		memlimit.Product(24, vars, int64(q)),       // priors, beliefs, estimates
		memlimit.Product(12, int64(nOut), configs), // factor tables
		memlimit.Product(int64(workers), perWorker))
}

// checkMemory returns a *FieldError for field when need exceeds the limit
// that setting (a MaxMemory field) gives.
func checkMemory(field string, need, setting int64, what string, args ...any) error {
	limit := memlimit.Limit(setting)
	if memlimit.Check(field, need, limit) == nil {
		return nil
	}
	return invalid(field, memlimit.Format(limit), "want at least the %s estimated for %s (or < 0 for no limit)",
		memlimit.Format(need), fmt.Sprintf(what, args...))
}

// powCap returns min(q^e, limit) for q ≥ 2, without overflow.
func powCap(q, e, limit int64) int64 {
	p := int64(1)
	for ; e > 0 && p < limit; e-- {
		p = memlimit.Product(p, q)
	}
	return min(p, limit)
}
