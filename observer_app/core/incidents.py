"""An incident as recorded: its fields, the vocabulary of each coded field, and their labels.

Defined once here so that the vault's query, the amendment rules, `incident show`, the report's
pages and its JSON attachment (and the coming window) cannot disagree about what an incident
holds or what a field is called. The names are those of the `incident.added` body and of an
amendment's `changes` (`at` is the time it happened), which are contracts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from observer_app.i18n import N_

# Coded fields -> the catalogue vocabulary their ids come from (`category` has its own list).
VOCABULARY_OF_FIELD: Mapping[str, str] = {
    "severity": "severity",
    "seen": "seen",
    "status": "incident_status",
    "follow_up": "follow_up",
}

# Field names as shown in a history (untranslated; callers translate in their own language).
FIELD_LABELS: Mapping[str, str] = {
    "station": N_("station"),
    "category": N_("category"),
    "severity": N_("severity"),
    "seen": N_("seen"),
    "status": N_("status"),
    "follow_up": N_("follow-up"),
    "text": N_("text"),
    "persons": N_("persons involved"),
    "witnesses": N_("witnesses"),
    "at": N_("time"),
    "tz": N_("time zone"),
}


@dataclass(frozen=True)
class Incident:
    """One incident as it stands now (amendments applied; a void keeps it, marked)."""

    id: str
    feed: str
    seq: int
    station: str
    category: str
    severity: str
    seen: str
    status: str
    follow_up: str
    text: str
    persons: tuple[str, ...]
    witnesses: tuple[str, ...]
    occurred_utc: str
    tz: str
    recorded_utc: str
    amended: int
    voided: bool
    void_reason: str | None

    def field_values(self) -> dict[str, Any]:
        """The amendable fields under their event names, valued as an event body holds them:
        what an amendment is compared with, so that only real changes are recorded."""
        return {
            "station": self.station,
            "tz": self.tz,
            "category": self.category,
            "severity": self.severity,
            "seen": self.seen,
            "status": self.status,
            "follow_up": self.follow_up,
            "text": self.text,
            "persons": list(self.persons),
            "witnesses": list(self.witnesses),
            "at": self.occurred_utc,
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON of `incident list|show` (keys sorted on output); the report's attachment
        derives from it."""
        values = self.field_values()
        values["time_utc"] = values.pop("at")
        return {
            "id": self.id,
            "feed": self.feed,
            **values,
            "recorded_utc": self.recorded_utc,
            "amended": self.amended,
            "voided": self.voided,
            "void_reason": self.void_reason,
        }
