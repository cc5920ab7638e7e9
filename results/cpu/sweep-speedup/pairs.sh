#!/bin/bash
# Interleaved base/new sweep benchmarks: for each (dtype, kind), R rounds of base then new.
out="$(pwd)/pairs.txt"
: > $out
run() { # kind dt baseN newN rounds
  for r in $(seq 1 $5); do
    (cd $BASE/mpnet && /tmp/mpnet-base.test -test.run XXX -test.bench "SweepDtype/$2/$1\$" -test.benchtime ${3}x 2>&1 | grep '^Bench' | sed "s/^/base r$r /" >> $out)
    (cd $NEW/mpnet && /tmp/mpnet-new.test -test.run XXX -test.bench "SweepKernels/$2/^$1\$/avx512\$" -test.benchtime ${4}x 2>&1 | grep '^Bench' | sed "s/^/new  r$r /" >> $out)
  done
}
for dt in float32 float64; do
  run mf $dt 5 20 ${MFROUNDS:-3}
  run amp $dt 3 10 ${MFROUNDS:-3}
  run bpi $dt 2 5 3
  run bp $dt 2 5 3
done
echo DONE >> $out
