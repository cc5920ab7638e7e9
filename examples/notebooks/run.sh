#!/usr/bin/env bash
# Executes the notebooks of this directory headless with the GoNB kernel and
# writes them back in place, outputs included:
#
#   examples/notebooks/run.sh                 # every *.ipynb here
#   examples/notebooks/run.sh quickstart.ipynb
#
# Needs Debian's jupyter-notebook, python3-nbconvert and python3-ipykernel,
# and the gonb kernel installed (gonb --install); see README.md. A cell that
# fails to compile makes nbconvert fail; GoNB v0.11.1 reports a panicking
# cell as a success with the panic on stderr, so afterwards any error output
# or stderr output in the notebook fails this script too (the cells write
# nothing to stderr when all is well).
#
# Environment: PYTHON (default /usr/bin/python3, Debian's, which has
# nbconvert), NB_CELL_TIMEOUT (seconds per cell, default 600), FBP_ROOT (the
# checkout the notebooks import; default the one holding this script).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/usr/bin/python3}
export FBP_ROOT=${FBP_ROOT:-$(cd ../.. && pwd)}
export PATH="$(go env GOPATH)/bin:$PATH"
if [ $# -eq 0 ]; then
  set -- *.ipynb
fi
for nb in "$@"; do
  echo "=== executing $nb"
  start=$SECONDS
  "$PYTHON" -m nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.kernel_name=gonb \
    --ExecutePreprocessor.timeout="${NB_CELL_TIMEOUT:-600}" \
    --ExecutePreprocessor.record_timing=False \
    "$nb"
  "$PYTHON" - "$nb" <<'PY'
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
