#!/bin/bash
# Three interleaved rounds of one W1 epoch (784-501-501-10, batch 128,
# float32, full MNIST) with its evaluation, for MF and AMP, by three builds
# of the CLI: old (c5f6134), merged (c1c0269) and new (the revision of
# this directory). Build each with `go build -o /tmp/eval-fbp-epoch-X
# ./examples/fbp` in a worktree of that revision.
for r in 1 2 3; do for k in mf amp; do for b in old merged new; do
	/usr/bin/time -f "$k $b r$r: wall %e s, user %U s, sys %S s" /tmp/eval-fbp-epoch-$b train -data mnist -layer $k \
		-hidden 501,501 -epochs 1 -float 32 -json -progress=false >$k-$b-r$r.jsonl 2>>times.txt
done; done; done
