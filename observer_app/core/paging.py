"""Pages of typed rows with keyset cursors: what a lazy list view asks of a read model.

A cursor holds the sort key of the last row of a page; the next page starts strictly after it
(`WHERE key > cursor ORDER BY key LIMIT n`), so a page costs the same at the start of a list
of 100,000 rows as deep inside it, and rows appended between two pages are neither repeated nor
skipped the way an OFFSET would shift them. Counts are separate calls: a window shows the
first page at once and the total when it is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from observer_app.errors import UsageError
from observer_app.i18n import _

Row = TypeVar("Row")
KeyValue = str | int
MAX_PAGE: Final = 1_000
DEFAULT_PAGE: Final = 100


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the sort key of the last row already shown (opaque)."""

    key: tuple[KeyValue, ...]


@dataclass(frozen=True)
class Page(Generic[Row]):
    """Rows in the read model's order; `next` is None when this page reached the end."""

    rows: tuple[Row, ...]
    next: Cursor | None


def check_limit(limit: int) -> int:
    """A page size the read models accept (1..MAX_PAGE); UsageError otherwise."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise UsageError(_("A page holds 1 to {most} rows.").format(most=MAX_PAGE))
    return limit


def check_cursor(cursor: Cursor | None, shape: tuple[type, ...]) -> tuple[KeyValue, ...] | None:
    """The cursor's key if it has this read model's shape (types in order); UsageError if not.

    Cursors come back from callers, so they are checked like any other input."""
    if cursor is None:
        return None
    key = cursor.key
    if (
        not isinstance(key, tuple)
        or len(key) != len(shape)
        or not all(
            isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, shape, strict=True)
        )
    ):
        raise UsageError(_("This cursor does not belong to this list."))
    return key
