"""Hypothesis profiles for the fuzz tests: `ci` by default, `long` for scripts/fuzz-long.sh.

The default must be `ci` because CI runs the suite in a clean environment: derandomized (the
same cases every run, so a red CI is reproducible), no deadline (a shared 2-core machine makes
timings noise), no example database (nothing written into the checkout), and bounded example
counts so that the whole fuzz directory stays within its two-minute share of CI. Tests scale
their own counts with `fuzz_support.examples`, so `long` multiplies all of them at once.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.fuzz.fuzz_support import CI_EXAMPLES, LONG_EXAMPLES

# too_slow: a case runs real SQLCipher, ECDSA and age, so generation is legitimately slower
# than Hypothesis expects of pure functions. data_too_large: mutated artifacts are large by
# nature (bundles, PDFs). Neither hides a failure: they only concern generation speed.
_SLOW_REAL_COMPONENTS = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=CI_EXAMPLES,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_REAL_COMPONENTS,
)
settings.register_profile(
    "long",
    derandomize=False,
    deadline=None,
    max_examples=LONG_EXAMPLES,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_REAL_COMPONENTS,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
