#!/bin/sh
# Runs every experiment of results/teacher with the fbp binary built from
# the commit named in README.md (go build -o fbp ./examples/fbp). Usage:
#   FBP=./fbp sh results/teacher/run.sh
set -e
FBP=${FBP:-fbp}
OUT=${OUT:-results/teacher}
M=1,2,3,4,5,6,8,10,12,16,20,24
# EXPERIMENTS §III.1 (thesis Fig. 2.2, 2.3): 1000-1000-1000, 2 non-zeros per row and column,
# offline, mini-batch 4 and online, damping 0.3, 10 teachers per point.
nice -n 10 $FBP teacher -sizes 1000,1000,1000 -kin 2 -kout 2 -act tanh -b 0.1 -m $M \
  -mode offline,batch,online -batch 4 -algo sum-product -damping 0.3 -iters 200 -runs 10 -seed 1 \
  -progress=false -out $OUT/tanh-sum-product > $OUT/tanh-sum-product.txt
nice -n 10 $FBP teacher -sizes 1000,1000,1000 -kin 2 -kout 2 -act tanh -b 0.1 -m $M \
  -mode offline,batch,online -batch 4 -algo max-product -damping 0.3 -iters 200 -runs 10 -seed 1 \
  -progress=false -out $OUT/tanh-max-product > $OUT/tanh-max-product.txt
nice -n 10 $FBP teacher -sizes 1000,1000,1000 -kin 2 -kout 2 -act leakyrelu -a 0.1 -m $M \
  -mode offline,batch,online -batch 4 -algo sum-product -damping 0.3 -iters 200 -runs 10 -seed 1 \
  -progress=false -out $OUT/leakyrelu-sum-product > $OUT/leakyrelu-sum-product.txt
# EXPERIMENTS §III.2 (thesis Fig. 3.1, 3.2): 200-200-200 teacher, ternary student with 3 non-zeros
# per row and column in W_in (in) or W_out (out), offline, 5 teachers per point.
for mis in in out; do
  for algo in sum-product max-sum; do
    for r in 0 0.01; do
      nice -n 10 $FBP teacher -sizes 200,200,200 -student-k$mis 3 -m 2,4,6,8,12,16 -mode offline \
        -algo $algo -r $r -damping 0.3 -iters 200 -runs 5 -seed 1 -progress=false \
        -out $OUT/mismatch-$mis-$algo-r$r > $OUT/mismatch-$mis-$algo-r$r.txt
    done
  done
done
# Extra: soft factors exp(-beta H) for sum-product on the output mismatch (the thesis does not give
# its beta); 3 teachers per point.
nice -n 10 $FBP teacher -sizes 200,200,200 -student-kout 3 -m 4,8,16 -mode offline \
  -algo sum-product -beta 10 -damping 0.3 -iters 200 -runs 3 -seed 1 -progress=false \
  -out $OUT/mismatch-out-sum-product-beta10 > $OUT/mismatch-out-sum-product-beta10.txt
