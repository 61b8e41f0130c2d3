#!/usr/bin/env bash
# Regenerate the published runs in outputs/published/ and check that they reproduce.
#
# Run this on purpose only, when a change moves the published numbers, and say
# in the commit why they moved:
#   scripts/publish.sh
#   git add outputs/published && git commit -m "published runs: <why the numbers moved>"
#
# CI reproduces the committed runs with
#   transim reproduce outputs/published/reference
#   transim reproduce outputs/published/baseline
set -euo pipefail
cd "$(dirname "$0")/.."
TRANSIM="${TRANSIM:-transim}"   # or TRANSIM=.venv/bin/transim scripts/publish.sh
"$TRANSIM" publish scenarios/reference.yaml scenarios/baseline.yaml --out outputs/published
for run in reference baseline; do
  "$TRANSIM" reproduce "outputs/published/$run"
done
