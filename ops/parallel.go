package ops

import (
	"runtime"
	"sync"
)

// minGrain is the least work, in inner-loop element evaluations, worth
// handing to a goroutine of its own.
const minGrain = 1 << 14

// parallelFor calls body over [0, n) split into contiguous chunks, one
// goroutine per chunk when the work (n·cost element evaluations) is large
// enough to pay for it. body must only write data owned by its range.
func parallelFor(n, cost int, body func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if w := n * cost / minGrain; w < workers {
		workers = w
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		body(0, n)
		return
	}
	// Split into more chunks than workers for balance.
	chunks := workers * 4
	if chunks > n {
		chunks = n
	}
	var wg sync.WaitGroup
	var next int
	var mu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks {
					return
				}
				body(c*n/chunks, (c+1)*n/chunks)
			}
		}()
	}
	wg.Wait()
}
