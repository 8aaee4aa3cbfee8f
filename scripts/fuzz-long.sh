#!/usr/bin/env bash
# The fuzz tests with the `long` Hypothesis profile: 50 times the CI cases, randomized (a new
# search every run). A failure prints the falsifying input and a @reproduce_failure blob.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=long
exec .venv/bin/python -m pytest -q tests/fuzz "$@"
