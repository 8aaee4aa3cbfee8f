"""A checklist answer as recorded: defined once for the vault's query, `checklist show`, the
report's pages and its JSON attachment (and the coming window).

The field names are those of the `checklist.answered` body (`value` in its JSON form, see
`core.answers.AnswerJson`), which are contracts; `current` says whether a later answer to the
same item superseded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChecklistAnswer:
    id: str
    feed: str
    station: str
    phase: str
    item: str
    value: Any
    note: str | None
    time_utc: str
    tz: str
    current: bool

    def entry_json(self) -> dict[str, Any]:
        """What one answer says, wherever it is listed (its item and station are the list's)."""
        return {
            "id": self.id,
            "value": self.value,
            "note": self.note,
            "time_utc": self.time_utc,
            "tz": self.tz,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.entry_json(),
            "feed": self.feed,
            "station": self.station,
            "phase": self.phase,
            "item": self.item,
            "current": self.current,
        }
