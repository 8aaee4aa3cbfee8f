"""An incident's history in words: recorded, then each amendment as "field: old → new", voided.

The old value of an amended field is the one the previous events left, so the history is
replayed from the `incident.added` body; a reader sees what changed from what to what without
comparing versions by hand. Shared by `incident show` and the coming window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from observer_app.core.incidents import FIELD_LABELS, VOCABULARY_OF_FIELD
from observer_app.i18n import _
from observer_app.logbook.incidents import HistoryEntry
from observer_app.logbook.localtime import format_local
from observer_app.logbook.record_words import RecordWords, named


@dataclass(frozen=True)
class HistoryLine:
    when: str
    seq: int
    text: str


def _value(words: RecordWords, name: str, value: Any, zone: str) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if name == "at":
        return format_local(str(value), zone)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name == "category" or name in VOCABULARY_OF_FIELD:
        return words.field_value(name, value)
    return str(value)


def _change(words: RecordWords, name: str, old: Any, new: Any, zone: str) -> str:
    return _("{field}: {old} → {new}").format(
        field=named(FIELD_LABELS, name),
        old=_value(words, name, old, zone),
        new=_value(words, name, new, zone),
    )


def history_lines(
    history: Iterable[HistoryEntry], words: RecordWords, zone: str
) -> list[HistoryLine]:
    """One line per event; times in the event's zone, values in the incident's zone."""
    state: dict[str, Any] = {}
    lines: list[HistoryLine] = []
    for entry in history:
        body = entry.event.body
        if entry.kind == "added":
            state = dict(body)
            text = _("recorded")
        elif entry.kind == "amended":
            changes = body.get("changes", {})
            changes = changes if isinstance(changes, dict) else {}
            text = _("amended: {changes}").format(
                changes="; ".join(
                    _change(words, k, state.get(k), v, zone)
                    for k, v in changes.items()
                    if k != "tz"
                )
            )
            state.update(changes)
            if body.get("reason"):
                text += " (" + _("reason: {reason}").format(reason=body["reason"]) + ")"
        else:
            text = _("voided: {reason}").format(reason=body.get("reason", ""))
        when = format_local(entry.event.time_utc, entry.event.tz)
        lines.append(HistoryLine(when, entry.event.seq, text))
    return lines
