#!/bin/sh
# Three runs of the default `go run ./examples/fbp train` (embedded subset),
# the first compile excluded (one `go build` first, so that `go run` finds
# its binary in the build cache). Prints each run's table, its wall, user and
# system time, and the load average before and after (the machine is shared).
# Extra arguments go to every run (runs-f32.txt: sh run.sh -float 32).
cd "$(dirname "$0")/../../.." || exit 1
go build -o /dev/null ./examples/fbp || exit 1
go run ./examples/fbp train -h >/dev/null 2>&1
for i in 1 2 3; do
	echo "== run $i  $(date -u +%H:%M:%S)  load $(cut -d' ' -f1-3 /proc/loadavg)"
	/usr/bin/time -f "wall %e s, user %U s, sys %S s" go run ./examples/fbp train -progress=false "$@" 2>&1
	echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
