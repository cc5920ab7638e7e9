#!/bin/bash
# Interleaved rounds of the BPI (and BP) sweep at W1, 2 threads:
#   base  revision 9cfd8e7 (BASE_BIN, run in $BASE/mpnet, benchmark SweepDtype),
#   main  today's main (MAIN_BIN, in $MAIN/mpnet),
#   aln   optional (ALN_BIN): main's kernels in a binary whose constant table
#         happens to be 64-byte aligned,
#   new   this branch (NEW_BIN, in $NEW/mpnet),
# run one after the other in each round. Output: pairs-f64.txt (or $OUT).
out=$PWD/${OUT:-pairs-f64.txt}
: > $out
bench() { # tag dir bin pattern times round
  (cd $2/mpnet && $3 -test.run XXX -test.bench "$4" -test.benchtime ${5}x 2>&1 | grep '^Bench' | sed "s/^/$1 r$6 /" >> $out)
}
rounds() { # kind dt rounds withBase
  for r in $(seq 1 $3); do
    [ "$4" = 1 ] && bench base $BASE $BASE_BIN "SweepDtype/$2/$1\$" 2 $r
    bench main $MAIN $MAIN_BIN "SweepKernels/$2/$1/avx512\$" 5 $r
    [ -n "$ALN_BIN" ] && bench aln $MAIN $ALN_BIN "SweepKernels/$2/$1/avx512\$" 5 $r
    bench new $NEW $NEW_BIN "SweepKernels/$2/$1/avx512\$" 5 $r
  done
}
rounds bpi float64 ${R64:-5} 1
rounds bpi float32 ${R32:-3} 1
rounds bp float64 ${RBP:-3} 0
rounds bp float32 ${RBP:-3} 0
echo DONE >> $out
