package main

import "iter"

// pause hands the emission over to the next vector of points while
// interleave runs; elsewhere it does nothing.
var pause = func() {}

// interleave emits emit(0), …, emit(n−1) with their instructions
// interleaved: each runs as a coroutine up to its next pause, in turn, so
// that the instruction streams of independent vectors alternate in stages
// and the out-of-order window holds ready work of every vector. The
// vectors must share no register they write.
func interleave(n int, emit func(j int)) {
	if n == 1 {
		emit(0)
		return
	}
	saved := pause
	defer func() { pause = saved }()
	next := make([]func() (struct{}, bool), n)
	ys := make([]func(struct{}) bool, n) // each coroutine's yield
	var cur int
	pause = func() { ys[cur](struct{}{}) }
	for j := range next {
		var stop func()
		next[j], stop = iter.Pull(func(y func(struct{}) bool) {
			ys[j] = y
			emit(j)
		})
		defer stop()
	}
	for live := n; live > 0; {
		live = 0
		for j, f := range next {
			if f == nil {
				continue
			}
			cur = j
			if _, ok := f(); ok {
				live++
			} else {
				next[j] = nil
			}
		}
	}
}
