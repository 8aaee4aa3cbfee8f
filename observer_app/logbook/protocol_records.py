"""Results-protocol records: the observer copies the protocol field by field, in any order.

Each `protocol record` adds the given fields (the latest value of a field wins; every value is
kept) and evaluates every control relation on what is known so far, so that a falsified or
sloppy protocol shows up while the observer is still in the room.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.core.ids import new_id
from observer_app.core.protocol import (
    ProtocolEvaluation,
    evaluate,
    expected_fields,
    field_name,
    parse_assignment,
)
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.mission import Ballot, ballot
from observer_app.logbook.observers import names_by_feed, observer_name
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.projection.protocol import PROTOCOL_RECORDED
from observer_app.vault.queries import protocol as queries
from observer_app.vault.queries.protocol import FigureValue


@dataclass(frozen=True)
class ProtocolView:
    """A station's figures as recorded so far, their evaluation and the values they replaced."""

    station: str
    figures: dict[str, int]
    evaluation: ProtocolEvaluation
    expected: tuple[str, ...]
    # Recorded figures that the current mission no longer has (e.g. a candidate removed).
    ignored: dict[str, int]
    history: tuple[FigureValue, ...]
    # Whose copy this is (a coordinator's vault holds one per observer), and the figures a
    # coordinator marked verified (True) or not (False) against the paper protocol.
    feed: str = ""
    observer: str = ""
    verified: dict[str, bool] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [name for name in self.expected if name not in self.figures]

    def to_json(self) -> dict[str, Any]:
        evaluated = self.evaluation.to_json()
        return {
            "station": self.station,
            "feed": self.feed,
            "observer": self.observer,
            "figures": dict(self.figures),
            "verified": dict(self.verified),
            "checks": evaluated["checks"],
            "turnout": evaluated["turnout"],
            "turnout_missing": evaluated["turnout_missing"],
            "all_ok": self.evaluation.all_ok,
            "missing_fields": self.missing,
            "ignored": dict(self.ignored),
            "history": [
                {"record": v.record, "field": v.field, "value": v.value, "time_utc": v.time_utc}
                for v in self.history
            ],
        }


def _usable(
    figures: Mapping[str, int], catalogue: Catalogue, ballot_now: Ballot
) -> tuple[dict[str, int], dict[str, int]]:
    usable: dict[str, int] = {}
    ignored: dict[str, int] = {}
    for name, value in figures.items():
        try:
            canonical = field_name(name, catalogue, ballot_now.candidates, ballot_now.against_all)
        except UsageError:
            ignored[name] = value
        else:
            usable[canonical] = value
    return usable, ignored


def _ordered(figures: Mapping[str, int], order: Iterable[str]) -> dict[str, int]:
    ordered = {name: figures[name] for name in order if name in figures}
    ordered.update({name: value for name, value in sorted(figures.items()) if name not in ordered})
    return ordered


def parse_assignments(
    assignments: Iterable[str], catalogue: Catalogue, ballot_now: Ballot
) -> dict[str, int]:
    """`["P3=812", "p11[A]=240"]` -> `{"P3": 812, "P11[A]": 240}`, each field at most once."""
    figures: dict[str, int] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        if "[" in name and not ballot_now.candidates:
            raise UsageError(
                _("No candidates are known yet: set them with 'mission set --candidate ID=NAME'.")
            )
        canonical = field_name(name, catalogue, ballot_now.candidates, ballot_now.against_all)
        if canonical in figures:
            raise UsageError(_("{field} is given twice.").format(field=canonical))
        figures[canonical] = value
    if not figures:
        raise UsageError(_("Give at least one field as NAME=VALUE."))
    return figures


def record_protocol(
    session: LogbookSession,
    catalogue: Catalogue,
    code: str,
    assignments: Iterable[str],
    *,
    draft_id: str | None = None,
) -> ProtocolView:
    """Record protocol figures; `draft_id` (the form's draft) is deleted in the same commit."""
    station = require_station(session, code)
    ballot_now = ballot(session)
    figures = parse_assignments(assignments, catalogue, ballot_now)
    session.record(
        PROTOCOL_RECORDED,
        {"id": new_id(), "station": station.code, "figures": figures},
        tz=station.tz,
        draft_id=draft_id,
    )
    return protocol_view(session, catalogue, station.code)


def protocol_view(
    session: LogbookSession, catalogue: Catalogue, code: str, feed: str | None = None
) -> ProtocolView:
    """One author's copy of the station's protocol (the holder's by default)."""
    station = require_station(session, code)
    ballot_now = ballot(session)
    feed = feed or session.identity.feed
    usable, ignored = _usable(
        queries.current_figures(session.conn, feed, station.code), catalogue, ballot_now
    )
    expected = tuple(expected_fields(catalogue, ballot_now.candidates, ballot_now.against_all))
    return ProtocolView(
        station=station.code,
        figures=_ordered(usable, expected),
        evaluation=evaluate(usable, catalogue, ballot_now.candidates, ballot_now.against_all),
        expected=expected,
        ignored=ignored,
        history=tuple(queries.figure_history(session.conn, feed, station.code)),
        feed=feed,
        observer=observer_name(names_by_feed(session), feed),
        verified=queries.verified_fields(session.conn, feed, station.code),
    )


def protocol_views(
    session: LogbookSession, catalogue: Catalogue, code: str, observer: str | None = None
) -> list[ProtocolView]:
    """Every author's copy of the station's protocol (or one author's: `observer`, a feed);
    the holder's own (empty) copy when nobody copied any figure yet."""
    station = require_station(session, code)
    feeds = queries.feeds_with_figures(session.conn, station.code)
    if observer is not None:
        feeds = [observer]
    elif not feeds:
        feeds = [session.identity.feed]
    own = session.identity.feed
    feeds.sort(key=lambda feed: (feed != own, feed))
    return [protocol_view(session, catalogue, station.code, feed) for feed in feeds]
