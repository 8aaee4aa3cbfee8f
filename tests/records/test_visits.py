from __future__ import annotations

import pytest

from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import visits
from observer_app.logbook.session import LogbookSession


def test_visit_with_a_break_is_stored_in_utc(day: LogbookSession) -> None:
    visit_id = visits.start_visit(day, "101", "2026-03-15T06:30")
    visits.pause_visit(day, "101", "2026-03-15T10:00")
    visits.resume_visit(day, "101", "2026-03-15T10:20+05:00")
    assert visits.end_visit(day, "101", "2026-03-15T13:30") == visit_id
    [visit] = visits.list_visits(day, "101")
    assert (visit.started_utc, visit.ended_utc) == (
        "2026-03-15T01:30:00.000Z",
        "2026-03-15T08:30:00.000Z",
    )
    assert [(b.started_utc, b.ended_utc) for b in visit.breaks] == [
        ("2026-03-15T05:00:00.000Z", "2026-03-15T05:20:00.000Z")
    ]


def test_ending_a_visit_ends_its_open_break(day: LogbookSession) -> None:
    visits.start_visit(day, "101", "2026-03-15T06:30")
    visits.pause_visit(day, "101", "2026-03-15T10:00")
    visits.end_visit(day, "101", "2026-03-15T11:00")
    [visit] = visits.list_visits(day)
    assert visit.breaks[0].ended_utc == visit.ended_utc == "2026-03-15T06:00:00.000Z"


def test_visit_order_is_enforced(day: LogbookSession) -> None:
    with pytest.raises(UserActionError):
        visits.end_visit(day, "101")
    with pytest.raises(UserActionError):
        visits.pause_visit(day, "101")
    visits.start_visit(day, "101", "2026-03-15T06:30")
    with pytest.raises(UserActionError):
        visits.start_visit(day, "101")
    with pytest.raises(UserActionError):
        visits.resume_visit(day, "101")
    with pytest.raises(UsageError):
        visits.end_visit(day, "101", "2026-03-15T06:00")
    with pytest.raises(UsageError):
        visits.end_visit(day, "101", "half past six")
    with pytest.raises(UserActionError):
        visits.start_visit(day, "999")
    # Another station may be visited meanwhile (mobile teams); 101 stays open.
    visits.start_visit(day, "AKT-7", "2026-03-15T07:00")
    assert [v.ended_utc for v in visits.list_visits(day)] == [None, None]
