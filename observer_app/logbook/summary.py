"""`summary`: the coordinator's night at a glance.

Counts of live incidents by category, severity and region, checklist answers (and concerns) by
phase; the stations whose protocol copies fail a control relation, disagree with each other, or
differ from the published result (`comparison.compare`); and every enrolled observer with their
last handoff and what they still owe (assigned stations without a visit, a checklist answer or a
protocol copy). Each part is one grouped query, so the cost follows what is held, once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from observer_app.core.answers import answer_from_json, is_concern
from observer_app.core.catalogue import Catalogue
from observer_app.errors import ObserverError
from observer_app.logbook.comparison import compare
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries import summary as queries
from observer_app.vault.queries.roster import list_enrolled


@dataclass(frozen=True)
class ObserverStanding:
    feed: str
    name: str
    revoked: bool
    last_handoff_utc: str | None
    bundles: int
    events: int
    stations: tuple[str, ...]
    owes_visit: tuple[str, ...]
    owes_checklist: tuple[str, ...]
    owes_protocol: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "name": self.name,
            "revoked": self.revoked,
            "last_handoff_utc": self.last_handoff_utc,
            "bundles": self.bundles,
            "events": self.events,
            "stations": list(self.stations),
            "owes": {
                "visit": list(self.owes_visit),
                "checklist": list(self.owes_checklist),
                "protocol": list(self.owes_protocol),
            },
        }


@dataclass(frozen=True)
class Summary:
    by_category: dict[str, int]
    by_severity: dict[str, int]
    by_region: dict[str, int]
    answers_by_phase: dict[str, int]
    concerns_by_phase: dict[str, int]
    failed_relations: tuple[str, ...]
    disagreements: tuple[str, ...]
    published_differs: tuple[str, ...]
    observers: tuple[ObserverStanding, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "incidents": {
                "by_category": dict(self.by_category),
                "by_severity": dict(self.by_severity),
                "by_region": dict(self.by_region),
            },
            "checklist": {
                "answers_by_phase": dict(self.answers_by_phase),
                "concerns_by_phase": dict(self.concerns_by_phase),
            },
            "stations": {
                "failed_relations": list(self.failed_relations),
                "observers_disagree": list(self.disagreements),
                "published_differs": list(self.published_differs),
            },
            "observers": [o.to_json() for o in self.observers],
        }


def summary(session: LogbookSession, catalogue: Catalogue) -> Summary:
    """The whole vault's picture (see the module docstring)."""
    conn = session.conn
    answers: Counter[str] = Counter()
    concerns: Counter[str] = Counter()
    for row in queries.current_answers(conn):
        answers[row.phase] += 1
        try:
            item = catalogue.item(row.item)
            if is_concern(item, answer_from_json(item, row.value)):
                concerns[row.phase] += 1
        except ObserverError:
            continue  # an item or value this catalogue does not know: counted, not judged
    comparison = compare(session, catalogue)
    live = queries.live_incident_counts(conn)
    handoffs = queries.handoffs_by_author(conn)
    visited = queries.stations_with(conn, "visits")
    answered = queries.stations_with(conn, "checklist_answers")
    copied = queries.stations_with(conn, "protocol_figures")
    standings = []
    for enrolled in list_enrolled(conn, session.identity.feed):
        handoff = handoffs.get(enrolled.feed)
        assigned = enrolled.stations
        standings.append(
            ObserverStanding(
                feed=enrolled.feed,
                name=enrolled.name,
                revoked=enrolled.revoked,
                last_handoff_utc=handoff.last_utc if handoff else None,
                bundles=handoff.bundles if handoff else 0,
                events=handoff.events if handoff else 0,
                stations=assigned,
                owes_visit=tuple(s for s in assigned if (enrolled.feed, s) not in visited),
                owes_checklist=tuple(s for s in assigned if (enrolled.feed, s) not in answered),
                owes_protocol=tuple(s for s in assigned if (enrolled.feed, s) not in copied),
            )
        )
    return Summary(
        by_category=live.by_category,
        by_severity=live.by_severity,
        by_region=live.by_region,
        answers_by_phase=dict(answers),
        concerns_by_phase=dict(concerns),
        failed_relations=tuple(s.station for s in comparison.stations if s.failed_relations),
        disagreements=tuple(comparison.disagreeing),
        published_differs=tuple(comparison.published_differs),
        observers=tuple(standings),
    )
