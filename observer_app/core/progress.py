"""The one Progress/Cancel pair that every long-running service takes.

Services stay Qt-free: they call `progress(done, total)` as work advances and poll `cancel()`
between steps, stopping cleanly (no partial record, draft or file) when it returns True. Callbacks
run on the thread that runs the service; a window's worker forwards them to the GUI thread by
signal. `total` is 0 when the amount of work is not known yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from observer_app.errors import OperationCancelled

Progress = Callable[[int, int], None]
"""`progress(done, total)`: units done so far out of `total` (0: not known yet)."""

Cancel = Callable[[], bool]
"""`cancel() -> bool`: True once the user asked to stop."""


def no_progress(done: int, total: int) -> None:
    """The default when nobody listens."""


def never_cancel() -> bool:
    """The default when nothing can cancel."""
    return False


class Steps:
    """One long operation made of steps of known weight, reported as one `progress(done,
    total)` over the sum of the weights (a file's bytes, then its metadata, its thumbnail...).

    `part(i)` is the Progress for step `i` (its own `done`/`total` scaled into the step's
    weight); `finish(i)` reports step `i` complete; `check()` raises OperationCancelled with
    `message` once `cancel()` is true, for the service to clean up and stop between steps.
    """

    def __init__(
        self, progress: Progress, cancel: Cancel, weights: Sequence[int], message: str
    ) -> None:
        self._progress = progress
        self._cancel = cancel
        self._weights = [max(int(w), 1) for w in weights]
        self._starts = [sum(self._weights[:i]) for i in range(len(self._weights))]
        self.total = sum(self._weights)
        self._message = message

    def part(self, index: int) -> Progress:
        start, weight = self._starts[index], self._weights[index]

        def report(done: int, total: int) -> None:
            within = weight * min(done, total) // total if total > 0 else 0
            self._progress(start + within, self.total)

        return report

    def finish(self, index: int) -> None:
        self._progress(self._starts[index] + self._weights[index], self.total)

    def check(self) -> None:
        if self._cancel():
            raise OperationCancelled(self._message)


def throttled(
    progress: Progress, interval: float = 0.04, clock: Callable[[], float] = time.monotonic
) -> Progress:
    """`progress`, called at most once per `interval` seconds (plus the start and the end).

    A worker reports every chunk it reads; each report crosses to the GUI thread as a signal and
    repaints a bar. Two hundred photos make thousands of reports a person cannot see apart,
    and handling them takes time from the import itself; a bar updated 25 times a second looks
    the same."""
    last = [float("-inf")]

    def report(done: int, total: int) -> None:
        now = clock()
        if done <= 0 or done >= total or now - last[0] >= interval:
            last[0] = now
            progress(done, total)

    return report
