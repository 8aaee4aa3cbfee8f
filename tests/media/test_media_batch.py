"""Importing a card's worth of files at once, and deleting the originals the vault verified.

Real vault, real camera photos, real broken files: each bad one is its own line, nothing of it
is left in the vault, and the others are imported whole."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media, media_batch
from observer_app.logbook.media_batch import Outcome
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from tests.media.card_support import BROKEN, NON_UTF8, make_card

STATION = media.Link("station", "101")


@pytest.fixture
def observer(session: LogbookSession) -> LogbookSession:
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    return session


def blob_files(session: LogbookSession) -> set[str]:
    return {p.name for p in session.vault.blobs_dir.rglob("*") if p.is_file()}


def referenced(session: LogbookSession) -> set[str]:
    names: set[str] = set()
    for file, thumb in session.conn.execute("SELECT file, thumb_file FROM blobs"):
        names.add(Path(file).name)
        if thumb:
            names.add(Path(thumb).name)
    return names


def test_a_card_is_imported_with_duplicates_and_refusals_each_said(
    observer: LogbookSession, tmp_path: Path
) -> None:
    card = make_card(tmp_path)
    started: list[str] = []
    overall: list[tuple[int, int]] = []
    summary = media_batch.import_batch(
        observer,
        [card.dcim],
        STATION,
        progress=lambda done, total: overall.append((done, total)),
        file_started=lambda index, count, name: started.append(name),
    )
    imported = summary.of(Outcome.IMPORTED)
    assert sorted(f.path for f in imported) == sorted(card.good)
    assert [f.path for f in summary.of(Outcome.DUPLICATE)] == [card.duplicate]
    refused = {f.path.name: f.reason for f in summary.of(Outcome.REFUSED)}
    assert set(refused) == set(BROKEN)
    assert "too large" in str(refused["bomb.png"])
    assert "damaged or truncated" in str(refused["cut.mp4"])
    assert "damaged" in str(refused["cut.jpg"])
    assert "not a picture" in str(refused["undecodable.jpg"])
    assert summary.hidden == 1  # ._DSCN0010.jpg (the card's .Trashes is outside DCIM)
    assert len(started) == len(card.good) + 1 + len(BROKEN)
    assert any("\ufffd" in name for name in started)  # the non-UTF-8 name, readable
    assert overall[-1][0] == overall[-1][1]
    assert all(a <= b for (a, _t), (b, _u) in itertools.pairwise(overall))
    lines = summary.lines()
    assert lines[:3] == [
        "4 files imported",
        "1 already in the vault (linked, not stored twice)",
        "4 refused",
    ]
    assert sum(line.startswith("refused: ") for line in lines) == 4
    # The GPS photos of 2008 are implausible for today's mission: warned, and kept.
    assert any(line.startswith("warning: ") and "gps_DSCN0010.jpg" in line for line in lines)
    # The vault holds exactly the good photos, whole, and no blob file of a refused one.
    items = media.media_items(observer)
    assert len(items) == 4
    by_id = {item.id: item for item in items}
    for each in imported:
        item = by_id[str(each.media_id)]
        assert media.original_bytes(observer, item) == each.path.read_bytes()
        assert item.links == (("station", "101"),)
    assert NON_UTF8.encode("utf-8", "surrogateescape").decode("utf-8", "replace") in {
        item.original_name for item in items
    }
    assert blob_files(observer) == referenced(observer)


def test_the_card_pulled_out_and_a_file_gone_are_lines_of_their_own(
    observer: LogbookSession, tmp_path: Path
) -> None:
    card = make_card(tmp_path)
    second = tmp_path / "second"
    second.mkdir()
    kept = second / "kept.jpg"
    kept.write_bytes(card.good[1].read_bytes())
    gone = second / "gone.jpg"
    gone.write_bytes(card.good[2].read_bytes())
    sources = [card.good[0], card.dcim, gone, kept]

    def meanwhile(index: int, count: int, name: str) -> None:
        if index == 1:  # the card is pulled out after its first file
            for path in sorted(card.root.rglob("*"), reverse=True):
                path.unlink() if not path.is_dir() else path.rmdir()
            card.root.rmdir()
        if name.endswith("gone.jpg"):
            gone.unlink()

    card_files = len(media_batch.collect([card.dcim]).sources)
    summary = media_batch.import_batch(observer, sources, STATION, file_started=meanwhile)
    refused = summary.of(Outcome.REFUSED)
    pulled = [f for f in refused if "was removed during the import" in str(f.reason)]
    assert len(pulled) == card_files
    assert [f.reason for f in refused if f.path == gone] == [
        "the file is gone (removed after it was listed)"
    ]
    assert {f.path for f in summary.of(Outcome.IMPORTED)} == {card.good[0], kept}
    assert len(media.media_items(observer)) == 2
    assert blob_files(observer) == referenced(observer)


def test_cancel_mid_batch_keeps_whole_items_and_nothing_of_the_one_in_progress(
    observer: LogbookSession, tmp_path: Path
) -> None:
    card = make_card(tmp_path)
    asked = {"stop": False}
    seen: list[str] = []

    def file_progress(done: int, total: int) -> None:
        if len(seen) == 3 and total and done >= total // 2:
            asked["stop"] = True  # halfway through the third file

    summary = media_batch.import_batch(
        observer,
        [card.dcim],
        STATION,
        cancel=lambda: asked["stop"],
        file_started=lambda index, count, name: seen.append(name),
        file_progress=file_progress,
    )
    assert summary.cancelled and len(seen) == 3
    assert len(summary.files) == 2
    assert summary.not_started == len(media_batch.collect([card.dcim]).sources) - 2
    assert summary.lines()[3].startswith("Cancelled: ")
    items = media.media_items(observer)
    assert sorted(item.sha256 for item in items) == sorted(str(f.sha256) for f in summary.files)
    assert blob_files(observer) == referenced(observer)
    assert len(blob_files(observer)) == 4  # two blobs, two thumbnails


def test_only_originals_verified_in_the_vault_are_deleted(
    observer: LogbookSession, tmp_path: Path
) -> None:
    card = make_card(tmp_path)
    summary = media_batch.import_batch(observer, [card.dcim], STATION)
    changed = card.good[1]
    changed.write_bytes(changed.read_bytes() + b"edited afterwards")
    vanished = card.good[2]
    vanished.unlink()
    deletions = media_batch.delete_verified_originals(observer, summary.files)
    by_path = {d.path: d for d in deletions.files}
    assert set(by_path) == {f.path for f in summary.deletable}
    assert by_path[card.good[0]].deleted and by_path[card.duplicate].deleted
    assert by_path[card.good[3]].deleted  # the non-UTF-8 name, by its real bytes
    assert not by_path[changed].deleted and by_path[changed].reason == (
        "it differs from the vault's copy"
    )
    assert not by_path[vanished].deleted
    assert changed.exists()
    for path in card.broken.values():  # refused: never offered, never deleted
        assert path.exists()
    assert not card.good[0].exists() and not card.duplicate.exists()
    assert not os.path.lexists(card.good[3])
    assert deletions.lines()[0] == "3 originals deleted from the card"


def test_a_vault_copy_that_does_not_verify_keeps_the_original(
    observer: LogbookSession, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(make_card(tmp_path).good[0].read_bytes())
    summary = media_batch.import_batch(observer, [photo], STATION)
    assert len(media.media_items(observer)) == 1
    (file,) = observer.conn.execute("SELECT file FROM blobs").fetchone()
    blob = observer.vault.blobs_dir / file
    damaged = bytearray(blob.read_bytes())
    damaged[100] ^= 0xFF
    os.chmod(blob, 0o600)
    blob.write_bytes(bytes(damaged))
    deletions = media_batch.delete_verified_originals(observer, summary.files)
    assert not deletions.files[0].deleted and photo.exists()
    assert "The media file is damaged" in str(deletions.files[0].reason)
