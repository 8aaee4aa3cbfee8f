"""Receipts: signed by the pinned coordinator, sealed to the observer, checked on arrival."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.core.ids import new_id
from observer_app.crypto.age_keys import recipient_of
from observer_app.errors import NotValidError, UserActionError
from observer_app.handoff import documents
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import ImportOutcome, import_bundle
from observer_app.handoff.bundle.receipts import RECEIPT_TYPE, accept_receipt, write_receipt
from observer_app.handoff.bundle.status import handoff_status
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook.session import LogbookSession
from observer_app.vault.journal import read_events
from observer_app.vault.verify import verify_journal
from tests.handoff.handoff_support import add_notes, dump, enroll

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def observer(
    make_session: MakeSession, coordinator: LogbookSession, tmp_path: Path
) -> LogbookSession:
    session = make_session(name="Observer", folder="observer")
    enroll(coordinator, session, tmp_path / "enroll")
    add_notes(session, 3)
    return session


@pytest.fixture
def imported(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> ImportOutcome:
    stick = tmp_path / "stick"
    stick.mkdir()
    outcome = import_bundle(coordinator, export_bundle(observer, stick).paths)
    assert outcome.status == "accepted"
    return outcome


def receipt(
    coordinator: LogbookSession, outcome: ImportOutcome, folder: Path, **changes: object
) -> Path:
    folder.mkdir(exist_ok=True)
    arguments: dict[str, object] = {
        "author": outcome.author,
        "bundle_id": outcome.bundle_id,
        "up_to_seq": outcome.head_seq,
        "head_hash": outcome.head_hash,
        "media": outcome.receipt_media,
        "receipt_id": outcome.receipt_id,
    }
    arguments.update(changes)
    return write_receipt(coordinator, folder, **arguments)  # type: ignore[arg-type]


def test_receipt_is_sealed_and_recorded_once(
    observer: LogbookSession,
    coordinator: LogbookSession,
    imported: ImportOutcome,
    tmp_path: Path,
) -> None:
    path = receipt(coordinator, imported, tmp_path / "receipts")
    assert path.name.startswith("olb-") and path.stat().st_mode & 0o777 == 0o600
    assert observer.identity.feed.encode() not in path.read_bytes()
    assert handoff_status(observer).to_json()["events_waiting"] == imported.head_seq
    accepted = accept_receipt(observer, path)
    assert not accepted.already_recorded and accepted.coordinator_name == "Coordinator"
    last = list(read_events(observer.conn, observer.identity.feed))[-1]
    assert last.type == "handoff.acknowledged"
    assert last.body["up_to_seq"] == imported.head_seq
    status = handoff_status(observer).to_json()
    assert status["acknowledged_seq"] == imported.head_seq
    assert status["events_waiting"] == 0  # the acknowledgement alone is nothing to hand over
    before = dump(observer)
    assert accept_receipt(observer, path).already_recorded
    assert dump(observer) == before
    assert verify_journal(observer.conn).ok


def test_received_bundle_is_recorded_by_the_coordinator(
    coordinator: LogbookSession, imported: ImportOutcome
) -> None:
    row = coordinator.conn.execute(
        "SELECT author, to_seq, receipt_id FROM handoff_received"
    ).fetchone()
    assert tuple(row) == (imported.author, imported.to_seq, imported.receipt_id)


def test_receipt_for_another_observer_is_refused(
    coordinator: LogbookSession,
    imported: ImportOutcome,
    make_session: MakeSession,
    tmp_path: Path,
) -> None:
    other = make_session(name="Other", folder="other")
    enroll(coordinator, other, tmp_path / "enroll-other")
    add_notes(other, 1)
    path = receipt(coordinator, imported, tmp_path / "receipts")
    with pytest.raises(NotValidError, match="someone else"):
        accept_receipt(other, path)
    # Signed by the pinned coordinator and sealed to `other`, but about the first observer:
    content = {
        "receipt_id": new_id(),
        "bundle_id": imported.bundle_id,
        "issued_utc": "2026-03-16T10:00:00.000Z",
        "coordinator": coordinator.identity.feed,
        "author": imported.author,
        "up_to_seq": 1,
        "head_hash": imported.head_hash,
        "media": [],
    }
    signed = documents.sign_document(coordinator.identity.signing_key, RECEIPT_TYPE, content)
    forged = tmp_path / "forged.age"
    forged.write_bytes(documents.seal(signed, recipient_of(other.identity.age_identity)))
    before = dump(other)
    with pytest.raises(NotValidError, match="another observer"):
        accept_receipt(other, forged)
    assert dump(other) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"note": "unexpected"}, "note"),
        ({"issued_utc": "2026-13-01T00:00:00.000Z"}, "issued_utc"),
        ({"up_to_seq": "3"}, "up_to_seq"),
        ({"media": [["nested"]]}, "media[0]"),
    ],
)
def test_receipt_fields_are_checked_by_name(
    observer: LogbookSession,
    coordinator: LogbookSession,
    imported: ImportOutcome,
    tmp_path: Path,
    change: dict[str, object],
    field: str,
) -> None:
    """Signed by the pinned coordinator and sealed to the observer: only the schema refuses."""
    content = {
        "receipt_id": new_id(),
        "bundle_id": imported.bundle_id,
        "issued_utc": "2026-03-16T10:00:00.000Z",
        "coordinator": coordinator.identity.feed,
        "author": imported.author,
        "up_to_seq": imported.head_seq,
        "head_hash": imported.head_hash,
        "media": [],
        **change,
    }
    signed = documents.sign_document(coordinator.identity.signing_key, RECEIPT_TYPE, content)
    forged = tmp_path / "forged.age"
    forged.write_bytes(documents.seal(signed, recipient_of(observer.identity.age_identity)))
    before = dump(observer)
    with pytest.raises(NotValidError, match=re.escape(f"'{field}'")):
        accept_receipt(observer, forged)
    assert dump(observer) == before


def test_receipt_that_does_not_match_the_journal_is_refused(
    observer: LogbookSession,
    coordinator: LogbookSession,
    imported: ImportOutcome,
    tmp_path: Path,
) -> None:
    path = receipt(coordinator, imported, tmp_path / "r", head_hash="0" * 64)
    before = dump(observer)
    with pytest.raises(NotValidError, match="does not match"):
        accept_receipt(observer, path)
    beyond = receipt(coordinator, imported, tmp_path / "r2", up_to_seq=imported.head_seq + 5)
    with pytest.raises(NotValidError, match="does not match"):
        accept_receipt(observer, beyond)
    assert dump(observer) == before


def test_receipt_from_an_unpinned_coordinator_is_refused(
    observer: LogbookSession,
    imported: ImportOutcome,
    make_session: MakeSession,
    tmp_path: Path,
) -> None:
    """Another coordinator, holding the observer's request, signs a receipt for it."""
    stranger = make_session(name="Stranger", role="coordinator", folder="stranger")
    stick = tmp_path / "s"
    stick.mkdir()
    issue_package(stranger, write_request(observer, stick).path, stick)  # not accepted
    path = receipt(stranger, imported, tmp_path / "r")
    before = dump(observer)
    with pytest.raises(NotValidError, match="not pinned"):
        accept_receipt(observer, path)
    assert dump(observer) == before


