"""Checklist answers: validated against the item's answer type, superseded by a later answer.

Every answer is an event; the tables mark the latest per item as current, so `checklist show`
can print the superseded ones as history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.core.answers import (
    AnswerValue,
    answer_from_json,
    answer_to_json,
    format_answer,
    is_concern,
    normalize_answer,
)
from observer_app.core.catalogue import Catalogue, ChecklistItem
from observer_app.core.checklist_answer import ChecklistAnswer
from observer_app.core.ids import new_id
from observer_app.errors import ObserverError
from observer_app.i18n import current_language
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.checklist import CHECKLIST_ANSWERED
from observer_app.vault.queries import checklist as queries


@dataclass(frozen=True)
class ChecklistLine:
    """One item of a station's checklist: its answer in force (if any) and earlier answers."""

    item: ChecklistItem
    phase: str
    current: ChecklistAnswer | None
    superseded: tuple[ChecklistAnswer, ...]

    def value(self) -> AnswerValue | None:
        return _stored_value(self.item, self.current) if self.current is not None else None

    def display(self, language: str | None = None) -> str | None:
        if self.current is None:
            return None
        return format_stored(self.item, self.current, language)

    @property
    def concern(self) -> bool:
        value = self.value()
        return value is not None and is_concern(self.item, value)

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item.id,
            "phase": self.phase,
            "type": str(self.item.type),
            "label": self.item.label.get(current_language()),
            "value": self.current.value if self.current is not None else None,
            "note": self.current.note if self.current is not None else None,
            "time_utc": self.current.time_utc if self.current is not None else None,
            "concern": self.concern,
            "history": [row.entry_json() for row in self.superseded],
        }


def _stored_value(item: ChecklistItem, row: ChecklistAnswer) -> AnswerValue:
    """The stored value re-read against the catalogue; kept raw if the catalogue changed."""
    try:
        return answer_from_json(item, row.value)
    except ObserverError:
        return str(row.value)


def format_stored(item: ChecklistItem, row: ChecklistAnswer, language: str | None = None) -> str:
    """A stored answer (current or superseded) as a reader of `language` sees it."""
    return format_answer(item, _stored_value(item, row), language or current_language())


def answer_item(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    item_id: str,
    raw_value: str,
    note: str | None = None,
    *,
    draft_id: str | None = None,
) -> str:
    """Record an answer (validated: a bad value is a usage error listing allowed values).

    `draft_id` names the checklist section's draft, deleted in the same transaction: pass it
    with the section's last answer."""
    station = require_station(session, code)
    item = catalogue.item(item_id)
    value = normalize_answer(item, raw_value)
    answer_id = new_id()
    clean_note = note.strip() if note is not None and note.strip() else None
    session.record(
        CHECKLIST_ANSWERED,
        {
            "id": answer_id,
            "station": station.code,
            "phase": catalogue.phase_of(item.id).id,
            "item": item.id,
            "value": answer_to_json(value),
            "note": clean_note,
        },
        tz=station.tz,
        draft_id=draft_id,
    )
    return answer_id


def checklist(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    phase: str | None = None,
    feed: str | None = None,
) -> list[ChecklistLine]:
    """Every catalogue item of the phase (or all phases), answered or not, in form order, as
    one author (the holder by default) answered them."""
    station = require_station(session, code)
    phases = [catalogue.phase(phase)] if phase is not None else list(catalogue.phases)
    rows = queries.answers(
        session.conn, feed or session.identity.feed, station.code, phases[0].id if phase else None
    )
    lines: list[ChecklistLine] = []
    for each_phase in phases:
        for item in each_phase.items:
            mine = [row for row in rows if row.item == item.id]
            current = next((row for row in mine if row.current), None)
            lines.append(
                ChecklistLine(
                    item=item,
                    phase=each_phase.id,
                    current=current,
                    superseded=tuple(row for row in mine if not row.current),
                )
            )
    return lines


@dataclass(frozen=True)
class ObserverChecklist:
    """One author's answers at a station, named for the merged view."""

    feed: str
    observer: str
    lines: tuple[ChecklistLine, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "observer": self.observer,
            "answers": [line.to_json() for line in self.lines],
        }


def station_checklists(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    phase: str | None = None,
    observer: str | None = None,
) -> list[ObserverChecklist]:
    """Every author's checklist at the station (or one author's: `observer`, a feed), the
    holder's first; the holder's empty form when nobody answered yet."""
    station = require_station(session, code)
    own = session.identity.feed
    feeds = (
        [observer]
        if observer is not None
        else queries.feeds_with_answers(session.conn, station.code)
    )
    if not feeds:
        feeds = [own]
    feeds.sort(key=lambda feed: (feed != own, feed))
    names = names_by_feed(session)
    return [
        ObserverChecklist(
            feed,
            observer_name(names, feed),
            tuple(checklist(session, catalogue, station.code, phase, feed)),
        )
        for feed in feeds
    ]
