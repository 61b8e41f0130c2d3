#!/bin/bash
# Old and new path one after the other in one session, as benchmarks/README.md reports them
# (used for the 2026-11-28 20:31-20:56 UTC session). Each path is a checkout with its own .venv
# (git worktree add DIR COMMIT; python3 -m venv DIR/.venv; DIR/.venv/bin/pip install -r DIR/requirements.lock;
# DIR/.venv/bin/pip install --no-deps -e DIR). Run it on an otherwise idle machine: the load average
# printed before each step is then the benchmark itself. About 30 minutes on 2 cores.
#
#   OLD=/path/to/old NEW=/path/to/new [PREV=/path/to/another] OUT=folder bash benchmarks/quiet_session.sh
set -u
OUT=${OUT:-benchmarks/quiet-session}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
step() { echo "== $1 $(date +%T) $(cat /proc/loadavg)"; }
bench() { (cd "$2" && .venv/bin/python benchmarks/run.py --cases "$3" --no-error --out "$OUT/$1.json" > "$OUT/$1.txt" 2>&1); }
sweep() { (cd "$2" && .venv/bin/python benchmarks/sweep_speedup.py scenarios/examples/reference-sweep.yaml --variants "$3" \
  --workers 2 --serial 0 --days 12 > "$OUT/$1.txt" 2>&1); }
step new_ref; bench new_ref "$NEW" reference
step old_ref; bench old_ref "$OLD" reference
if [ -n "${PREV:-}" ]; then step prev_ref; bench prev_ref "$PREV" reference; fi
step new_ref2; bench new_ref2 "$NEW" reference
step new_h3; bench new_h3 "$NEW" hourly_3y
step old_h3; bench old_h3 "$OLD" hourly_3y
step new_sw200; sweep new_sw200 "$NEW" 200
step new_sw40; sweep new_sw40 "$NEW" 40
step old_sw40; sweep old_sw40 "$OLD" 40
step new_h7; bench new_h7 "$NEW" hourly_7y
step old_h7; bench old_h7 "$OLD" hourly_7y
step end
