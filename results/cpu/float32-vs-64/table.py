#!/usr/bin/env python3
"""Prints the per-epoch test errors of KIND-f32.jsonl and KIND-f64.jsonl side by side (Markdown)."""
import json
import sys

kind = sys.argv[1] if len(sys.argv) > 1 else "mf"
runs = {}
for fl in ("32", "64"):
    try:
        with open(f"{kind}-f{fl}.jsonl") as f:
            runs[fl] = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        runs[fl] = []
print("| epoch | test % f32 | test % f64 | test Bayes % f32 | test Bayes % f64 | train s f32 | train s f64 |")
print("|---|---|---|---|---|---|---|")
for e in range(max(len(r) for r in runs.values())):
    row = [str(e)]
    for key in ("test_error", "test_error_bayes", "epoch_seconds"):
        for fl in ("32", "64"):
            r = runs[fl]
            row.append(f"{r[e][key]:.2f}" if e < len(r) else "–")
    print("| " + " | ".join(row) + " |")
