"""Media evidence in a real vault: one-pass import, dedup, consent, purge, redaction, export."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.errors import OperationCancelled, UsageError, UserActionError
from observer_app.logbook import media
from observer_app.logbook.media_history import media_history
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from observer_app.media.redaction import Box
from observer_app.vault.queries.media import get_media, list_media
from observer_app.vault.verify import verify_journal

DATA = Path(__file__).parent.parent / "data" / "media"
STATION = media.Link("station", "101")


@pytest.fixture
def observer(session: LogbookSession) -> LogbookSession:
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    return session


def blob_files(session: LogbookSession) -> list[Path]:
    return sorted(p for p in session.vault.blobs_dir.iterdir() if p.is_file())


def test_import_reads_gps_and_hashes_the_original(observer: LogbookSession) -> None:
    path = DATA / "gps_DSCN0010.jpg"
    result = media.import_file(observer, path, STATION)
    item = get_media(observer.conn, result.id)
    assert item is not None
    assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == result.sha256
    assert item.size == path.stat().st_size
    assert item.mime == "image/jpeg" and item.kind == "photo"
    assert item.original_name == "gps_DSCN0010.jpg"
    assert item.camera_make == "NIKON"
    assert item.gps_lat_microdeg is not None and 43_000_000 < item.gps_lat_microdeg < 44_000_000
    assert item.gps_lon_microdeg is not None and 11_000_000 < item.gps_lon_microdeg < 12_000_000
    assert item.capture_time and item.capture_time.startswith("2008-")
    assert item.links == (("station", "101"),)
    assert item.consent == "not_asked"
    thumb = media.thumbnail_jpeg(observer, result.id)
    assert thumb is not None and thumb.startswith(b"\xff\xd8")
    assert b"Exif" not in thumb and b"NIKON" not in thumb
    assert len(blob_files(observer)) == 2  # original + thumbnail, both encrypted


def test_blob_files_hold_no_plaintext(observer: LogbookSession) -> None:
    original = (DATA / "Canon_40D.jpg").read_bytes()
    media.import_file(observer, DATA / "Canon_40D.jpg", STATION)
    for blob in blob_files(observer):
        data = blob.read_bytes()
        assert b"Exif\x00\x00" not in data and b"JFIF\x00" not in data
        assert original[200:264] not in data
        assert len(blob.name) == 32 and all(c in "0123456789abcdef" for c in blob.name)


def test_thumbnails_are_upright(observer: LogbookSession) -> None:
    for name in ("orientation_landscape_6.jpg", "orientation_portrait_8.jpg"):
        result = media.import_file(observer, DATA / name, STATION)
        thumb = media.thumbnail_jpeg(observer, result.id)
        assert thumb is not None
        expected = Image.open(DATA / name)
        from PIL import ImageOps

        upright = ImageOps.exif_transpose(expected)
        got = Image.open(io.BytesIO(thumb))
        assert (got.width > got.height) == (upright.width > upright.height), name


def test_same_file_twice_is_linked_not_stored_again(observer: LogbookSession) -> None:
    add_station(observer, load_catalogue(), "102", "Дом культуры")
    first = media.import_file(observer, DATA / "gps_DSCN0021.jpg", STATION)
    files = blob_files(observer)
    second = media.import_file(observer, DATA / "gps_DSCN0021.jpg", media.Link("station", "102"))
    assert second.duplicate and second.id == first.id
    assert blob_files(observer) == files
    item = get_media(observer.conn, first.id)
    assert item is not None and item.links == (("station", "101"), ("station", "102"))
    assert len(list_media(observer.conn)) == 1


@pytest.mark.parametrize(
    "name",
    [
        "corrupted.jpg",
        "invalid_image01137.jpg",
        "invalid_image01551.jpg",
        "invalid_image02206.jpg",
        "heic_IMG_5195.HEIC",
    ],
)
def test_files_that_will_not_decode_are_kept_as_evidence(
    observer: LogbookSession, name: str
) -> None:
    path = DATA / name
    result = media.import_file(observer, path, STATION)
    item = get_media(observer.conn, result.id)
    assert item is not None
    assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert media.original_bytes(observer, item) == path.read_bytes()
    thumb = media.thumbnail_jpeg(observer, result.id)
    # Measured: the damaged JPEG samples still decode (their damage is in the metadata or
    # partial); the HEIC has no decoder here and is shown as a placeholder.
    heic = name.endswith(".HEIC")
    assert (thumb is None) == heic
    if heic:
        assert item.mime == "image/heic" and item.decode_error
        assert media.placeholder_jpeg(item).startswith(b"\xff\xd8")
    else:
        assert thumb is not None and b"Exif\x00\x00" not in thumb


def test_unreadable_file_leaves_nothing_behind(observer: LogbookSession, tmp_path: Path) -> None:
    before = blob_files(observer)
    events = observer.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(UserActionError, match="cannot read"):
        media.import_file(observer, tmp_path / "missing.jpg", STATION)
    folder = tmp_path / "a-folder.jpg"
    folder.mkdir()
    with pytest.raises(UserActionError):
        media.import_file(observer, folder, STATION)
    assert blob_files(observer) == before
    assert observer.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_cancelled_import_leaves_nothing(observer: LogbookSession, tmp_path: Path) -> None:
    big = tmp_path / "video.mp4"
    big.write_bytes(os.urandom(5 * 1024 * 1024))
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(OperationCancelled):
        media.import_file(observer, big, STATION, cancel=cancel)
    assert blob_files(observer) == []
    assert list_media(observer.conn) == []


def test_large_import_streams_in_bounded_memory(observer: LogbookSession, tmp_path: Path) -> None:
    big = tmp_path / "long-video.mp4"
    with open(big, "wb") as handle:
        for _ in range(48):
            handle.write(os.urandom(1024 * 1024))
    tracemalloc.start()
    try:
        result = media.import_file(observer, big, STATION)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, peak
    item = get_media(observer.conn, result.id)
    assert item is not None and item.size == 48 * 1024 * 1024


def test_consent_changes_are_events_with_reasons(observer: LogbookSession) -> None:
    result = media.import_file(observer, DATA / "mobile_jolla.jpg", STATION)
    media.set_consent(observer, result.id, "written", "форма согласия подписана", "Асель Б.")
    media.set_consent(observer, result.id, "withdrawn", "позвонила и отозвала")
    item = get_media(observer.conn, result.id)
    assert item is not None and item.consent == "withdrawn"
    history = media_history(observer.conn, result.id)
    assert [e.event.type for e in history] == ["media.added", "media.consent", "media.consent"]
    assert history[1].event.body["reason"] == "форма согласия подписана"
    with pytest.raises(UsageError):
        media.set_consent(observer, result.id, "anonymised", "I say so")
    with pytest.raises(UsageError):
        media.set_consent(observer, result.id, "maybe", "typo")


def test_publication_export_follows_consent(observer: LogbookSession, tmp_path: Path) -> None:
    result = media.import_file(observer, DATA / "gps_DSCN0038.jpg", STATION)
    out = tmp_path / "out.jpg"
    with pytest.raises(UserActionError, match="publication refused"):
        media.export(observer, result.id, out, publication=True)
    assert not out.exists()
    media.export(observer, result.id, out, publication=False)
    assert out.read_bytes() == (DATA / "gps_DSCN0038.jpg").read_bytes()
    media.set_consent(observer, result.id, "no_person", "only the ballot box is shown")
    public = tmp_path / "public.jpg"
    media.export(observer, result.id, public, publication=True)
    data = public.read_bytes()
    assert b"Exif" not in data and b"NIKON" not in data and b"GPS" not in data
    image = Image.open(public)
    assert not image.getexif() and "exif" not in image.info


def test_redacted_copy_is_anonymised_and_the_original_unchanged(
    observer: LogbookSession, tmp_path: Path
) -> None:
    path = DATA / "orientation_portrait_8.jpg"
    original = media.import_file(observer, path, STATION)
    copy_id = media.make_redacted_copy(observer, original.id, [Box(10, 20, 100, 80)], "fill")
    copy = get_media(observer.conn, copy_id)
    assert copy is not None
    assert copy.derived_from == original.id and copy.consent == ConsentState.ANONYMISED.value
    assert copy.gps_lat_microdeg is None and copy.camera_make is None
    item = get_media(observer.conn, original.id)
    assert item is not None
    assert media.original_bytes(observer, item) == path.read_bytes()
    out = tmp_path / "published.jpg"
    media.export(observer, copy_id, out, publication=True)
    published = Image.open(out).convert("RGB")
    assert published.getpixel((50, 50)) == (0, 0, 0) or max(published.getpixel((50, 50))) < 20
    with pytest.raises(UserActionError):
        media.export(observer, original.id, tmp_path / "no.jpg", publication=True)


def test_purge_removes_content_and_keeps_the_record(
    observer: LogbookSession, tmp_path: Path
) -> None:
    result = media.import_file(observer, DATA / "gps_DSCN0010.jpg", STATION)
    media.purge(observer, result.id, "согласие отозвано, решение суда №12")
    item = get_media(observer.conn, result.id)
    assert item is not None and item.purged
    assert item.purge_reason == "согласие отозвано, решение суда №12"
    assert item.sha256 == hashlib.sha256((DATA / "gps_DSCN0010.jpg").read_bytes()).hexdigest()
    assert blob_files(observer) == []
    assert observer.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0
    assert media.thumbnail_jpeg(observer, result.id) is None
    with pytest.raises(UserActionError, match="purged"):
        media.export(observer, result.id, tmp_path / "x.jpg", publication=False)


def test_video_and_audio_are_not_published(observer: LogbookSession, tmp_path: Path) -> None:
    import wave

    sound = tmp_path / "interview.wav"
    with wave.open(str(sound), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 16000)
    result = media.import_file(observer, sound, STATION, ConsentState.WRITTEN)
    item = get_media(observer.conn, result.id)
    assert item is not None and item.kind == "audio" and item.duration_ms == 2000
    with pytest.raises(UserActionError, match="metadata cannot be removed"):
        media.export(observer, result.id, tmp_path / "pub.wav", publication=True)


def test_journal_replays_media_projections(observer: LogbookSession) -> None:
    first = media.import_file(observer, DATA / "gps_DSCN0010.jpg", STATION)
    media.import_file(observer, DATA / "gps_DSCN0010.jpg", media.Link("protocol", "101"))
    media.set_consent(observer, first.id, "verbal", "recorded on video")
    media.make_redacted_copy(observer, first.id, [Box(0, 0, 50, 50)], "pixelate")
    second = media.import_file(observer, DATA / "Canon_40D.jpg", STATION)
    media.purge(observer, second.id, "court order")
    report = verify_journal(observer.conn)
    assert report.ok, report.problems


@pytest.fixture
def private_tempdir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "system-temp"
    folder.mkdir()
    old = tempfile.tempdir
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = old
        os.environ.pop("TMPDIR", None)


def test_no_plaintext_in_vault_or_temp_after_a_session(
    observer: LogbookSession, private_tempdir: Path, tmp_path: Path
) -> None:
    originals = [
        DATA / n
        for n in (
            "gps_DSCN0010.jpg",
            "mobile_jolla.jpg",
            "Canon_40D.jpg",
            "orientation_landscape_6.jpg",
            "corrupted.jpg",
        )
    ]
    ids = [media.import_file(observer, p, STATION).id for p in originals]
    media.make_redacted_copy(observer, ids[0], [Box(5, 5, 40, 40)], "blur")
    for media_id in ids:
        media.thumbnail_jpeg(observer, media_id)
    media.suggest_faces(observer, ids[1])
    scanned = 0
    for root in (observer.vault.path, private_tempdir):
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            scanned += 1
            # A JPEG file starts with its SOI marker; inside a few MB of ciphertext a 4-byte
            # pattern occurs by chance (~1 run in 400), so it is checked at the start only, and
            # the longer markers and 64-byte slices of the originals everywhere.
            assert not data.startswith(b"\xff\xd8\xff"), path
            for marker in (b"Exif\x00\x00", b"JFIF\x00\x01", b"\xff\xd8\xff\xe1\x00"):
                assert marker not in data, (path, marker)
            for original in originals:
                assert original.read_bytes()[4096:4160] not in data, path
    assert scanned >= 5


def test_one_author_cannot_change_another_authors_media(observer: LogbookSession) -> None:
    """In a coordinator vault, a signed event from author B aimed at author A's item is refused
    (the authorisation rule of the event schemas): nothing is stored, the item is unchanged."""
    from observer_app.errors import EventSchemaError
    from observer_app.vault import journal
    from observer_app.vault.connection import Transaction
    from observer_app.vault.projection.media import MEDIA_CONSENT, MEDIA_LINKED, MEDIA_PURGED

    item = media.import_file(observer, DATA / "Canon_40D.jpg", STATION)
    stranger = journal.Author(feed="f" * 64, key=observer.identity.signing_key)
    for event_type, body in (
        (MEDIA_CONSENT, {"target": item.id, "state": "written", "reason": "x", "note": None}),
        (MEDIA_PURGED, {"target": item.id, "reason": "x"}),
        (MEDIA_LINKED, {"target": item.id, "link": {"kind": "station", "ref": "999"}}),
    ):
        with pytest.raises(EventSchemaError, match=r"body\.target"), Transaction(observer.conn):
            seq, head = journal.feed_head(observer.conn, stranger.feed)
            event = journal.build_event(stranger, seq + 1, head, event_type, body, "Asia/Almaty")
            journal.store_event(observer.conn, event, b"stranger key")
    assert journal.feed_head(observer.conn, stranger.feed) == (0, None)  # none was stored
    after = get_media(observer.conn, item.id)
    assert after is not None
    assert after.consent == "not_asked" and not after.purged
    assert after.links == (("station", "101"),)


def test_an_exported_copy_imported_back_is_stored_once(
    observer: LogbookSession, tmp_path: Path
) -> None:
    original = media.import_file(observer, DATA / "orientation_landscape_6.jpg", STATION)
    copy_id = media.make_redacted_copy(observer, original.id, [Box(0, 0, 40, 40)], "fill")
    media.make_redacted_copy(observer, original.id, [Box(0, 0, 40, 40)], "fill")
    files = blob_files(observer)
    out = tmp_path / "copy.jpg"
    media.export(observer, copy_id, out, publication=False)
    again = media.import_file(observer, out, STATION)
    assert not again.duplicate and again.id != copy_id
    assert blob_files(observer) == files  # no orphan blob, no second copy of the bytes
    stored = observer.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert stored == 2  # the original and the (identical) redacted bytes
    assert verify_journal(observer.conn).ok


def test_export_of_a_damaged_blob_leaves_no_plaintext(
    observer: LogbookSession, tmp_path: Path
) -> None:
    from observer_app.crypto.blob_cipher import BlobIntegrityError
    from observer_app.vault.blobs import find_blob

    big = tmp_path / "clip.mp4"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    result = media.import_file(observer, big, STATION)
    record = find_blob(observer.conn, result.sha256)
    assert record is not None
    blob = observer.vault.blobs_dir / record.file
    damaged = bytearray(blob.read_bytes())
    damaged[len(damaged) // 2] ^= 1
    blob.write_bytes(bytes(damaged))
    target = tmp_path / "usb"
    target.mkdir()
    with pytest.raises(BlobIntegrityError):
        media.export(observer, result.id, target / "clip.mp4", publication=False)
    assert list(target.iterdir()) == []


def test_purged_content_is_not_silently_relinked(observer: LogbookSession) -> None:
    result = media.import_file(observer, DATA / "Canon_40D.jpg", STATION)
    media.purge(observer, result.id, "court order")
    with pytest.raises(UserActionError, match="purged"):
        media.import_file(observer, DATA / "Canon_40D.jpg", STATION)
    assert blob_files(observer) == []
