from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import mission, protocol_records
from observer_app.logbook.session import LogbookSession

CONSISTENT = [
    "P1=1000",
    "P1a=950",
    "P1b=50",
    "P2=1000",
    "P3=600",
    "P4=50",
    "P5=340",
    "P6=10",
    "P7=600",
    "P8=50",
    "P9=20",
    "P10=630",
    "P11[A]=400",
    "P11[B]=230",
    "O1=650",
]


def _checks(view: protocol_records.ProtocolView) -> dict[str, bool | None]:
    return {check.rule.id: check.ok for check in view.evaluation.checks}


def test_a_consistent_protocol_passes_every_relation(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    view = protocol_records.record_protocol(day, catalogue, "101", CONSISTENT)
    assert set(_checks(view)) == {rule.id for rule in catalogue.control_rules}
    assert all(ok is True for ok in _checks(view).values())
    assert view.evaluation.turnout_basis_points == 6500
    assert view.missing == [] and view.evaluation.all_ok is True
    document = view.to_json()
    assert document["station"] == "101" and document["figures"]["P11[A]"] == 400
    assert document["turnout"]["basis_points"] == 6500
    assert {c["rule"] for c in document["checks"]} == set(_checks(view))


def test_fields_accumulate_latest_wins_and_history_is_kept(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    first = protocol_records.record_protocol(day, catalogue, "101", ["P1=1000", "P1a=950"])
    checks = {c.rule.id: c for c in first.evaluation.checks}
    assert checks["list_total"].ok is None and checks["list_total"].missing == ["P1b"]
    assert first.evaluation.turnout is None
    view = protocol_records.record_protocol(day, catalogue, "101", ["P1b=40"])
    assert _checks(view)["list_total"] is False
    view = protocol_records.record_protocol(day, catalogue, "101", ["p1b=50"])
    assert _checks(view)["list_total"] is True
    assert view.figures == {"P1": 1000, "P1a": 950, "P1b": 50}
    assert [(v.field, v.value) for v in view.history if v.field == "P1b"] == [
        ("P1b", 40),
        ("P1b", 50),
    ]
    # Figures are per station.
    other = protocol_records.protocol_view(day, catalogue, "AKT-7")
    assert other.figures == {} and other.evaluation.all_ok is None


def test_an_inconsistent_protocol_names_the_failed_relations(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    stuffed = [f for f in CONSISTENT if not f.startswith(("P7=", "O1="))] + ["P7=700", "O1=610"]
    view = protocol_records.record_protocol(day, catalogue, "101", stuffed)
    failed = {check.rule.id for check in view.evaluation.failed}
    assert failed == {"boxes_split", "boxes_le_issued", "signatures_match"}


def test_against_all_only_where_the_ballot_has_it(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    with pytest.raises(UsageError):
        protocol_records.record_protocol(day, catalogue, "101", ["P12=5"])
    mission.set_mission(day, "Test mission", "2026-03-15", ["A=Alpha", "B=Beta"], True)
    view = protocol_records.record_protocol(day, catalogue, "101", [*CONSISTENT, "P12=0"])
    assert view.evaluation.all_ok is True
    # Without P12 the sum of valid votes is undecided, naming P12.
    mission.set_mission(day, "Test mission", "2026-03-15", ["A=Alpha", "B=Beta"], True)
    fresh = protocol_records.record_protocol(day, catalogue, "AKT-7", CONSISTENT)
    valid_sum = next(c for c in fresh.evaluation.checks if c.rule.id == "valid_sum")
    assert valid_sum.ok is None and valid_sum.missing == ["P12"]


def test_bad_assignments_are_usage_errors(day: LogbookSession, catalogue: Catalogue) -> None:
    for bad in (["P99=1"], ["P3=-1"], ["P3"], ["P11[Z]=5"], ["P11=5"], ["P3=1", "P3=2"], []):
        with pytest.raises(UsageError):
            protocol_records.record_protocol(day, catalogue, "101", bad)
    with pytest.raises(UserActionError):
        protocol_records.record_protocol(day, catalogue, "999", ["P3=1"])
    assert protocol_records.protocol_view(day, catalogue, "101").figures == {}


def test_candidates_removed_from_the_mission_are_ignored_not_fatal(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    protocol_records.record_protocol(day, catalogue, "101", ["P11[B]=10", "P3=5"])
    mission.set_mission(day, "Test mission", "2026-03-15", ["A=Alpha"], False)
    view = protocol_records.protocol_view(day, catalogue, "101")
    assert view.ignored == {"P11[B]": 10} and view.figures == {"P3": 5}


def test_figures_for_candidates_need_a_mission(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    from observer_app.logbook import stations

    stations.add_station(session, catalogue, "1", "A")
    with pytest.raises(UsageError) as error:
        protocol_records.record_protocol(session, catalogue, "1", ["P11[A]=1"])
    assert "mission set" in error.value.message


def test_mission_validation(session: LogbookSession) -> None:
    with pytest.raises(UsageError):
        mission.set_mission(session, "M", "15.03.2026", [], False)
    with pytest.raises(UsageError):
        mission.set_mission(session, "M", "2026-03-15", ["A=x", "A=y"], False)
    with pytest.raises(UsageError):
        mission.set_mission(session, "M", "2026-03-15", ["no name"], False)
    with pytest.raises(UsageError):
        mission.set_mission(session, " ", "2026-03-15", [], False)
    assert mission.get_mission(session) is None
    declared = mission.set_mission(session, "M", "2026-03-15", ["A=Алиев А."], True)
    assert declared.candidate_ids == ("A",) and declared.against_all
    assert mission.ballot(session) == mission.Ballot(("A",), True)
