"""`Steps`: one progress over weighted steps, and the cancel check services stop on."""

from __future__ import annotations

import pytest

from observer_app.core.progress import Steps, never_cancel
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
