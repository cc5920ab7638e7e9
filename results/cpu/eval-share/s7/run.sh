#!/bin/sh
# One full W1 epoch (784-501-501-10, batch 128, float32, full MNIST) and its
# evaluation of all 60,000 training and 10,000 test samples (point-wise and
# Bayesian), for the builds prev (0842648, /tmp/prev-fbp) and new
# (/tmp/new-fbp: go build -o /tmp/new-fbp ./examples/fbp), interleaved:
# for each round, MF then AMP, prev then new; then BPI once with new.
# epoch_seconds of epoch 1 is the training, eval_seconds its evaluation.
ep() { # build kind round
	/usr/bin/time -f "$1 $2 r$3: wall %e s, user %U s, sys %S s" /tmp/$1-fbp train -data mnist -layer $2 \
		-hidden 501,501 -epochs 1 -float 32 -json -progress=false >$2-$1-r$3.jsonl 2>>times.txt
}
: >times.txt
for r in 1 2 3; do
	for k in mf amp; do
		ep prev $k $r
		ep new $k $r
	done
done
ep new bpi 1
