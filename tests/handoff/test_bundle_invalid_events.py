"""An enrolled observer's correctly signed bundle whose events are not valid as data.

Only the data check can refuse these bundles: the observer is enrolled, every event is signed by
their key and chained. Each is imported by the real coordinator vault through `observer-cli`:
refused with the event and the field named, exit 1, the coordinator's vault exactly as before;
and a good bundle of another observer given to the same `handoff import` still lands.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from observer_app.vault.journal import build_event, feed_head
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import (
    MEDIA_DIR,
    EventRow,
    add_notes,
    dump,
    enroll,
    event_rows,
    forge_bundle,
    media_entry,
)

MakeSession = Callable[..., LogbookSession]
NOTE_ID = "01890a5d-ac96-774b-bcce-b302099a8057"


@pytest.fixture
def observer(make_session: MakeSession, coordinator: LogbookSession, tmp_path: Path) -> Any:
    session = make_session(name="Observer", folder="observer")
    enroll(coordinator, session, tmp_path / "enroll")
    add_notes(session, 2)
    return session


@pytest.fixture
def coordinator_cli(coordinator: LogbookSession, tmp_path: Path) -> Cli:
    password = tmp_path / "coordinator-passphrase"
    password.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return Cli(coordinator.vault.path, password)


def signed_next(
    observer: LogbookSession,
    event_type: str,
    body: dict[str, Any],
    *,
    time_utc: str | None = None,
    tz: str = "Asia/Almaty",
) -> EventRow:
    """The observer's next event, signed with their real key, never checked or stored."""
    seq, head = feed_head(observer.conn, observer.identity.feed)
    event = build_event(
        observer.identity.author, seq + 1, head, event_type, body, tz, time_utc=time_utc
    )
    return EventRow(event.seq, event.payload, event.signature)


NOTE = {"id": NOTE_ID, "station": None, "text": "ordinary note"}
MEDIA = {
    "id": NOTE_ID,
    "sha256": "ab" * 32,
    "size": "1234",
    "mime": "image/jpeg",
    "kind": "photo",
    "original_name": "IMG_0001.JPG",
    "metadata": {},
    "consent": "not_asked",
    "consent_note": None,
    "links": [],
}

