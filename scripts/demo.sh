#!/usr/bin/env bash
# Install Observer Logbook and run its main job: a demo vault with a sample polling day, opened
# in the window when a display is present (headless: the commands to explore it are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/observer-cli demo "$@"  # the caller chose the folder or options
fi
target=observer-demo
n=1
while [ -e "$target" ]; do
  n=$((n + 1))
  target="observer-demo-$n"
done
.venv/bin/observer-cli demo --out "$target"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
  echo
  echo "Opening the window on $target (type the passphrase above)..."
  exec .venv/bin/observer-app --vault "$target"
fi
echo
echo "No display here: explore the vault with the observer-cli commands above, or see the"
echo "window under a virtual display: xvfb-run -a .venv/bin/observer-app --vault $target"
echo "(screenshots of every screen: bash scripts/screenshots.sh -> docs/screenshots/)"
