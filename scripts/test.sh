#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite (Qt offscreen, 2 workers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -n 2 -q "$@"
