"""Every refusal of `handoff import`, each leaving the coordinator vault exactly as it was.

"As it was" is a dump of every row of every table plus the blob file names; the only exception
is a fork, which leaves one alert row naming both event hashes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from observer_app.crypto import keys
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import ImportOutcome, import_bundle
from observer_app.handoff.enroll import roster
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.handoff import fork_alerts
from observer_app.vault.store import open_vault
from tests.handoff.handoff_support import (
    MEDIA_DIR,
    EventRow,
    add_notes,
    copy_vault,
    dump,
    enroll,
    event_rows,
    forge_bundle,
    media_entry,
)

MakeSession = Callable[..., LogbookSession]
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def observer(
    make_session: MakeSession, coordinator: LogbookSession, tmp_path: Path
) -> LogbookSession:
    session = make_session(name="Observer", folder="observer")
    enroll(coordinator, session, tmp_path / "enroll")
    add_notes(session, 4)
    return session


def refused(coordinator: LogbookSession, parts: list[Path], code: str) -> ImportOutcome:
    """Import `parts`, expect refusal `code`, and check that nothing changed."""
    before = dump(coordinator)
    outcome = import_bundle(coordinator, parts)
    assert outcome.status == "refused"
    assert outcome.reason_code == code, outcome.reason
    assert outcome.reason is not None and "\n" not in outcome.reason
    assert dump(coordinator) == before
    return outcome


def test_unknown_author(
    coordinator: LogbookSession, make_session: MakeSession, stick: Path
) -> None:
    stranger = make_session(name="Stranger", folder="stranger")
    add_notes(stranger, 2)
    outcome = refused(coordinator, forge_bundle(stranger, coordinator, stick), "unknown_author")
    assert "unknown author" in (outcome.reason or "")


def test_revoked_key(coordinator: LogbookSession, observer: LogbookSession, stick: Path) -> None:
    paths = export_bundle(observer, stick).paths
    roster.revoke(coordinator, observer.identity.feed, "laptop seized")
    outcome = refused(coordinator, list(paths), "revoked_key")
    assert "laptop seized" in (outcome.reason or "")


def test_manifest_signed_by_another_key(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    parts = forge_bundle(observer, coordinator, stick, manifest_key=keys.generate_signing_key())
    refused(coordinator, parts, "bad_signature")


def test_event_with_a_bad_signature(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    rows = event_rows(observer)
    other_key = keys.generate_signing_key()
    rows[2] = replace(rows[2], signature=keys.sign(other_key, rows[2].payload))
    outcome = refused(
        coordinator, forge_bundle(observer, coordinator, stick, events=rows), "bad_signature"
    )
    assert "seq 3" in (outcome.reason or "")


def test_event_changed_after_signing(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    rows = event_rows(observer)
    last = rows[-1]
    changed = last.payload.replace(b"note 3", b"note X")
    assert changed != last.payload
    rows[-1] = replace(last, payload=changed)
    # The manifest (signed by the author) names the changed head, so only the signature fails.
    refused(coordinator, forge_bundle(observer, coordinator, stick, events=rows), "bad_signature")


def test_gap_names_the_missing_seqs(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    rows = event_rows(observer, after=4)
    outcome = refused(coordinator, forge_bundle(observer, coordinator, stick, events=rows), "gap")
    assert "missing seq 1..4" in (outcome.reason or "")


def test_gap_inside_the_bundle(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    rows = event_rows(observer)
    del rows[3:5]
    parts = forge_bundle(
        observer,
        coordinator,
        stick,
        events=rows,
        manifest_changes={"event_count": rows[-1].seq},
    )
    outcome = refused(coordinator, parts, "gap")
    assert "missing seq 4..5" in (outcome.reason or "")


def test_events_not_ending_at_the_manifest_head(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    rows = event_rows(observer)
    parts = forge_bundle(
        observer, coordinator, stick, events=rows, manifest_changes={"head_hash": "0" * 64}
    )
    refused(coordinator, parts, "wrong_hash")


def test_media_whose_bytes_do_not_match(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    real = (MEDIA_DIR / "Canon_40D.jpg").read_bytes()
    entry = media_entry(real)
    forged = bytearray(real)
    forged[5000] ^= 0xFF
    parts = forge_bundle(observer, coordinator, stick, media=[(entry, bytes(forged))])
    outcome = refused(coordinator, parts, "wrong_hash")
    assert entry.sha256[:16] in (outcome.reason or "")
    assert list(coordinator.vault.blobs_dir.iterdir()) == []  # the staging blob is gone


def test_media_of_the_wrong_size(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    real = (MEDIA_DIR / "Canon_40D.jpg").read_bytes()
    entry = replace(media_entry(real), size=len(real) + 1)
    parts = forge_bundle(observer, coordinator, stick, media=[(entry, real)])
    refused(coordinator, parts, "wrong_hash")


def test_truncated_bundle(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    photo = (MEDIA_DIR / "gps_DSCN0010.jpg").read_bytes()
    parts = forge_bundle(observer, coordinator, stick, media=[(media_entry(photo), photo)])
    path = parts[-1]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 70_000])
    refused(coordinator, parts, "truncated")


def test_missing_part(coordinator: LogbookSession, observer: LogbookSession, stick: Path) -> None:
    photo = (MEDIA_DIR / "gps_DSCN0010.jpg").read_bytes()
    parts = forge_bundle(
        observer, coordinator, stick, media=[(media_entry(photo), photo)], part_size=16 * 1024
    )
    assert len(parts) > 3
    outcome = refused(coordinator, parts[:1] + parts[2:], "truncated")
    assert "part 2" in (outcome.reason or "")
    refused(coordinator, parts[:-1], "truncated")


def test_damaged_byte_in_the_middle(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    photo = (MEDIA_DIR / "gps_DSCN0010.jpg").read_bytes()
    parts = forge_bundle(observer, coordinator, stick, media=[(media_entry(photo), photo)])
    data = bytearray(parts[0].read_bytes())
    data[len(data) // 2] ^= 0x01
    parts[0].write_bytes(bytes(data))
    refused(coordinator, parts, "damaged")


def test_bundle_sealed_to_another_coordinator(
    coordinator: LogbookSession,
    observer: LogbookSession,
    make_session: MakeSession,
    stick: Path,
) -> None:
    other = make_session(name="Other coordinator", role="coordinator", folder="other")
    parts = export_bundle(observer, stick).paths
    refused(other, list(parts), "not_for_this_coordinator")


def test_manifest_addressed_to_another_coordinator(
    coordinator: LogbookSession,
    observer: LogbookSession,
    make_session: MakeSession,
    stick: Path,
) -> None:
    other = make_session(name="Other coordinator", role="coordinator", folder="other")
    parts = forge_bundle(
        observer, coordinator, stick, manifest_changes={"coordinator": other.identity.feed}
    )
    outcome = refused(coordinator, parts, "not_for_this_coordinator")
    assert "addressed to" in (outcome.reason or "")


@pytest.fixture
def clone(observer: LogbookSession, tmp_path: Path) -> Iterator[LogbookSession]:
    """The observer's vault copied, key and all, then used on its own."""
    observer.close()
    copy_vault(tmp_path / "observer", tmp_path / "clone")
    observer.unlock(PASSPHRASE)  # closed (locked) for the copy, then open again
    session = LogbookSession(open_vault(tmp_path / "clone", PASSPHRASE))
    yield session
    session.close()


