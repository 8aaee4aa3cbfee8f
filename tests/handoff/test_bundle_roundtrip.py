"""Bundles that should be accepted: events and media arrive intact, incrementally, in parts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.errors import OperationCancelled, UserActionError
from observer_app.handoff.bundle.exporter import export_bundle, plan_export
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.handoff.bundle.receipts import accept_receipt, write_receipt
from observer_app.handoff.bundle.status import handoff_status
from observer_app.logbook import media, stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.blobs import BlobStore, find_blob
from observer_app.vault.journal import feed_head, read_events
from observer_app.vault.verify import verify_journal
from tests.handoff.handoff_support import MEDIA_DIR, add_notes, dump, enroll

MakeSession = Callable[..., LogbookSession]
PHOTOS = ("gps_DSCN0010.jpg", "gps_DSCN0021.jpg", "Canon_40D.jpg")


@pytest.fixture
def coordinator(make_session: MakeSession) -> LogbookSession:
    session = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    stations.add_station(session, load_catalogue(), "101", "School 1", region="almaty_city")
    return session


@pytest.fixture
def observer(
    make_session: MakeSession, coordinator: LogbookSession, tmp_path: Path
) -> LogbookSession:
    session = make_session(name="Observer", folder="observer")
    enroll(coordinator, session, tmp_path / "enroll", ["101"])
    return session


def add_photo(observer: LogbookSession, name: str) -> str:
    link = media.resolve_link(observer, "station", "101")
    return media.import_file(observer, MEDIA_DIR / name, link).sha256


def blob_bytes(session: LogbookSession, sha256: str) -> bytes:
    record = find_blob(session.conn, sha256)
    assert record is not None
    return BlobStore(session.vault.blobs_dir).read_all(record.file, record.key)


def receipt_for(coordinator: LogbookSession, outcome: object, out: Path) -> Path:
    from observer_app.handoff.bundle.importer import ImportOutcome

    assert isinstance(outcome, ImportOutcome) and outcome.author and outcome.head_hash
    out.mkdir(exist_ok=True)
    return write_receipt(
        coordinator,
        out,
        author=outcome.author,
        bundle_id=outcome.bundle_id or "",
        up_to_seq=outcome.head_seq,
        head_hash=outcome.head_hash,
        media=outcome.receipt_media,
        receipt_id=outcome.receipt_id,
    )


def test_first_bundle_carries_the_whole_feed_and_its_media(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    add_notes(observer, 3)
    shas = [add_photo(observer, name) for name in PHOTOS[:2]]
    stick = tmp_path / "stick"
    stick.mkdir()
    result = export_bundle(observer, stick)
    assert result.manifest.from_seq == 1
    assert [m.sha256 for m in result.manifest.media] == shas
    assert all(p.name.startswith("olb-") for p in result.paths)
    for path in result.paths:
        for secret in (b"note 0", b"Observer", (MEDIA_DIR / PHOTOS[0]).read_bytes()[:64]):
            assert secret not in path.read_bytes()

    outcome = import_bundle(coordinator, result.paths)
    assert outcome.status == "accepted", outcome.reason
    head = feed_head(observer.conn, observer.identity.feed)
    assert feed_head(coordinator.conn, observer.identity.feed) == head
    assert (outcome.new_events, outcome.new_media) == (head[0], 2)
    ours = [e.hash for e in read_events(observer.conn, observer.identity.feed)]
    theirs = [e.hash for e in read_events(coordinator.conn, observer.identity.feed)]
    assert theirs == ours
    for sha, name in zip(shas, PHOTOS, strict=False):
        assert blob_bytes(coordinator, sha) == (MEDIA_DIR / name).read_bytes()
    assert verify_journal(coordinator.conn).ok
    rows = coordinator.conn.execute(
        "SELECT count(*) FROM media WHERE feed = ?", (observer.identity.feed,)
    )
    assert rows.fetchone()[0] == 2
    status = handoff_status(coordinator).to_json()
    assert status["observers"][0]["held_seq"] == head[0]


def test_receipt_makes_the_next_bundle_incremental(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    add_notes(observer, 2)
    first_photo = add_photo(observer, PHOTOS[0])
    stick = tmp_path / "stick"
    stick.mkdir()
    first = import_bundle(coordinator, export_bundle(observer, stick).paths)
    accepted = accept_receipt(observer, receipt_for(coordinator, first, tmp_path / "receipts"))
    assert accepted.receipt.up_to_seq == first.head_seq
    assert accepted.receipt.media == (first_photo,)
    status = handoff_status(observer).to_json()
    assert (status["events_waiting"], status["media_waiting"]) == (0, 0)
    assert status["last_receipt"]["up_to_seq"] == first.head_seq
    with pytest.raises(UserActionError, match="nothing to hand over"):
        export_bundle(observer, stick)

    add_notes(observer, 2, "later")
    second_photo = add_photo(observer, PHOTOS[1])
    plan = plan_export(observer)
    assert plan.from_seq == first.head_seq + 1
    assert [m.sha256 for m in plan.media] == [second_photo]
    second = export_bundle(observer, stick)
    assert second.manifest.from_seq == first.head_seq + 1
    outcome = import_bundle(coordinator, second.paths)
    assert outcome.status == "accepted", outcome.reason
    assert outcome.new_media == 1 and outcome.held_events == 0
    assert feed_head(coordinator.conn, observer.identity.feed) == feed_head(
        observer.conn, observer.identity.feed
    )
    assert verify_journal(coordinator.conn).ok


def test_without_a_receipt_bundles_overlap_and_old_ones_are_already_held(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    add_notes(observer, 2)
    first = export_bundle(observer, tmp_path)
    add_notes(observer, 2, "more")
    add_photo(observer, PHOTOS[2])
    second = export_bundle(observer, tmp_path)
    assert second.manifest.from_seq == 1  # cumulative: nothing was acknowledged

    assert import_bundle(coordinator, first.paths).status == "accepted"
    outcome = import_bundle(coordinator, second.paths)
    assert outcome.status == "accepted"
    assert outcome.held_events == first.manifest.to_seq
    assert outcome.new_events == second.manifest.to_seq - first.manifest.to_seq
    before = dump(coordinator)
    again = import_bundle(coordinator, second.paths)
    assert again.status == "already_held" and again.held_media == 1
    older = import_bundle(coordinator, first.paths)
    assert older.status == "already_held"
    assert dump(coordinator) == before


def test_a_bundle_in_many_parts(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    for name in PHOTOS:
        add_photo(observer, name)
    result = export_bundle(observer, tmp_path, part_size=64 * 1024)
    assert len(result.paths) > 3
    outcome = import_bundle(coordinator, list(reversed(result.paths)))
    assert outcome.status == "accepted", outcome.reason
    assert outcome.new_media == 3


def test_the_same_photo_from_two_observers_is_stored_once(
    observer: LogbookSession,
    coordinator: LogbookSession,
    make_session: MakeSession,
    tmp_path: Path,
) -> None:
    second = make_session(name="Second observer", folder="second")
    enroll(coordinator, second, tmp_path / "enroll2", ["101"])
    sha = add_photo(observer, PHOTOS[0])
    assert add_photo(second, PHOTOS[0]) == sha
    assert import_bundle(coordinator, export_bundle(observer, tmp_path).paths).new_media == 1
    outcome = import_bundle(coordinator, export_bundle(second, tmp_path).paths)
    assert outcome.status == "accepted" and outcome.held_media == 1 and outcome.new_media == 0
    blobs = list(coordinator.vault.blobs_dir.iterdir())
    assert len(blobs) == 1
    count = coordinator.conn.execute("SELECT count(*) FROM media WHERE sha256 = ?", (sha,))
    assert count.fetchone()[0] == 2
    assert hashlib.sha256(blob_bytes(coordinator, sha)).hexdigest() == sha


def test_purged_media_travel_as_record_only(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    sha = add_photo(observer, PHOTOS[0])
    item = observer.conn.execute("SELECT id FROM media WHERE sha256 = ?", (sha,)).fetchone()[0]
    media.purge(observer, item, "consent withdrawn")
    result = export_bundle(observer, tmp_path)
    assert result.manifest.media == ()
    outcome = import_bundle(coordinator, result.paths)
    assert outcome.status == "accepted"
    assert find_blob(coordinator.conn, sha) is None
    purged = coordinator.conn.execute("SELECT purged FROM media WHERE sha256 = ?", (sha,))
    assert purged.fetchone()[0] == 1


def test_cancelled_export_leaves_no_bundle(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    for name in PHOTOS:
        add_photo(observer, name)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    stick = tmp_path / "stick"
    stick.mkdir()
    with pytest.raises(OperationCancelled):
        export_bundle(observer, stick, part_size=64 * 1024, cancel=cancel)
    assert list(stick.iterdir()) == []


def test_cancelled_import_leaves_the_vault_as_it_was(
    observer: LogbookSession, coordinator: LogbookSession, tmp_path: Path
) -> None:
    add_notes(observer, 5)
    for name in PHOTOS:
        add_photo(observer, name)
    paths = export_bundle(observer, tmp_path).paths
    before = dump(coordinator)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 8

    with pytest.raises(OperationCancelled):
        import_bundle(coordinator, paths, cancel=cancel)
    assert dump(coordinator) == before


def test_export_needs_enrollment(make_session: MakeSession, tmp_path: Path) -> None:
    loner = make_session(name="Loner", folder="loner")
    with pytest.raises(UserActionError, match="not enrolled"):
        export_bundle(loner, tmp_path)
    assert handoff_status(loner).to_json()["enrolled"] is False
