"""`protocol compare` and the published result: every observer's copy of a station's protocol
side by side, the fields where they disagree, and the commission's published figures compared
field by field with the observers' copies (as NDI's Apollo does it, offline).

The list of stations whose published result differs from what the observers copied is the
organisation's main finding on election night. Comparison reads three tables whole (observers'
current figures, published figures, verification marks), once each, so its cost grows with the
figures held and not with stations times observers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.protocol import evaluate, expected_fields, field_name
from observer_app.errors import UsageError
from observer_app.logbook.mission import Ballot, ballot
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.protocol_records import parse_assignments
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.coordinator import PROTOCOL_PUBLISHED
from observer_app.vault.queries import comparison as queries


@dataclass(frozen=True)
class ObserverCopy:
    """One observer's figures at a station, with the control relations that failed."""

    feed: str
    observer: str
    figures: dict[str, int]
    failed_checks: tuple[str, ...]
    verified: dict[str, bool]

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "observer": self.observer,
            "figures": dict(self.figures),
            "failed_checks": list(self.failed_checks),
            "verified": dict(self.verified),
        }


@dataclass(frozen=True)
class FieldComparison:
    """One protocol field across the copies: each observer's value and the published one."""

    field: str
    values: dict[str, int]  # feed -> value
    published: int | None

    @property
    def disagreement(self) -> bool:
        return len(set(self.values.values())) > 1

    @property
    def published_differs(self) -> bool:
        """The published value differs from a value an observer copied."""
        return self.published is not None and any(
            value != self.published for value in self.values.values()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "values": dict(self.values),
            "published": self.published,
            "disagreement": self.disagreement,
            "published_differs": self.published_differs,
        }


@dataclass(frozen=True)
class StationComparison:
    station: str
    name: str
    copies: tuple[ObserverCopy, ...]
    published: dict[str, int]
    fields: tuple[FieldComparison, ...]

    @property
    def disagreements(self) -> list[str]:
        return [f.field for f in self.fields if f.disagreement]

    @property
    def published_differences(self) -> list[str]:
        return [f.field for f in self.fields if f.published_differs]

    @property
    def failed_relations(self) -> bool:
        return any(copy.failed_checks for copy in self.copies)

    def to_json(self) -> dict[str, Any]:
        return {
            "station": self.station,
            "name": self.name,
            "observers": [copy.to_json() for copy in self.copies],
            "published": dict(self.published),
            "fields": [f.to_json() for f in self.fields],
            "disagreements": self.disagreements,
            "published_differences": self.published_differences,
        }


@dataclass(frozen=True)
class Comparison:
    stations: tuple[StationComparison, ...]

    @property
    def published_differs(self) -> list[str]:
        """Stations whose published result differs from what an observer copied."""
        return [s.station for s in self.stations if s.published_differences]

    @property
    def disagreeing(self) -> list[str]:
        return [s.station for s in self.stations if s.disagreements]

    def to_json(self) -> dict[str, Any]:
        return {
            "stations": [s.to_json() for s in self.stations],
            "published_differs": self.published_differs,
            "observers_disagree": self.disagreeing,
        }


def _order(names: Iterable[str], expected: Iterable[str]) -> list[str]:
    known = set(names)
    ordered = [name for name in expected if name in known]
    return ordered + sorted(known - set(ordered))


def _failed(figures: Mapping[str, int], catalogue: Catalogue, ballot_now: Ballot) -> list[str]:
    usable: dict[str, int] = {}
    for name, value in figures.items():
        try:
            usable[field_name(name, catalogue, ballot_now.candidates, ballot_now.against_all)] = (
                value
            )
        except UsageError:
            continue  # a field this mission's ballot no longer has: not evaluated
    evaluation = evaluate(usable, catalogue, ballot_now.candidates, ballot_now.against_all)
    return [check.rule.id for check in evaluation.failed]


def compare(session: LogbookSession, catalogue: Catalogue, code: str | None = None) -> Comparison:
    """Every station with figures (or one), each observer's copy side by side."""
    station = require_station(session, code).code if code is not None else None
    ballot_now = ballot(session)
    expected = expected_fields(catalogue, ballot_now.candidates, ballot_now.against_all)
    copies: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in queries.observer_figures(session.conn, station):
        copies[row.station][row.feed][row.field] = row.value
    published: dict[str, dict[str, int]] = defaultdict(dict)
    for row in queries.published(session.conn, station):
        published[row.station][row.field] = row.value
    marks: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for mark in queries.marks(session.conn, station):
        marks[(mark.station, mark.observer)][mark.field] = mark.verified
    names = names_by_feed(session)
    station_names = queries.station_names(session.conn)
    codes = sorted(set(copies) | set(published), key=queries.station_sort_key)
    results: list[StationComparison] = []
    for each in codes:
        by_feed = copies.get(each, {})
        observed = tuple(
            ObserverCopy(
                feed,
                observer_name(names, feed),
                {name: figures[name] for name in _order(figures, expected)},
                tuple(_failed(figures, catalogue, ballot_now)),
                marks.get((each, feed), {}),
            )
            for feed, figures in sorted(by_feed.items(), key=lambda i: observer_name(names, i[0]))
        )
        result = published.get(each, {})
        all_fields = {name for figures in by_feed.values() for name in figures} | set(result)
        fields = tuple(
            FieldComparison(
                name,
                {copy.feed: copy.figures[name] for copy in observed if name in copy.figures},
                result.get(name),
            )
            for name in _order(all_fields, expected)
        )
        results.append(
            StationComparison(each, station_names.get(each, ""), observed, dict(result), fields)
        )
    return Comparison(tuple(results))


def record_published(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    assignments: Iterable[str],
    *,
    source: str = "manual",
) -> dict[str, int]:
    """Record the commission's published figures for a station (`--set P3=812 ...`)."""
    station = require_station(session, code)
    figures = parse_assignments(assignments, catalogue, ballot(session))
    session.record(
        PROTOCOL_PUBLISHED,
        {"id": new_id(), "station": station.code, "figures": figures, "source": source},
        tz=station.tz,
    )
    return queries.published_of(session.conn, station.code)
