#!/bin/sh
# Side-by-side float32 / float64 runs of MNIST 10-class 784-501-501-10 (batch 128, seed 2),
# same seeds, on the CPU. Binary: go build -o /tmp/eval-fbp-f3264 ./examples/fbp (main at ad8cda8).
# Usage: sh run.sh KIND FLOAT EPOCHS
kind=$1; fl=$2; ep=$3
exec nice -n 10 /usr/bin/time -f "wall %e s, user %U s, sys %S s, maxrss %M KB" \
  /tmp/eval-fbp-f3264 train -data mnist -layer $kind -hidden 501,501 -batch 128 -epochs $ep \
  -seed 2 -float $fl -train-eval 10000 -json -progress=false \
  >$kind-f$fl.jsonl 2>$kind-f$fl.stderr
