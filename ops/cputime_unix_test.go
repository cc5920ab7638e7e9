//go:build unix

package ops

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) this process has used, so
// that benchmarks on a shared machine can report work rather than wall time.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
