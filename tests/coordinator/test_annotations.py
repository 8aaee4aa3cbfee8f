"""Annotations are the coordinator's own signed events: they never change the observer's
record, only a coordinator may make them, and every view shows them beside the record."""

from __future__ import annotations

import pytest

from observer_app.errors import EventSchemaError, UserActionError
from observer_app.logbook.annotations import annotate, annotations_for, mark_verified
from observer_app.logbook.incidents import get_incident, incident_detail
from observer_app.logbook.protocol_records import protocol_views
from observer_app.vault import journal
from observer_app.vault.projection.coordinator import ANNOTATION_SET
from tests.conftest import Cli
from tests.coordinator.conftest import Night


def test_an_annotation_is_the_coordinators_event_and_leaves_the_incident_as_signed(
    night: Night,
) -> None:
    coord = night.coordinator
    before = get_incident(coord, night.incident1)
    row = annotate(coord, night.catalogue, night.incident1, "подтверждено", "needs_follow_up")
    assert (row.status, row.follow_up, row.feed) == (
        "confirmed",
        "needs_follow_up",
        coord.identity.feed,
    )
    assert get_incident(coord, night.incident1) == before  # the observer's record, untouched
    detail = incident_detail(coord, night.incident1)
    assert detail.annotation is not None and detail.annotation.status == "confirmed"
    assert detail.observer == "Айгерим Сапарова"
    again = annotate(coord, night.catalogue, night.incident1, "rejected", note="дубль")
    assert (again.status, again.follow_up, again.note) == ("rejected", "needs_follow_up", "дубль")
    assert set(annotations_for(coord, [night.incident1, night.incident2])) == {night.incident1}


def test_an_observer_cannot_annotate(night: Night) -> None:
    with pytest.raises(UserActionError):
        annotate(night.obs1, night.catalogue, night.incident1, "confirmed")


def test_an_annotation_event_from_an_enrolled_observer_is_refused(night: Night) -> None:
    """Even signed, an observer's `annotation.set` must not reach the coordinator's tables: a
    role claimed by an enrolled observer is not believed (the authorisation rule)."""
    body = {"target": night.incident1, "status": "confirmed", "follow_up": "resolved"}
    with pytest.raises(EventSchemaError, match="coordinator"):
        journal.append(
            night.coordinator.conn,
            night.obs1.identity.author,
            ANNOTATION_SET,
            body,
            "Asia/Almaty",
        )


def test_verified_marks_show_in_the_protocol_view(night: Night) -> None:
    coord = night.coordinator
    view = mark_verified(coord, night.catalogue, "101", night.obs1.identity.feed, ["p3", "P1"])
    assert view.verified == {"P1": True, "P3": True}
    mark_verified(coord, night.catalogue, "101", night.obs1.identity.feed, ["P3"], verified=False)
    views = {v.observer: v for v in protocol_views(coord, night.catalogue, "101")}
    assert views["Айгерим Сапарова"].verified == {"P1": True, "P3": False}
    assert views["Данияр Ахметов"].verified == {}


def test_annotate_through_the_cli_is_shown_in_incident_views(coord_cli: Cli, night: Night) -> None:
    incident = night.incident2
    refused = coord_cli("incident", "amend", incident, "--status", "confirmed")
    assert refused.code == 4 and "annotate" in refused.err
    marked = coord_cli(
        "annotate", incident, "--status", "confirmed", "--follow-up", "complaint_filed"
    )
    assert marked.code == 0, marked.err
    shown = coord_cli("incident", "show", incident, check=True).out
    assert "Данияр Ахметов" in shown and "complaint" in shown.lower()
    listed = coord_cli("incident", "list", "--json", check=True).json()
    (row,) = [r for r in listed if r["id"] == incident]
    assert row["annotation"]["status"] == "confirmed"
    log = coord_cli("log", "--all", "--json", check=True).json()
    assert any(entry["type"] == "annotation.set" for entry in log)


def test_the_coordinators_events_replay_into_the_same_tables(night: Night) -> None:
    """`journal verify` rebuilds every projection from the journal and compares: annotations,
    marks and published results are derived from signed events only."""
    from observer_app.logbook.comparison import record_published
    from observer_app.logbook.journal_check import verify_vault_journal

    coord = night.coordinator
    annotate(coord, night.catalogue, night.incident2, "confirmed", "resolved", "по телефону")
    mark_verified(coord, night.catalogue, "101", night.obs2.identity.feed, ["P3"])
    record_published(coord, night.catalogue, "101", ["P3=650"])
    verdict = verify_vault_journal(coord)
    assert verdict.valid, verdict.messages()
