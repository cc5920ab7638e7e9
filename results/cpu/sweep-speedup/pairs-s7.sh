#!/bin/bash
# Interleaved sweep benchmarks of three builds, for each (float type, kind):
# R rounds of base (9cfd8e7, the scalar kernels and gonum's BLAS; see
# README.md for its added benchmark file), prev (0842648, the end of the
# previous session) and new, one after the other.
#   git worktree add $BASE 9cfd8e7 && cp base_sweepdtype_bench_test.go.txt $BASE/mpnet/zz_sweepdtype_bench_test.go
#   (cd $BASE/mpnet && go test -c -o /tmp/mpnet-base.test .)
#   git worktree add $PREV 0842648 && (cd $PREV/mpnet && go test -c -o /tmp/mpnet-prev.test .)
#   (cd $NEW/mpnet && go test -c -o /tmp/mpnet-new.test .)
#   BASE=... PREV=... NEW=... bash pairs-s7.sh   # -> pairs-s7.txt; awk -f ratios.awk pairs-s7.txt
out="$(pwd)/pairs-s7.txt"
: > "$out"
one() { # tag dir binary bench n round
  (cd "$2/mpnet" && "$3" -test.run XXX -test.bench "$4" -test.benchtime "${5}x" 2>&1 | grep '^Bench' | sed "s/^/$1 r$6 /" >> "$out")
}
run() { # kind dt baseN newN rounds
  for r in $(seq 1 "$5"); do
    one base "$BASE" /tmp/mpnet-base.test "SweepDtype/$2/$1\$" "$3" "$r"
    one prev "$PREV" /tmp/mpnet-prev.test "SweepKernels/$2/$1/avx512\$" "$4" "$r"
    one new "$NEW" /tmp/mpnet-new.test "SweepKernels/$2/$1/avx512\$" "$4" "$r"
  done
}
for dt in float32 float64; do
  run mf $dt 5 20 3
  run amp $dt 3 10 3
  run bpi $dt 2 5 2
  run bp $dt 2 5 2
done
echo DONE >> "$out"
