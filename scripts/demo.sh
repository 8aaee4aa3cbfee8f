#!/usr/bin/env bash
# Install Observer Logbook and run its main job: a demo vault with a sample polling day.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
exec .venv/bin/observer-cli demo "$@"
