#!/bin/sh
# gpu-check: run the CUDA parity tests, benchmarks and a short training run on
# a GPU machine (NVIDIA driver + CUDA 13 libraries; no Go needed). Built here
# by `make gpu-check` into build/gpu-check/, which is copied there with the
# MNIST files in data/mnist (FBP_DATA=$PWD/data); run from that directory:
#   sh run.sh [out-dir]
# It prints one summary at the end and keeps the full logs in out-dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
mkdir -p "$out"
export FBP_DATA=${FBP_DATA:-$here/data}
status=0
step() { # name, command...
	name=$1; shift
	start=$(date +%s)
	if "$@" >"$out/$name.log" 2>&1; then r=ok; else r=FAIL; status=1; fi
	echo "$name: $r ($(( $(date +%s) - start )) s)" >>"$out/summary.txt"
}
: >"$out/summary.txt"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$out/gpu.txt" 2>&1
# Test binaries look for their testdata relative to the package directory.
mkdir -p "$here/pkg/ops" "$here/pkg/mpnet" "$here/pkg/pasp"
(cd "$here/pkg/ops" && step ops-parity "$here/ops.test" -test.run GPU -test.v)
(cd "$here/pkg/mpnet" && step sweep-parity "$here/mpnet.test" -test.run 'GPU' -test.v)
(cd "$here/pkg/pasp" && step epoch-parity "$here/pasp.test" -test.run GPUEpoch -test.v -test.timeout 30m)
(cd "$here/pkg/ops" && step ops-bench "$here/ops.test" -test.run XXX -test.bench GPUOps -test.benchtime 2000x)
(cd "$here/pkg/mpnet" && step sweep-bench "$here/mpnet.test" -test.run XXX -test.bench SweepCUDA -test.benchtime 200x)
step train "$here/fbp" train -device cuda -data mnist -datadir "$FBP_DATA" -layer bpi -hidden 501,501 -epochs 2 -progress=false -train-eval 10000
{
	echo "== gpu-check $(date -u +%FT%TZ) on $(cat "$out/gpu.txt")"
	cat "$out/summary.txt"
	grep -h "max |m_cpu" "$out/epoch-parity.log"
	grep -h "W1 sweep" "$out/sweep-parity.log"
	grep -h "^Benchmark" "$out/ops-bench.log" "$out/sweep-bench.log"
	tail -n 4 "$out/train.log"
} | tee "$out/report.txt"
exit $status
