#!/bin/sh
# One full W1 epoch (784-501-501-10, batch 128, float32, full MNIST: 60,000
# training samples) of KIND (mf, amp or bpi), with the end-of-epoch
# evaluation of all 60,000 training and 10,000 test samples (point-wise and
# Bayesian). The JSON line of epoch 1 holds epoch_seconds (training) and
# eval_seconds (evaluation); epoch 0 is the evaluation before training.
# Binary: go build -o /tmp/eval-fbp-epoch ./examples/fbp
# Usage: sh run.sh KIND  (one kind at a time; base/ holds the runs of 5f627e8)
k=$1
exec /usr/bin/time -f "$k: wall %e s, user %U s, sys %S s" /tmp/eval-fbp-epoch train -data mnist -layer $k \
	-hidden 501,501 -epochs 1 -float 32 -json -progress=false >$k.jsonl 2>$k.time
