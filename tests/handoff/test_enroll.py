"""Enrollment: request -> setup package -> pin, with real keys, certificates and age."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509

from observer_app.core.catalogue import load_catalogue
from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.certificates import certificate_from_pem
from observer_app.errors import NotValidError, UsageError, UserActionError
from observer_app.handoff import documents
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.enroll import roster
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.package import PACKAGE_TYPE
from observer_app.handoff.enroll.request import read_request, write_request
from observer_app.handoff.enroll.trust import known_trust_roots
from observer_app.logbook import mission, notes, stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import load_identity, load_organisation_ca
from observer_app.vault.journal import read_events
from observer_app.vault.queries.mission import current_mission
from observer_app.vault.queries.pins import current_pin, pin_history
from observer_app.vault.queries.roster import enrolled_observer, list_enrolled
from observer_app.vault.queries.stations import list_stations
from observer_app.vault.verify import verify_journal
from tests.handoff.handoff_support import dump, enroll

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def coordinator(make_session: MakeSession) -> LogbookSession:
    session = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    catalogue = load_catalogue()
    mission.set_mission(session, "Mission 2026", "2026-03-15", ["A=Alpha", "B=Beta"], True)
    stations.add_station(session, catalogue, "101", "School 1", region="almaty_city")
    stations.add_station(session, catalogue, "AKT-7", "School 7", region="aktobe")
    return session


@pytest.fixture
def observer(make_session: MakeSession) -> LogbookSession:
    return make_session(name="Айгерим Сапарова", accreditation="KZ-77", folder="observer")


def test_request_is_signed_and_names_nothing_in_its_file_name(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    assert written.path.name.startswith("olb-") and "Айгерим" not in written.path.name
    assert written.path.stat().st_mode & 0o777 == 0o600
    request = read_request(written.path, coordinator.identity.age_identity)
    assert request.feed == observer.identity.feed
    assert (request.name, request.accreditation) == ("Айгерим Сапарова", "KZ-77")
    assert list(stick.iterdir()) == [written.path]  # no partial file left behind


def test_a_request_can_be_sealed_to_the_coordinator(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick, recipient_of(coordinator.identity.age_identity))
    assert "Айгерим".encode() not in written.path.read_bytes()
    issued = issue_package(coordinator, written.path, stick)
    assert issued.request.name == "Айгерим Сапарова"


def test_tampered_request_is_refused(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    envelope = json.loads(written.path.read_bytes())
    envelope["document"]["name"] = "Someone Else"
    written.path.write_bytes(documents.canonicalize_signed(envelope))
    before = dump(coordinator)
    with pytest.raises(NotValidError, match="bad signature"):
        issue_package(coordinator, written.path, stick)
    assert dump(coordinator) == before


def test_issue_checks_the_fingerprint_read_aloud(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    wrong = "0" * 64
    with pytest.raises(NotValidError, match="fingerprint"):
        issue_package(coordinator, written.path, stick, (), wrong)
    spoken = keys.format_fingerprint(observer.identity.feed)
    issued = issue_package(coordinator, written.path, stick, ("101",), spoken.lower())
    assert issued.stations == ("101",)


def test_unknown_station_is_refused(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    with pytest.raises(UsageError, match="999"):
        issue_package(coordinator, written.path, stick, ("101", "999"))


def test_accept_pins_the_coordinator_and_records_the_issued_certificate(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    issued = issue_package(coordinator, written.path, stick, ("101", "AKT-7"))
    assert b"Mission 2026" not in issued.path.read_bytes()  # sealed
    accepted = accept_package(observer, issued.path)
    assert accepted.coordinator == coordinator.identity.feed
    assert accepted.stations_added == ("101", "AKT-7")

    _ca_key, ca_cert = load_organisation_ca(coordinator.conn) or (None, None)
    assert isinstance(ca_cert, x509.Certificate)
    stored = load_identity(observer.conn).certificate
    stored.verify_directly_issued_by(ca_cert)
    assert observer.identity.certificate == stored  # the session picked it up, too
    types = [e.type for e in read_events(observer.conn, observer.identity.feed)]
    assert types[-5:] == [
        "coordinator.pinned",
        "identity.certificate",
        "mission.set",
        "station.added",
        "station.added",
    ]
    pin = current_pin(observer.conn, observer.identity.feed)
    assert pin is not None and pin.organisation_ca == ca_cert
    assert [s["code"] for s in pin.stations] == ["101", "AKT-7"]
    own = current_mission(observer.conn, observer.identity.feed)
    assert own is not None and own.feed == observer.identity.feed and own.against_all
    codes = [s.code for s in list_stations(observer.conn, observer.identity.feed)]
    assert sorted(codes) == ["101", "AKT-7"]
    assert known_trust_roots(observer) == [ca_cert]
    assert known_trust_roots(coordinator) == [ca_cert]
    observed = enrolled_observer(
        coordinator.conn, coordinator.identity.feed, observer.identity.feed
    )
    assert observed is not None and observed.stations == ("101", "AKT-7")
    assert certificate_from_pem(observed.certificate_pem) == stored
    for session in (observer, coordinator):
        assert verify_journal(session.conn).ok  # projections replay exactly


def test_the_same_package_twice_changes_nothing(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    written = write_request(observer, stick)
    issued = issue_package(coordinator, written.path, stick)
    accept_package(observer, issued.path)
    before = dump(observer)
    again = accept_package(observer, issued.path)
    assert again.already_accepted
    assert dump(observer) == before


def test_package_for_another_observer_is_refused(
    observer: LogbookSession,
    coordinator: LogbookSession,
    make_session: MakeSession,
    stick: Path,
) -> None:
    other = make_session(name="Other", folder="other")
    issued = issue_package(coordinator, write_request(observer, stick).path, stick)
    before = dump(other)
    with pytest.raises(NotValidError, match="someone else"):
        accept_package(other, issued.path)
    assert dump(other) == before


def test_package_whose_certificate_is_for_another_key_is_refused(
    observer: LogbookSession,
    coordinator: LogbookSession,
    make_session: MakeSession,
    stick: Path,
) -> None:
    """A coordinator's package whose certificate does not certify the observer's key."""
    other = make_session(name="Other", folder="other")
    issued = issue_package(coordinator, write_request(other, stick).path, stick)
    # Re-seal the (validly signed) package of `other` after pointing it at `observer`.
    data = documents.unseal(issued.path.read_bytes(), other.identity.age_identity, "x")
    envelope = json.loads(data)
    document = envelope["document"]
    document["observer"]["feed"] = observer.identity.feed
    resigned = documents.sign_document(
        coordinator.identity.signing_key,
        PACKAGE_TYPE,
        {k: v for k, v in document.items() if k not in ("type", "v")},
    )
    forged = stick / "forged.age"
    forged.write_bytes(documents.seal(resigned, recipient_of(observer.identity.age_identity)))
    with pytest.raises(NotValidError, match="not for this vault's key"):
        accept_package(observer, forged)
    # ... and a byte changed in the signed part is a bad signature.
    envelope["document"]["coordinator"]["name"] = "Mallory"
    tampered = stick / "tampered.age"
    tampered.write_bytes(
        documents.seal(
            documents.canonicalize_signed(envelope), recipient_of(observer.identity.age_identity)
        )
    )
    with pytest.raises(NotValidError, match="bad signature"):
        accept_package(observer, tampered)
    assert current_pin(observer.conn, observer.identity.feed) is None


def test_another_coordinator_needs_its_fingerprint(
    observer: LogbookSession,
    coordinator: LogbookSession,
    make_session: MakeSession,
    stick: Path,
) -> None:
    enroll(coordinator, observer, stick, ["101"])
    second = make_session(name="Second coordinator", role="coordinator", folder="second")
    issued = issue_package(second, write_request(observer, stick).path, stick)
    before = dump(observer)
    with pytest.raises(NotValidError, match="another coordinator"):
        accept_package(observer, issued.path)
    with pytest.raises(NotValidError, match="does not come from the fingerprint given"):
        accept_package(observer, issued.path, coordinator.identity.feed)
    assert dump(observer) == before
    accepted = accept_package(observer, issued.path, keys.format_fingerprint(second.identity.feed))
    assert accepted.changed_coordinator
    history = pin_history(observer.conn, observer.identity.feed)
    assert [p.coordinator for p in history] == [coordinator.identity.feed, second.identity.feed]
    second_ca = load_organisation_ca(second.conn)
    first_ca = load_organisation_ca(coordinator.conn)
    assert second_ca is not None and first_ca is not None
    assert known_trust_roots(observer) == [second_ca[1], first_ca[1]]


def test_reenrolling_for_a_new_mission_keeps_history(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    enroll(coordinator, observer, stick, ["101"])
    notes.add_note(observer, "polling day one")
    mission.set_mission(coordinator, "Runoff 2026", "2026-04-05", ["A=Alpha"], False)
    stations.add_station(coordinator, load_catalogue(), "102", "School 2", region="almaty_city")
    before = [e.hash for e in read_events(observer.conn, observer.identity.feed)]
    enroll(coordinator, observer, stick, ["101", "102"])
    after = [e.hash for e in read_events(observer.conn, observer.identity.feed)]
    assert after[: len(before)] == before
    own = current_mission(observer.conn, observer.identity.feed)
    assert own is not None and own.name == "Runoff 2026"
    codes = [s.code for s in list_stations(observer.conn, observer.identity.feed)]
    assert codes == ["101", "102"]
    assert len(pin_history(observer.conn, observer.identity.feed)) == 2
    enrolled = list_enrolled(coordinator.conn, coordinator.identity.feed)
    assert len(enrolled) == 1 and enrolled[0].mission == "Runoff 2026"
    assert verify_journal(observer.conn).ok


def test_revoked_observer_cannot_be_enrolled_again(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    enroll(coordinator, observer, stick)
    short = observer.identity.feed[:12]
    revoked = roster.revoke(coordinator, short, "laptop seized")
    assert revoked.revoked and revoked.revoked_reason == "laptop seized"
    with pytest.raises(UserActionError, match="already"):
        roster.revoke(coordinator, short, "again")
    request = write_request(observer, stick)
    with pytest.raises(UserActionError, match="revoked"):
        issue_package(coordinator, request.path, stick)
    assert verify_journal(coordinator.conn).ok


def test_roles_are_checked(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    request = write_request(observer, stick)
    with pytest.raises(UserActionError, match="coordinator's vault"):
        issue_package(observer, request.path, stick)
    with pytest.raises(UserActionError, match="coordinator's vault"):
        roster.revoke(observer, observer.identity.feed, "x")
    with pytest.raises(UserActionError, match="needs an observer's vault"):
        export_bundle(coordinator, stick)  # not "accept a setup package first"


def test_package_written_to_a_missing_folder_records_nothing(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path, tmp_path: Path
) -> None:
    request = write_request(observer, stick)
    before = dump(coordinator)
    with pytest.raises(UserActionError, match="folder not found"):
        issue_package(coordinator, request.path, tmp_path / "gone")
    assert dump(coordinator) == before


def test_request_document_is_plain_canonical_json(observer: LogbookSession, stick: Path) -> None:
    """The documented layout (docs/formats/enrollment.md), checked byte for byte."""
    written = write_request(observer, stick)
    envelope = json.loads(written.path.read_bytes())
    assert set(envelope) == {"document", "signature"}
    document = envelope["document"]
    assert document["type"] == "enrollment-request" and document["v"] == 1
    payload = documents.canonicalize_signed(document)
    public = keys.load_public_key_der(base64.b64decode(document["public_key"]))
    assert keys.verify(public, base64.b64decode(envelope["signature"]), payload)
    assert keys.fingerprint(public) == document["feed"]


def test_timeline_describes_enrollment_events(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    from observer_app.logbook.record_describers import HANDOFF_DESCRIBERS

    enroll(coordinator, observer, stick, ["101"])
    roster.revoke(coordinator, observer.identity.feed, "seized")
    texts = [
        HANDOFF_DESCRIBERS[event.type](event)
        for session in (observer, coordinator)
        for event in read_events(session.conn, session.identity.feed)
        if event.type in HANDOFF_DESCRIBERS
    ]
    short = keys.format_fingerprint(coordinator.identity.feed, short=True)
    assert texts == [
        f"pinned coordinator Coordinator ({short}) for Mission 2026",
        "enrolled Айгерим Сапарова ("
        + keys.format_fingerprint(observer.identity.feed, short=True)
        + "), stations: 101",
        "revoked the key of "
        + keys.format_fingerprint(observer.identity.feed, short=True)
        + ": seized",
    ]
