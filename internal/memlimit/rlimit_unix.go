//go:build unix

package memlimit

import "syscall"

// addressSpaceLimit returns the limit on the process's address space
// (ulimit -v), or 0 when there is none (unlimited is all ones).
func addressSpaceLimit() int64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err != nil || r.Cur >= 1<<62 {
		return 0
	}
	return int64(r.Cur)
}