def test_fork_is_refused_and_only_an_alert_is_recorded(
    coordinator: LogbookSession,
    observer: LogbookSession,
    clone: LogbookSession,
    stick: Path,
    tmp_path: Path,
) -> None:
    add_notes(observer, 1, "the real one")
    add_notes(clone, 1, "the copy")
    first = export_bundle(observer, stick).paths
    assert import_bundle(coordinator, first).status == "accepted"
    forked = export_bundle(clone, tmp_path).paths
    held = event_rows(observer)[-1]
    other = event_rows(clone)[-1]
    assert held.seq == other.seq and held.hash != other.hash

    before = dump(coordinator)
    outcome = import_bundle(coordinator, forked)
    assert outcome.status == "refused" and outcome.reason_code == "fork"
    assert held.hash[:16] in (outcome.reason or "") and other.hash[:16] in (outcome.reason or "")
    after = dump(coordinator)
    alerts = after["tables"].pop("fork_alerts")
    before["tables"].pop("fork_alerts")
    assert after == before
    assert len(alerts) == 1
    (alert,) = fork_alerts(coordinator.conn)
    assert (alert.feed, alert.seq) == (observer.identity.feed, held.seq)
    assert (alert.held_hash, alert.other_hash) == (held.hash, other.hash)
    evidence = coordinator.conn.execute("SELECT other_payload FROM fork_alerts").fetchone()[0]
    assert hashlib.sha256(bytes(evidence)).hexdigest() == other.hash
    # The same forked bundle again: still refused, still one alert.
    assert import_bundle(coordinator, forked).reason_code == "fork"
    assert len(fork_alerts(coordinator.conn)) == 1


