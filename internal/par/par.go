// Package par runs the loops of this module that scan or fill long slices
// in chunks over several goroutines and must give the result of a serial
// loop: the first bad index, and outputs that each chunk writes alone.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// FirstIndex splits [0, n) into consecutive ranges of chunk items, calls
// f(lo, hi) on each, concurrently on up to GOMAXPROCS goroutines, and
// returns the smallest value that a call returns, or -1 when every call
// returns -1. f returns the first bad index of its range (in any unit that
// grows with lo, such as the index of a pixel of rows lo to hi) or -1.
//
// Because the ranges are taken in increasing order, no range after one
// with a bad index can hold a smaller one: once a call reports one, no
// further range is started, and the ranges in progress are finished. The
// result is therefore the first bad index, as a serial scan would find it,
// and work whose results do not depend on the order (each output written
// by exactly one call) gives the same bits on any number of goroutines.
func FirstIndex(n, chunk int, f func(lo, hi int) int) int {
	chunk = max(chunk, 1)
	chunks := (n + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for lo := 0; lo < n; lo += chunk {
			if i := f(lo, min(lo+chunk, n)); i >= 0 {
				return i
			}
		}
		return -1
	}
	var next atomic.Int64
	var found atomic.Bool
	first := make([]int, workers)
	var wg sync.WaitGroup
	for w := range first {
		first[w] = -1
		wg.Go(func() {
			for !found.Load() {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo := c * chunk
				if i := f(lo, min(lo+chunk, n)); i >= 0 {
					found.Store(true)
					first[w] = i // a goroutine stops at its first bad index
				}
			}
		})
	}
	wg.Wait()
	best := -1
	for _, i := range first {
		if i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// Chunks calls f(lo, hi) on consecutive ranges covering [0, n), chunk
// items each, concurrently as FirstIndex does.
func Chunks(n, chunk int, f func(lo, hi int)) {
	FirstIndex(n, chunk, func(lo, hi int) int { f(lo, hi); return -1 })
}
