"""The mission: its name, polling date and the ballot (candidates, whether 'against all' exists).

The protocol checks need the ballot: votes are recorded per candidate (`P11[<id>]`) and `P12`
exists only where 'against all' is on the ballot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from observer_app.core.protocol import validate_candidates
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.projection.mission import MISSION_SET
from observer_app.vault.queries.mission import Candidate, MissionRow, current_mission


@dataclass(frozen=True)
class Ballot:
    """What the protocol arithmetic needs to know about the mission."""

    candidates: tuple[str, ...]
    against_all: bool


NO_BALLOT = Ballot(candidates=(), against_all=False)


def parse_candidate(text: str) -> Candidate:
    """`A=Name Surname` -> Candidate("A", "Name Surname")."""
    candidate_id, separator, name = text.partition("=")
    if not separator or not candidate_id.strip() or not name.strip():
        raise UsageError(_("Expected a candidate as ID=NAME, such as A=Aigerim Sapar."))
    return Candidate(candidate_id.strip(), " ".join(name.split()))


def set_mission(
    session: LogbookSession,
    name: str,
    date: str,
    candidates: Iterable[str | Candidate],
    against_all: bool,
) -> MissionRow:
    """Declare (or replace) the mission; the journal keeps every earlier declaration."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise UsageError(_("The mission needs a name."))
    try:
        polling_day = dt.date.fromisoformat(date.strip())
    except ValueError:
        raise UsageError(
            _("'{value}' is not a date such as 2026-03-15.").format(value=date)
        ) from None
    parsed = [c if isinstance(c, Candidate) else parse_candidate(c) for c in candidates]
    validate_candidates([c.id for c in parsed])
    session.record(
        MISSION_SET,
        {
            "name": clean_name,
            "date": polling_day.isoformat(),
            "candidates": [{"id": c.id, "name": c.name} for c in parsed],
            "against_all": bool(against_all),
        },
    )
    mission = current_mission(session.conn, session.identity.feed)
    assert mission is not None
    return mission


def get_mission(session: LogbookSession) -> MissionRow | None:
    return current_mission(session.conn, session.identity.feed)


def ballot(session: LogbookSession) -> Ballot:
    mission = get_mission(session)
    if mission is None:
        return NO_BALLOT
    return Ballot(candidates=mission.candidate_ids, against_all=mission.against_all)