def test_tampered_receipt_is_refused(
    observer: LogbookSession,
    coordinator: LogbookSession,
    imported: ImportOutcome,
    tmp_path: Path,
) -> None:
    path = receipt(coordinator, imported, tmp_path / "r")
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(NotValidError, match="damaged"):
        accept_receipt(observer, path)
    # A re-sealed receipt whose content was changed after signing: bad signature.
    good = receipt(coordinator, imported, tmp_path / "r2")
    envelope = json.loads(documents.unseal(good.read_bytes(), observer.identity.age_identity, "x"))
    envelope["document"]["up_to_seq"] = 1
    forged = tmp_path / "forged.age"
    forged.write_bytes(
        documents.seal(
            documents.canonicalize_signed(envelope), recipient_of(observer.identity.age_identity)
        )
    )
    with pytest.raises(NotValidError, match="bad signature"):
        accept_receipt(observer, forged)
    assert envelope["document"]["type"] == RECEIPT_TYPE


def test_only_an_observer_records_receipts_and_only_a_coordinator_writes_them(
    observer: LogbookSession, coordinator: LogbookSession, imported: ImportOutcome, tmp_path: Path
) -> None:
    path = receipt(coordinator, imported, tmp_path / "r")
    with pytest.raises(UserActionError, match="observer's vault"):
        accept_receipt(coordinator, path)
    with pytest.raises(UserActionError, match="coordinator's vault"):
        receipt(observer, imported, tmp_path / "r3")
