"""`Steps`: one progress over weighted steps, and the cancel check services stop on."""

from __future__ import annotations

import itertools

import pytest

from observer_app.core.progress import Steps, never_cancel, throttled
from observer_app.errors import OperationCancelled


def test_steps_scale_into_one_total_in_order() -> None:
    reports: list[tuple[int, int]] = []
    steps = Steps(lambda d, t: reports.append((d, t)), never_cancel, [100, 0, 50], "stopped")
    bytes_done = steps.part(0)
    bytes_done(50, 200)  # half of the first step's own total
    steps.finish(0)
    steps.finish(1)  # a weight of 0 still counts as one unit, so the step is visible
    steps.part(2)(10, 10)
    assert steps.total == 151
    assert reports == [(25, 151), (100, 151), (101, 151), (151, 151)]


def test_an_unknown_total_reports_the_start_of_the_step() -> None:
    reports: list[tuple[int, int]] = []
    steps = Steps(lambda d, t: reports.append((d, t)), never_cancel, [10, 10], "stopped")
    steps.part(1)(5, 0)
    assert reports == [(10, 20)]


def test_check_raises_the_given_message_once_cancelled() -> None:
    asked = iter([False, True])
    steps = Steps(lambda d, t: None, lambda: next(asked), [1], "импорт отменён")
    steps.check()
    with pytest.raises(OperationCancelled) as cancelled:
        steps.check()
    assert cancelled.value.message == "импорт отменён"


def test_throttled_progress_passes_the_start_the_end_and_one_report_per_interval() -> None:
    now = [0.0]
    seen: list[tuple[int, int]] = []
    report = throttled(lambda done, total: seen.append((done, total)), 0.04, lambda: now[0])
    report(0, 1000)
    for done in range(1, 1000):
        now[0] += 0.001  # a report every millisecond
        report(done, 1000)
    report(1000, 1000)
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000)
    assert 20 <= len(seen) <= 30  # about one per 40 ms over the second, not a thousand
    reported = [done for done, _total in seen[1:-1]]
    assert all(later - earlier >= 40 for earlier, later in itertools.pairwise(reported))