CASES = {
    "empty time": ("note.added", NOTE, {"time_utc": ""}, "time_utc"),
    "month 13": ("note.added", NOTE, {"time_utc": "2026-13-01T00:00:00.000Z"}, "time_utc"),
    "year 9999 far east": (
        "note.added",
        NOTE,
        {"time_utc": "9999-12-31T23:59:59.000Z", "tz": "Pacific/Kiritimati"},
        "time_utc",
    ),
    "year 1 far west": (
        "note.added",
        NOTE,
        {"time_utc": "0001-01-01T00:00:00.000Z", "tz": "America/Los_Angeles"},
        "time_utc",
    ),
    "unknown zone": ("note.added", NOTE, {"tz": "Mars/Olympus"}, "tz"),
    "path-like zone": ("note.added", NOTE, {"tz": "../../../../etc/localtime"}, "tz"),
    "nested list for text": ("note.added", {**NOTE, "text": [["a", ["b"]]]}, {}, "body.text"),
    "text for a size": ("media.added", MEDIA, {}, "body.size"),
    "bad body time": (
        "visit.started",
        {"id": NOTE_ID, "station": "101", "at": "2026-02-30T07:00:00Z"},
        {},
        "body.at",
    ),
    "unknown type, bad envelope": ("future.event", {"x": 1}, {"tz": "/etc/passwd"}, "tz"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_event_refused_by_event_and_field_vault_unchanged(
    case: str,
    coordinator: LogbookSession,
    coordinator_cli: Cli,
    observer: LogbookSession,
    tmp_path: Path,
) -> None:
    event_type, body, envelope, field = CASES[case]
    bad = signed_next(observer, event_type, body, **envelope)
    parts = forge_bundle(
        observer, coordinator, tmp_path / "bundle", events=[*event_rows(observer), bad]
    )
    before = dump(coordinator)
    result = coordinator_cli("handoff", "import", *map(str, parts))
    assert result.code == 1, result.err
    assert f"seq {bad.seq} ({event_type})" in result.out + result.err
    assert field in result.out + result.err
    assert "internal error" not in result.err
    assert dump(coordinator) == before


def test_an_event_changing_another_authors_record_is_refused(
    coordinator: LogbookSession,
    coordinator_cli: Cli,
    observer: LogbookSession,
    tmp_path: Path,
) -> None:
    """The authorisation rule: the observer's note.voided names the coordinator's own note."""
    target = notes.add_note(coordinator, "the coordinator's own note")
    bad = signed_next(observer, "note.voided", {"target": target, "reason": "gone"})
    parts = forge_bundle(
        observer, coordinator, tmp_path / "bundle", events=[*event_rows(observer), bad]
    )
    before = dump(coordinator)
    result = coordinator_cli("handoff", "import", "--json", *map(str, parts))
    assert result.code == 1
    (outcome,) = result.json()
    assert outcome["reason_code"] == "invalid_event"
    assert "body.target" in outcome["reason"] and "note.voided" in outcome["reason"]
    assert dump(coordinator) == before
    voided = coordinator.conn.execute("SELECT voided FROM notes WHERE id = ?", (target,))
    assert voided.fetchone()[0] == 0


def test_a_good_bundle_in_the_same_import_still_lands(
    coordinator: LogbookSession,
    coordinator_cli: Cli,
    observer: LogbookSession,
    make_session: MakeSession,
    tmp_path: Path,
) -> None:
    second = make_session(name="Second", folder="second")
    enroll(coordinator, second, tmp_path / "enroll-2")
    add_notes(second, 3, prefix="second")
    bad = signed_next(observer, "note.added", {**NOTE, "text": [["nested"]]})
    bad_parts = forge_bundle(
        observer, coordinator, tmp_path / "bad", events=[*event_rows(observer), bad]
    )
    good_parts = forge_bundle(second, coordinator, tmp_path / "good")
    result = coordinator_cli("handoff", "import", "--json", *map(str, [*bad_parts, *good_parts]))
    assert result.code == 1
    outcomes = {o["author"]: o for o in result.json()}
    assert outcomes[observer.identity.feed]["status"] == "refused"
    assert outcomes[observer.identity.feed]["reason_code"] == "invalid_event"
    assert outcomes[second.identity.feed]["status"] == "accepted"
    assert feed_head(coordinator.conn, observer.identity.feed) == (0, None)
    assert feed_head(coordinator.conn, second.identity.feed) == feed_head(
        second.conn, second.identity.feed
    )


# -- the manifest must account for exactly what the bundle carries -----------------------------


def refused_in_process(coordinator: LogbookSession, parts: list[Path], code: str) -> str:
    before = dump(coordinator)
    outcome = import_bundle(coordinator, parts)
    assert outcome.status == "refused" and outcome.reason_code == code, outcome.reason
    assert dump(coordinator) == before
    return str(outcome.reason)


def test_a_manifest_with_an_unknown_field_is_refused(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    parts = forge_bundle(observer, coordinator, stick, manifest_extra={"note": "hello"})
    assert "note" in refused_in_process(coordinator, parts, "damaged")


def test_a_media_member_that_no_event_adds_is_refused(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    """Signed and hashed correctly, but no media.added of the bundle accounts for the file."""
    photo = (MEDIA_DIR / "Canon_40D.jpg").read_bytes()
    entry = media_entry(photo)
    parts = forge_bundle(observer, coordinator, stick, media=[(entry, photo)])
    assert entry.sha256[:16] in refused_in_process(coordinator, parts, "damaged")
    assert list(coordinator.vault.blobs_dir.iterdir()) == []


def test_an_after_hash_that_is_not_the_held_event_is_refused(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path, tmp_path: Path
) -> None:
    assert import_bundle(coordinator, export_bundle(observer, stick).paths).ok
    rows = event_rows(observer, after=3)
    parts = forge_bundle(
        observer,
        coordinator,
        tmp_path / "again",
        events=rows,
        manifest_changes={"after_hash": "00" * 32},
    )
    assert "after_hash" in refused_in_process(coordinator, parts, "wrong_hash")
