from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import incidents
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.incidents import incident_histories


def test_every_field_is_kept_with_defaults_from_the_catalogue(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident_id = incidents.add_incident(
        day,
        catalogue,
        "101",
        "ballot_stuffing",
        "  Вброс пачки бюллетеней ",
        time="2026-03-15T19:50",
        persons=["член УИК № 7", " "],
        witnesses=["Smith J."],
    )
    row = incidents.get_incident(day, incident_id)
    assert (row.station, row.category, row.text) == (
        "101",
        "ballot_stuffing",
        "Вброс пачки бюллетеней",
    )
    assert row.severity == "critical"  # the category's default
    assert (row.seen, row.status, row.follow_up) == ("directly", "unmarked", "none_needed")
    assert row.persons == ("член УИК № 7",) and row.witnesses == ("Smith J.",)
    assert (row.occurred_utc, row.tz) == ("2026-03-15T14:50:00.000Z", "Asia/Almaty")
    explicit = incidents.add_incident(
        day,
        catalogue,
        "101",
        "campaigning",
        "Листовки",
        severity="HIGH",
        seen="reported",
        status="confirmed",
        follow_up="needs_follow_up",
    )
    row = incidents.get_incident(day, explicit)
    assert (row.severity, row.seen, row.status, row.follow_up) == (
        "high",
        "reported",
        "confirmed",
        "needs_follow_up",
    )


def test_time_without_offset_means_the_station_zone(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    # Before March 2024 Almaty was UTC+6 and Aqtobe UTC+5: the zone database knows it.
    # Years before the mission: recorded only because the person confirms it.
    day.confirm = lambda question: True
    almaty = incidents.add_incident(day, catalogue, "101", "other", "x", time="2023-03-15T07:00")
    aqtobe = incidents.add_incident(day, catalogue, "AKT-7", "other", "x", time="2023-03-15T07:00")
    assert incidents.get_incident(day, almaty).occurred_utc == "2023-03-15T01:00:00.000Z"
    assert incidents.get_incident(day, aqtobe).occurred_utc == "2023-03-15T02:00:00.000Z"


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("category", "fraud", "ballot_stuffing"),
        ("severity", "urgent", "critical (Critical), high (High), medium (Medium), low (Low)"),
        ("seen", "heard", "directly (Seen directly), reported (Reported by someone else)"),
        ("status", "open", "unmarked (Unmarked), confirmed (Confirmed), rejected (Rejected)"),
        ("follow_up", "later", "complaint_filed"),
    ],
)
def test_bad_values_list_the_allowed_ones(
    day: LogbookSession, catalogue: Catalogue, field: str, value: str, allowed: str
) -> None:
    arguments = {"category": "other", field: value}
    category = arguments.pop("category")
    with pytest.raises(UsageError) as error:
        incidents.add_incident(day, catalogue, "101", category, "text", **arguments)
    assert allowed in error.value.message


def test_empty_text_unknown_station_and_bad_time(day: LogbookSession, catalogue: Catalogue) -> None:
    with pytest.raises(UsageError):
        incidents.add_incident(day, catalogue, "101", "other", "  ")
    with pytest.raises(UserActionError):
        incidents.add_incident(day, catalogue, "999", "other", "x")
    with pytest.raises(UsageError):
        incidents.add_incident(day, catalogue, "101", "other", "x", time="yesterday")


