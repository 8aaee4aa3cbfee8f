"""The one Progress/Cancel pair that every long-running service takes.

Services stay Qt-free: they call `progress(done, total)` as work advances and poll `cancel()`
between steps, stopping cleanly (no partial record, draft or file) when it returns True. Callbacks
run on the thread that runs the service; a window's worker forwards them to the GUI thread by
signal. `total` is 0 when the amount of work is not known yet.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""`progress(done, total)`: units done so far out of `total` (0: not known yet)."""

Cancel = Callable[[], bool]
"""`cancel() -> bool`: True once the user asked to stop."""


def no_progress(done: int, total: int) -> None:
    """The default when nobody listens."""


def never_cancel() -> bool:
    """The default when nothing can cancel."""
    return False
