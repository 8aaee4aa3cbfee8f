#!/usr/bin/env bash
# Every screen of the window in en, ru and kk, captured under Xvfb at 1366x768 into
# docs/screenshots/ (a throw-away demo vault; nothing is written to your home or config).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
exec xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \
  .venv/bin/python scripts/screenshots.py "$@"
