from __future__ import annotations

from typing import Any, cast

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import checklist, incidents, stations, visits
from observer_app.logbook.session import LogbookSession


def test_add_station_keeps_every_field_and_derives_number(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    added = stations.add_station(
        session,
        catalogue,
        "ALM-101",
        "  Школа   № 5 ",
        address="ул. Абая, 1",
        region="almaty_city",
        commission="Бостандыкская ТИК",
    )
    assert (added.code, added.number, added.name) == ("ALM-101", 101, "Школа № 5")
    assert (added.address, added.region, added.commission) == (
        "ул. Абая, 1",
        "almaty_city",
        "Бостандыкская ТИК",
    )
    assert added.tz == "Asia/Almaty"
    assert [s.code for s in stations.list_stations(session)] == ["ALM-101"]


def test_zone_defaults_to_the_region_then_the_catalogue(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    assert stations.add_station(session, catalogue, "1", "A", region="aktobe").tz == "Asia/Aqtobe"
    assert stations.add_station(session, catalogue, "2", "B").tz == catalogue.default_time_zone
    explicit = stations.add_station(session, catalogue, "3", "C", region="aktobe", tz="Asia/Oral")
    assert explicit.tz == "Asia/Oral"


def test_region_accepts_a_label_in_any_language(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    assert stations.add_station(session, catalogue, "1", "A", region="Ақтөбе облысы").region == (
        "aktobe"
    )


def test_bad_values_are_usage_errors_naming_the_allowed_ones(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    with pytest.raises(UsageError) as zone_error:
        stations.add_station(session, catalogue, "1", "A", tz="Europe/Nowhere")
    assert "Asia/Almaty" in zone_error.value.message
    with pytest.raises(UsageError) as region_error:
        stations.add_station(session, catalogue, "1", "A", region="atlantis")
    assert "almaty_city" in region_error.value.message
    with pytest.raises(UsageError):
        stations.add_station(session, catalogue, "10 1", "A")
    with pytest.raises(UsageError):
        stations.add_station(session, catalogue, "101", "   ")
    assert stations.list_stations(session) == []


def test_code_is_unique_and_unknown_codes_are_actionable_errors(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    stations.add_station(session, catalogue, "101", "A")
    with pytest.raises(UserActionError) as duplicate:
        stations.add_station(session, catalogue, "101", "B")
    assert duplicate.value.exit_code == 4
    with pytest.raises(UserActionError) as unknown:
        stations.require_station(session, "999")
    assert unknown.value.exit_code == 4 and "999" in unknown.value.message


def test_station_body_is_the_rule_and_records_nothing(
    session: LogbookSession, catalogue: Catalogue
) -> None:
    body = stations.station_body(
        catalogue, " ALM-7 ", " Школа  № 7 ", region="Ақтөбе облысы", address="  ", commission="ТИК"
    )
    assert {k: v for k, v in body.items() if k != "id"} == {
        "code": "ALM-7",
        "number": 7,
        "name": "Школа № 7",
        "address": None,
        "region": "aktobe",
        "commission": "ТИК",
        "tz": "Asia/Aqtobe",
    }
    assert body["id"] != stations.station_body(catalogue, "ALM-7", "A")["id"]
    with pytest.raises(UsageError):
        stations.station_body(catalogue, "7 7", "A")
    assert stations.list_stations(session) == []
    assert not stations.holds_code(session, "ALM-7")
    added = stations.add_station(session, catalogue, " ALM-7 ", "A")
    assert stations.holds_code(session, "ALM-7") and added.code == "ALM-7"


def test_station_summary_counts_incidents_in_the_database(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    visits.start_visit(day, "101", "2026-03-15T07:30")
    checklist.answer_item(day, catalogue, "101", "OPN02", "yes")
    for text in ("a", "b", "c"):
        incidents.add_incident(day, catalogue, "101", "other", text)
    voided = incidents.add_incident(day, catalogue, "101", "other", "d")
    incidents.void_incident(day, voided, "дубль")
    incidents.add_incident(day, catalogue, "AKT-7", "other", "elsewhere")
    statements: list[str] = []
    conn = cast(Any, day.conn)  # the real connection's trace callback (not in our stubs)
    conn.set_trace_callback(statements.append)
    try:
        summary = stations.station_summary(day, "101")
    finally:
        conn.set_trace_callback(None)
    assert (summary.incidents, summary.voided_incidents) == (3, 1)
    assert summary.answers == 1 and len(summary.visits) == 1
    assert summary.station.code == "101"
    reading = [s for s in statements if "FROM incidents" in s]
    counts = [s for s in reading if s.lstrip().startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, reading
    # The other statement names who recorded there (`feed`); none reads the incidents' rows.
    assert all(" text" not in s and "SELECT *" not in s for s in reading), reading
    document = summary.to_json()
    assert (document["incidents"], document["voided_incidents"], document["answers"]) == (3, 1, 1)
    assert document["code"] == "101" and len(document["visits"]) == 1