def test_fork_below_the_bundle_start(
    coordinator: LogbookSession,
    observer: LogbookSession,
    clone: LogbookSession,
    tmp_path: Path,
) -> None:
    """The clone's bundle starts right after the held head but chains to another event."""
    add_notes(observer, 1, "the real one")
    assert import_bundle(coordinator, export_bundle(observer, tmp_path).paths).ok
    add_notes(clone, 2, "the copy")
    head = len(event_rows(observer))
    rows = [r for r in event_rows(clone) if r.seq > head]
    parts = forge_bundle(clone, coordinator, tmp_path / "b", events=rows)
    before = dump(coordinator)
    outcome = import_bundle(coordinator, parts)
    assert outcome.reason_code == "fork", outcome.reason
    (alert,) = fork_alerts(coordinator.conn)
    assert alert.seq == head and alert.held_hash == event_rows(observer)[-1].hash
    after = dump(coordinator)
    after["tables"].pop("fork_alerts")
    before["tables"].pop("fork_alerts")
    assert after == before


def test_garbage_file_is_refused(coordinator: LogbookSession, stick: Path) -> None:
    junk = stick / "olb-0123456789abcdef-001-of-001.age"
    junk.write_bytes(os.urandom(4096))
    refused(coordinator, [junk], "damaged")


def test_events_stored_before_a_later_refusal_are_rolled_back(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> None:
    """A refusal after events were already stored in the open transaction rolls them back."""
    rows: list[EventRow] = event_rows(observer)
    photo = (MEDIA_DIR / "Canon_40D.jpg").read_bytes()
    entry = media_entry(photo)
    parts = forge_bundle(
        observer, coordinator, stick, events=rows, media=[(entry, photo[:-1] + b"!")]
    )
    refused(coordinator, parts, "wrong_hash")
    held = coordinator.conn.execute(
        "SELECT count(*) FROM events WHERE feed = ?", (observer.identity.feed,)
    ).fetchone()[0]
    assert held == 0


def test_fork_is_recorded_even_when_the_media_are_bad_too(
    coordinator: LogbookSession,
    observer: LogbookSession,
    clone: LogbookSession,
    stick: Path,
    tmp_path: Path,
) -> None:
    add_notes(observer, 1, "the real one")
    assert import_bundle(coordinator, export_bundle(observer, stick).paths).ok
    add_notes(clone, 300, "the copy")  # many events after the fork, media failing early
    photo = (MEDIA_DIR / "Canon_40D.jpg").read_bytes()
    entry = media_entry(photo)
    parts = forge_bundle(clone, coordinator, tmp_path / "b", media=[(entry, photo[::-1])])
    outcome = import_bundle(coordinator, parts)
    assert outcome.reason_code == "fork", outcome.reason
    assert len(fork_alerts(coordinator.conn)) == 1
