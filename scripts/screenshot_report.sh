#!/bin/sh
# Screenshot a run's report.html in headless Chromium (from the system packages).
#   scripts/screenshot_report.sh RUN_DIR [OUT.png]
# Install Chromium on Debian/Ubuntu with: apt-get install -y chromium
set -eu
run_dir=${1:?usage: $0 RUN_DIR [OUT.png]}
out=${2:-$run_dir/report.png}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not found: apt-get install -y chromium" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --user-data-dir="$profile" --window-size=1280,6000 \
  --screenshot="$(realpath -m "$out")" "file://$(realpath "$run_dir")/report.html" 2>/dev/null
echo "screenshot: $out"