def test_amend_changes_fields_and_history_keeps_every_version(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident_id = incidents.add_incident(
        day, catalogue, "101", "group_voting", "Семья в одной кабине", time="2026-03-15T09:40"
    )
    changed = incidents.amend_incident(
        day,
        catalogue,
        incident_id,
        IncidentChanges(
            text="Семья из трёх человек в одной кабине",
            time="2026-03-15T09:45",
            persons=("мать", "сын"),
            status="confirmed",
        ),
        reason="уточнение",
    )
    assert set(changed) == {"text", "at", "persons", "status"}
    incidents.amend_incident(
        day, catalogue, incident_id, IncidentChanges(station="AKT-7", follow_up="complaint_filed")
    )
    row = incidents.get_incident(day, incident_id)
    assert row.text == "Семья из трёх человек в одной кабине"
    assert row.occurred_utc == "2026-03-15T04:45:00.000Z"
    assert (row.persons, row.status, row.follow_up) == (
        ("мать", "сын"),
        "confirmed",
        "complaint_filed",
    )
    assert (row.station, row.tz, row.amended) == ("AKT-7", "Asia/Aqtobe", 2)
    detail = incidents.incident_detail(day, incident_id)
    assert [entry.kind for entry in detail.history] == ["added", "amended", "amended"]
    assert detail.history[0].event.body["text"] == "Семья в одной кабине"
    assert detail.history[1].event.body["reason"] == "уточнение"
    document = detail.to_json()
    assert [h["type"] for h in document["history"]] == [
        "incident.added",
        "incident.amended",
        "incident.amended",
    ]


def test_new_category_moves_a_default_severity_but_not_a_chosen_one(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    default = incidents.add_incident(day, catalogue, "101", "campaigning", "x")
    incidents.amend_incident(day, catalogue, default, IncidentChanges(category="ballot_stuffing"))
    assert incidents.get_incident(day, default).severity == "critical"
    chosen = incidents.add_incident(day, catalogue, "101", "campaigning", "x", severity="medium")
    incidents.amend_incident(day, catalogue, chosen, IncidentChanges(category="ballot_stuffing"))
    assert incidents.get_incident(day, chosen).severity == "medium"


def test_amend_without_a_change_is_refused(day: LogbookSession, catalogue: Catalogue) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "x")
    with pytest.raises(UsageError):
        incidents.amend_incident(day, catalogue, incident_id, IncidentChanges())
    with pytest.raises(UsageError):
        incidents.amend_incident(day, catalogue, incident_id, IncidentChanges(text="x"))
    assert incidents.get_incident(day, incident_id).amended == 0


def test_void_keeps_the_incident_visible_and_final(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "дубль")
    with pytest.raises(UsageError):
        incidents.void_incident(day, incident_id, " ")
    incidents.void_incident(day, incident_id, "Дубликат")
    row = incidents.get_incident(day, incident_id)
    assert row.voided and row.void_reason == "Дубликат"
    with pytest.raises(UserActionError):
        incidents.amend_incident(day, catalogue, incident_id, IncidentChanges(text="y"))
    with pytest.raises(UserActionError):
        incidents.void_incident(day, incident_id, "again")
    assert [e.kind for e in incidents.incident_detail(day, incident_id).history] == [
        "added",
        "voided",
    ]
    listed = incidents.list_incidents(day, catalogue, "101")
    assert [(i.id, i.voided) for i in listed] == [(incident_id, True)]


def test_list_is_newest_first_and_filters_are_validated(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    first = incidents.add_incident(day, catalogue, "101", "other", "a", time="2026-03-15T08:00")
    second = incidents.add_incident(
        day, catalogue, "101", "campaigning", "b", time="2026-03-15T09:00"
    )
    incidents.add_incident(day, catalogue, "AKT-7", "other", "c", time="2026-03-15T10:00")
    assert [i.id for i in incidents.list_incidents(day, catalogue, "101")] == [second, first]
    assert [i.id for i in incidents.list_incidents(day, catalogue, category="campaigning")] == [
        second
    ]
    assert len(incidents.list_incidents(day, catalogue, severity="low")) == 3
    assert len(incidents.list_incidents(day, catalogue, limit=1)) == 1
    with pytest.raises(UsageError):
        incidents.list_incidents(day, catalogue, category="nope")
    with pytest.raises(UserActionError):
        incidents.list_incidents(day, catalogue, "999")


def test_id_prefix_resolution(day: LogbookSession, catalogue: Catalogue) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "x")
    assert incidents.resolve_incident_id(day, incident_id[:8] + "-" + incident_id[9:13]) == (
        incident_id
    )
    with pytest.raises(UsageError):
        incidents.resolve_incident_id(day, incident_id[:7])


def test_one_history_query_serves_incident_show_and_reports(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    first = incidents.add_incident(day, catalogue, "101", "other", "первый")
    second = incidents.add_incident(day, catalogue, "AKT-7", "other", "второй")
    incidents.amend_incident(day, catalogue, first, IncidentChanges(text="первый, уточнён"))
    incidents.void_incident(day, second, "дубль")
    incidents.amend_incident(day, catalogue, first, IncidentChanges(status="confirmed"))
    whole_feed = incident_histories(day.conn, day.identity.feed)
    assert set(whole_feed) == {first, second}
    for incident_id, kinds in (
        (first, ["added", "amended", "amended"]),
        (second, ["added", "voided"]),
    ):
        shown = incidents.incident_detail(day, incident_id).history
        assert [entry.kind for entry in shown] == kinds
        assert [entry.event for entry in shown] == whole_feed[incident_id]
    only = [incidents.get_incident(day, second)]
    assert incident_histories(day.conn, day.identity.feed, only) == {second: whole_feed[second]}
