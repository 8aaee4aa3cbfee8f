"""How an incident's amendment reads: one formatter for `incident show` and the report's pages.

An amendment's `changes` hold field names and values as the journal stores them (ids of coded
fields, UTC times, lists of names). Each shell or document words them in its reader's language
through a `ChangeWording`, so the rules (which field is coded by which vocabulary, how a list
reads) live once and the window can reuse them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from observer_app.core.incidents import FIELD_LABELS, VOCABULARY_OF_FIELD


class ChangeWording(Protocol):
    """One reader's words for a change: translations, labels of ids, times and name lists."""

    def gettext(self, message: str) -> str: ...

    def category(self, category_id: str) -> str: ...

    def term(self, vocabulary: str, term_id: str) -> str: ...

    def moment(self, utc_text: str) -> str: ...

    def names(self, values: Sequence[str]) -> str: ...


def field_name(key: str, wording: ChangeWording) -> str:
    """The field's label in the reader's language; an unknown (newer) field by its name."""
    return wording.gettext(FIELD_LABELS[key]) if key in FIELD_LABELS else key


def change_value(key: str, value: object, wording: ChangeWording) -> str:
    """A changed value as the reader reads it: labels for ids, local times, joined names."""
    if key == "at" and isinstance(value, str):
        return wording.moment(value)
    if key == "category" and isinstance(value, str):
        return wording.category(value)
    if key in VOCABULARY_OF_FIELD and isinstance(value, str):
        return wording.term(VOCABULARY_OF_FIELD[key], value)
    if isinstance(value, list):
        return wording.names([str(v) for v in value])
    return str(value)


def describe_changes(
    changes: Mapping[str, object],
    wording: ChangeWording,
    *,
    arrow: str,
    leave_out: Collection[str] = (),
) -> str:
    """`name <arrow> value` for each change (except `leave_out`), joined by "; "."""
    return "; ".join(
        f"{field_name(key, wording)} {arrow} {change_value(key, value, wording)}"
        for key, value in changes.items()
        if key not in leave_out
    )
