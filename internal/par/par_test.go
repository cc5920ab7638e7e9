package par

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestFirstIndex checks FirstIndex against a serial scan: every index
// visited once when none is bad, and the smallest bad index found, for
// bad indices in the first, a middle and the last chunk and for every
// index of the second half bad, on one to eight goroutines.
func TestFirstIndex(t *testing.T) {
	for _, n := range []int{0, 1, 5, 17, 100, 1000} {
		for _, chunk := range []int{0, 1, 3, 7, 100, 5000} {
			for _, procs := range []int{1, 2, 4, 8} {
				bads := [][]int{nil}
				if n > 0 {
					bads = append(bads, []int{0}, []int{n - 1}, []int{n / 2, n - 1}, []int{n * 2 / 3, n / 3, n * 4 / 5})
					// Every index from n/2 on: several goroutines report one.
					var half []int
					for i := n / 2; i < n; i++ {
						half = append(half, i)
					}
					bads = append(bads, half)
				}
				for _, bad := range bads {
					want := -1
					if len(bad) > 0 {
						want = slices.Min(bad)
					}
					visits := make([]int, n)
					var got int
					withProcs(procs, func() {
						got = FirstIndex(n, chunk, func(lo, hi int) int {
							for i := lo; i < hi; i++ {
								visits[i]++
								if slices.Contains(bad, i) {
									// Wait, so that other goroutines find
									// their own bad indices meanwhile.
									time.Sleep(50 * time.Microsecond)
									return i
								}
							}
							return -1
						})
					})
					if got != want {
						t.Errorf("n %d chunk %d procs %d bad %v: FirstIndex = %d, want %d", n, chunk, procs, bad, got, want)
					}
					for i, v := range visits {
						if (v > 1 || (v == 0 && bad == nil)) && !t.Failed() {
							t.Errorf("n %d chunk %d procs %d bad %v: index %d visited %d times", n, chunk, procs, bad, i, v)
						}
					}
				}
			}
		}
	}
}

// withProcs runs f with GOMAXPROCS set to procs.
func withProcs(procs int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	f()
}

// TestChunks checks that Chunks visits every index once.
func TestChunks(t *testing.T) {
	for _, n := range []int{0, 1, 17, 1000} {
		for _, chunk := range []int{1, 7, 5000} {
			visits := make([]int, n)
			withProcs(4, func() {
				Chunks(n, chunk, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						visits[i]++
					}
				})
			})
			for i, v := range visits {
				if v != 1 {
					t.Errorf("n %d chunk %d: index %d visited %d times", n, chunk, i, v)
				}
			}
		}
	}
}
