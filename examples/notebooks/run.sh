#!/usr/bin/env bash
# Executes the notebooks of this directory headless with the gophernotes
# kernel (`make gophernotes` installs it; README.md):
#
#   examples/notebooks/run.sh                     # every *.ipynb here, outputs written back in place
#   examples/notebooks/run.sh quickstart.ipynb    # one of them
#   NB_OUTPUT_DIR=/tmp/nb examples/notebooks/run.sh   # executed copies go to /tmp/nb (CI);
#                                                     # the notebooks here are left as they are
#
# A cell that fails (compile error or panic) makes nbconvert fail; afterwards
# any error or stderr output left in the executed notebook fails this script
# too (the cells write nothing to stderr when all is well).
#
# Environment: PYTHON (default /usr/bin/python3, Debian's, which has
# nbconvert), NB_CELL_TIMEOUT (seconds per cell, default 1800:
# the first import compiles the plugin, which takes minutes on a cold build cache), NB_OUTPUT_DIR.
# The notebooks import this checkout's packages by paths relative to this
# directory, which is where nbconvert starts the kernel.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/usr/bin/python3}
if [ $# -eq 0 ]; then
  set -- *.ipynb
fi
if [ -n "${NB_OUTPUT_DIR:-}" ]; then
  mkdir -p "$NB_OUTPUT_DIR"
  NB_OUTPUT_DIR=$(cd "$NB_OUTPUT_DIR" && pwd)
fi
for nb in "$@"; do
  echo "=== executing $nb"
  start=$SECONDS
  if [ -n "${NB_OUTPUT_DIR:-}" ]; then
    out=(--output-dir "$NB_OUTPUT_DIR")
    result="$NB_OUTPUT_DIR/$(basename "$nb")"
  else
    out=(--inplace)
    result=$nb
  fi
  "$PYTHON" -m nbconvert --to notebook --execute "${out[@]}" \
    --ExecutePreprocessor.kernel_name=gophernotes \
    --ExecutePreprocessor.timeout="${NB_CELL_TIMEOUT:-1800}" \
    --ExecutePreprocessor.startup_timeout=300 \
    --ExecutePreprocessor.record_timing=False \
    "$nb"
  "$PYTHON" - "$result" <<'PY'
import sys
import nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
bad = 0
for i, cell in enumerate(nb.cells):
    for out in cell.get("outputs", []):
        if out.output_type == "error" or (out.output_type == "stream" and out.get("name") == "stderr"):
            bad += 1
            text = out.get("text") or "%s: %s" % (out.get("ename"), out.get("evalue"))
            print("%s: cell %d failed:\n%s" % (sys.argv[1], i, text), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
  echo "=== $nb: done in $((SECONDS - start)) s"
done
