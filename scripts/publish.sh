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
TRANSIM="${TRANSIM:-transim}"
if ! command -v "$TRANSIM" >/dev/null 2>&1 && [ -x /work/venv/bin/transim ]; then
  TRANSIM=/work/venv/bin/transim
fi
"$TRANSIM" publish scenarios/reference.yaml scenarios/baseline.yaml --out outputs/published
for run in reference baseline; do
  "$TRANSIM" reproduce "outputs/published/$run"
done
