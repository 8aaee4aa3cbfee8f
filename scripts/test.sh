#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite (Qt offscreen, 2 workers).
#
# The install step keeps the caller's environment (pip may need its proxy or index settings);
# the test runner gets a clean one (`env -i`), so that a variable set on a development machine
# (PYTHONUNBUFFERED, PYTHONDONTWRITEBYTECODE, OBSERVER_*, a LANGUAGE ...) cannot hide a defect
# that a fresh machine shows.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
clean_env=(PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen)
if [ -n "${TMPDIR:-}" ]; then
  clean_env+=(TMPDIR="$TMPDIR")
fi
exec env -i "${clean_env[@]}" .venv/bin/python -m pytest -n 2 -q "$@"
