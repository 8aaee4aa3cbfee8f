"""Every event type has one schema, and each schema refuses what it should, naming the field.

The samples below are bodies as the services write them; the set of samples must equal the set
of projected event types, so an event type added later without a schema (or without a sample
here) fails this file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, cast

import pytest

from observer_app.core.schema import Object
from observer_app.crypto import keys
from observer_app.errors import EventSchemaError
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from observer_app.vault import journal
from observer_app.vault.connection import Transaction
from observer_app.vault.event_schema import check_event
from observer_app.vault.projection import _registry, event_schemas

FEED = "ab" * 32
HASH = "cd" * 32
ID1 = "01890a5d-ac96-774b-bcce-b302099a8057"
ID2 = "01890a5d-ac96-774b-bcce-b302099a8058"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
AGE = "age1" + "q" * 58
KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
AT = "2026-03-15T07:30:00.000Z"
MISSION = {
    "name": "Выборы 2026",
    "date": "2026-03-15",
    "candidates": [{"id": "A", "name": "Айгерим Сапар"}],
    "against_all": True,
}
STATION = {
    "code": "101",
    "number": 101,
    "name": "Школа № 12",
    "address": None,
    "region": "almaty_city",
    "commission": None,
    "tz": "Asia/Almaty",
}
MEDIA = {
    "id": ID1,
    "sha256": HASH,
    "size": 1234,
    "mime": "image/jpeg",
    "kind": "photo",
    "original_name": "IMG_0001.JPG",
    "metadata": {"capture_time": "2026-03-15T07:30:00", "width": 640},
    "consent": "not_asked",
    "consent_note": None,
    "links": [{"kind": "station", "ref": "101"}],
}

VALID_BODIES: dict[str, dict[str, Any]] = {
    "identity.declared": {
        "name": "Данияр",
        "role": "observer",
        "accreditation": "KZ-101",
        "public_key": KEY,
        "certificate": PEM,
        "age_recipient": AGE,
    },
    "identity.certificate": {"certificate": PEM},
    "note.added": {"id": ID1, "station": None, "text": "очередь у входа"},
    "note.amended": {"target": ID1, "text": "исправлено"},
    "note.voided": {"target": ID1, "reason": "ошибка"},
    "station.added": {"id": ID1, **STATION},
    "visit.started": {"id": ID1, "station": "101", "at": AT},
    "visit.ended": {"target": ID1, "station": "101", "at": AT},
    "visit.paused": {"id": ID2, "target": ID1, "station": "101", "at": AT},
    "visit.resumed": {"target": ID2, "visit": ID1, "station": "101", "at": AT},
    "checklist.answered": {
        "id": ID1,
        "station": "101",
        "phase": "opening",
        "item": "OPN01",
        "value": ["a", "b"],
        "note": None,
    },
    "incident.added": {
        "id": ID1,
        "station": "101",
        "category": "ballot_stuffing",
        "severity": "high",
        "seen": "self",
        "status": "open",
        "follow_up": "none",
        "text": "вброс",
        "persons": ["Иванов"],
        "witnesses": [],
        "at": AT,
    },
    "incident.amended": {
        "target": ID1,
        "station": "102",
        "changes": {"station": "102", "tz": "Asia/Aqtobe", "persons": []},
        "reason": "другой участок",
    },
    "incident.voided": {"target": ID1, "station": "101", "reason": "дубль"},
    "protocol.recorded": {"id": ID1, "station": "101", "figures": {"P1": 1200, "P11[A]": 240}},
    "protocol.published": {
        "id": ID1,
        "station": "101",
        "figures": {"P1": 1200},
        "source": "csv",
    },
    "protocol.verified": {
        "station": "101",
        "observer": "ab" * 32,
        "fields": ["P1", "P11[A]"],
        "verified": True,
    },
    "annotation.set": {
        "target": ID1,
        "status": "confirmed",
        "follow_up": "needs_follow_up",
        "note": "checked by phone",
    },
    "mission.set": MISSION,
    "media.added": MEDIA,
    "media.derived": {
        **MEDIA,
        "id": ID2,
        "metadata": {},
        "consent": "anonymised",
        "derived_from": ID1,
        "redaction": {"style": "blur", "boxes": [[1, 2, 30, 40]]},
    },
    "media.linked": {"target": ID1, "link": {"kind": "incident", "ref": ID2}},
    "media.consent": {"target": ID1, "state": "written", "reason": "подписал", "note": None},
    "media.purged": {"target": ID1, "reason": "отзыв согласия"},
    "observer.enrolled": {
        "observer": FEED,
        "name": "Айгерим",
        "accreditation": None,
        "public_key": KEY,
        "age_recipient": AGE,
        "certificate": PEM,
        "stations": ["101", "AKT-14"],
        "mission": "Выборы 2026",
        "package_id": ID1,
        "request_id": ID2,
    },
    "observer.revoked": {"observer": FEED, "reason": "ноутбук изъят"},
    "coordinator.pinned": {
        "package_id": ID1,
        "coordinator": {
            "feed": FEED,
            "name": "Гульнара",
            "public_key": KEY,
            "certificate": PEM,
            "age_recipient": AGE,
        },
        "organisation_ca": PEM,
        "mission": MISSION,
        "stations": [STATION],
    },
    "handoff.acknowledged": {
        "coordinator": FEED,
        "receipt_id": ID1,
        "bundle_id": ID2,
        "up_to_seq": 12,
        "head_hash": HASH,
        "media": [HASH],
        "issued_utc": AT,
    },
    "handoff.received": {
        "author": FEED,
        "bundle_id": ID1,
        "from_seq": 1,
        "to_seq": 12,
        "head_hash": HASH,
        "new_events": 12,
        "media_count": 0,
        "media_bytes": 0,
        "receipt_id": ID2,
    },
}


def event(
    event_type: str,
    body: Any,
    *,
    seq: int = 2,
    prev: str | None = HASH,
    time_utc: str = AT,
    tz: str = "Asia/Almaty",
    feed: str = FEED,
) -> journal.Event:
    return journal.Event(1, feed, seq, prev, time_utc, tz, event_type, body, b"{}", b"")


def refusal(item: journal.Event) -> EventSchemaError:
    with pytest.raises(EventSchemaError) as caught:
        check_event(item)
    assert "\n" not in caught.value.message
    return caught.value


def test_every_projected_event_type_has_a_schema_and_a_sample_here() -> None:
    projectors = _registry()[0]
    assert set(event_schemas()) == set(projectors)
    assert set(VALID_BODIES) == set(projectors)


@pytest.mark.parametrize("event_type", sorted(VALID_BODIES))
def test_the_sample_body_is_valid(event_type: str) -> None:
    check_event(event(event_type, VALID_BODIES[event_type]))


@pytest.mark.parametrize("event_type", sorted(VALID_BODIES))
def test_an_unknown_body_field_is_refused_by_name(event_type: str) -> None:
    body = {**VALID_BODIES[event_type], "sneaky": 1}
    error = refusal(event(event_type, body))
    assert error.path == "body.sneaky"
    assert error.event_type == event_type and error.seq == 2


@pytest.mark.parametrize(
    ("event_type", "name"),
    [
        (t, name)
        for t, body in sorted(VALID_BODIES.items())
        for name, field in cast(Object, event_schemas()[t].body).fields.items()
        if not field.optional and name in body
    ],
)
def test_a_missing_required_field_is_refused_by_name(event_type: str, name: str) -> None:
    body = dict(VALID_BODIES[event_type])
    del body[name]
    assert refusal(event(event_type, body)).path == f"body.{name}"


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        target: Any = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("event_type", "path", "value", "field"),
    [
        ("note.added", ["text"], [["nested"]], "body.text"),
        ("note.added", ["text"], "x" * 70_000, "body.text"),
        ("note.added", ["id"], "not-an-id", "body.id"),
        ("media.added", ["size"], "1234", "body.size"),
        ("media.added", ["size"], True, "body.size"),
        ("media.added", ["size"], -1, "body.size"),
        ("media.added", ["kind"], "hologram", "body.kind"),
        ("media.added", ["consent"], "maybe", "body.consent"),
        ("media.added", ["metadata", "orientation"], 9, "body.metadata.orientation"),
        ("media.added", ["links", 0, "kind"], "../../x", "body.links[0].kind"),
        ("media.derived", ["redaction", "boxes", 0], [1, 2, 3], "body.redaction.boxes[0]"),
        ("visit.started", ["at"], "", "body.at"),
        ("visit.started", ["at"], "2026-13-01T00:00:00Z", "body.at"),
        ("visit.started", ["at"], "9999-12-31T23:59:59Z", "body.at"),
        ("visit.started", ["at"], "2026-03-15T07:30:00", "body.at"),
        ("station.added", ["tz"], "../../../etc/passwd", "body.tz"),
        ("station.added", ["tz"], "/etc/localtime", "body.tz"),
        ("station.added", ["tz"], "localtime", "body.tz"),
        ("station.added", ["code"], "1 01; DROP", "body.code"),
        ("incident.added", ["persons", 0], {"name": "x"}, "body.persons[0]"),
        ("incident.amended", ["changes", "at"], "yesterday", "body.changes.at"),
        ("incident.amended", ["changes", "colour"], "red", "body.changes.colour"),
        ("protocol.recorded", ["figures", "P1"], 1_000_000_000, "body.figures.P1"),
        ("protocol.recorded", ["figures", "P1"], "12", "body.figures.P1"),
        ("protocol.published", ["source"], "rumour", "body.source"),
        ("protocol.verified", ["verified"], 1, "body.verified"),
        ("annotation.set", ["target"], "I-12", "body.target"),
        ("mission.set", ["date"], "2026-02-30", "body.date"),
        ("checklist.answered", ["value"], {"a": 1}, "body.value"),
        ("identity.declared", ["role"], "admin", "body.role"),
        ("handoff.acknowledged", ["media", 0], "zz", "body.media[0]"),
        ("coordinator.pinned", ["stations", 0, "tz"], "Mars/Olympus", "body.stations[0].tz"),
    ],
)
def test_a_wrong_value_is_refused_by_field(
    event_type: str, path: list[Any], value: Any, field: str
) -> None:
    body = copy.deepcopy(VALID_BODIES[event_type])
    _set(path, value)(body)
    assert refusal(event(event_type, body)).path == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_utc": ""}, "time_utc"),
        ({"time_utc": "2026-13-01T00:00:00.000Z"}, "time_utc"),
        ({"time_utc": "9999-12-31T23:59:59.000Z", "tz": "Pacific/Kiritimati"}, "time_utc"),
        ({"time_utc": "0001-01-01T00:00:00.000Z", "tz": "America/Los_Angeles"}, "time_utc"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": "/usr/share/zoneinfo/UTC"}, "tz"),
        ({"feed": "AB" * 32}, "feed"),
        ({"seq": 2**53}, "seq"),
        ({"seq": 1}, "prev"),
        ({"prev": None}, "prev"),
        ({"prev": "short"}, "prev"),
    ],
)
def test_the_envelope_is_checked(changes: dict[str, Any], field: str) -> None:
    assert refusal(event("note.added", VALID_BODIES["note.added"], **changes)).path == field


def test_an_unknown_event_type_is_kept_but_its_envelope_and_nesting_are_checked() -> None:
    check_event(event("future.thing", {"anything": [1, {"x": "y"}]}))
    assert refusal(event("future.thing", {}, tz="Nowhere/Land")).path == "tz"
    assert refusal(event("Future/../thing", {})).path == "type"
    deep: Any = "leaf"
    for _ in range(20):
        deep = [deep]
    assert refusal(event("future.thing", {"deep": deep})).path.startswith("body.deep")


def test_the_refusal_names_the_event_and_the_field() -> None:
    error = refusal(event("visit.started", {**VALID_BODIES["visit.started"], "at": ""}))
    short = keys.format_fingerprint(FEED, short=True)
    assert short in error.message and "seq 2" in error.message
    assert "visit.started" in error.message and "body.at" in error.message


def test_our_own_append_is_refused_too_and_stores_nothing(session: LogbookSession) -> None:
    before = session.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(EventSchemaError, match=r"body\.text"):
        session.record("note.added", {"id": ID1, "station": None, "text": ["not", "text"]})
    assert session.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before


def test_an_event_may_change_only_records_of_its_own_feed(
    session: LogbookSession, make_session: Callable[..., LogbookSession]
) -> None:
    """A second author in the same vault (as in a coordinator's) cannot amend the first's note
    nor reuse its id; its own note it may amend."""
    note_id = notes.add_note(session, "the holder's note")
    other = make_session(name="Other", folder="other").identity.author
    conn = session.conn
    other_key = keys.public_key_der(other.key.public_key())
    with Transaction(conn):
        first = journal.build_event(
            other,
            1,
            None,
            "identity.declared",
            {**VALID_BODIES["identity.declared"], "public_key": "QUJD"},
            "Asia/Almaty",
        )
        journal.store_event(conn, first, other_key)

    def attempt(event_type: str, body: dict[str, Any]) -> None:
        seq, head = journal.feed_head(conn, other.feed)
        built = journal.build_event(other, seq + 1, head, event_type, body, "Asia/Almaty")
        with Transaction(conn):
            journal.store_event(conn, built)

    with pytest.raises(EventSchemaError, match=r"body\.target"):
        attempt("note.amended", {"target": note_id, "text": "hijacked"})
    with pytest.raises(EventSchemaError, match=r"body\.id"):
        attempt("note.added", {"id": note_id, "station": None, "text": "shadow"})
    own = "01890a5d-ac96-774b-bcce-b302099a80ff"
    attempt("note.added", {"id": own, "station": None, "text": "mine"})
    attempt("note.amended", {"target": own, "text": "mine, amended"})
    rows = dict(conn.execute("SELECT id, text FROM notes").fetchall())
    assert rows == {note_id: "the holder's note", own: "mine, amended"}
