"""The playback reader: exact plaintext at any offset, from several threads, damage refused."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from observer_app.crypto.blob_cipher import CHUNK_SIZE, BlobIntegrityError
from observer_app.errors import UserActionError
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.vault.blobs import find_blob
from tests.media.media_support import imported_video


def test_reads_at_random_offsets_match_the_original(
    session: LogbookSession, tmp_path: Path
) -> None:
    media_id, original = imported_video(session, tmp_path)
    assert len(original) > 2 * CHUNK_SIZE  # the reads below cross chunk boundaries
    with media.open_playback(session, media_id) as reader:
        assert reader.size == len(original)
        picks = random.Random(15)
        offsets = [0, CHUNK_SIZE - 3, 2 * CHUNK_SIZE, len(original) - 5, len(original)]
        offsets += [picks.randrange(len(original)) for _ in range(40)]
        for offset in offsets:
            length = picks.choice([1, 4096, CHUNK_SIZE + 17])
            assert reader.read_at(offset, length) == original[offset : offset + length]
        assert reader.read_at(len(original) + 100, 10) == b""


def test_several_threads_read_at_once(session: LogbookSession, tmp_path: Path) -> None:
    media_id, original = imported_video(session, tmp_path)
    reader = media.open_playback(session, media_id)
    mismatches: list[tuple[int, int]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def read_many(seed: int) -> None:
        picks = random.Random(seed)
        try:
            start.wait()
            for _ in range(60):
                offset = picks.randrange(len(original))
                length = picks.randrange(1, 300_000)
                if reader.read_at(offset, length) != original[offset : offset + length]:
                    mismatches.append((offset, length))
        except BaseException as error:  # reported below, on the test's thread
            failures.append(error)

    threads = [threading.Thread(target=read_many, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.close()
    assert failures == [] and mismatches == []


def test_the_reader_needs_no_database(session: LogbookSession, tmp_path: Path) -> None:
    media_id, original = imported_video(session, tmp_path)
    reader = media.open_playback(session, media_id)
    session.close()  # the key was fetched on open: the reader lives on without the vault
    try:
        assert reader.read_at(CHUNK_SIZE, 100) == original[CHUNK_SIZE : CHUNK_SIZE + 100]
    finally:
        reader.close()
    assert reader.closed
    with pytest.raises(ValueError):
        reader.read_at(0, 1)


def test_a_damaged_chunk_is_refused_not_played(session: LogbookSession, tmp_path: Path) -> None:
    media_id, original = imported_video(session, tmp_path)
    item = media.require_media(session, media_id)
    record = find_blob(session.conn, item.sha256)
    assert record is not None
    path = session.vault.blobs_dir / record.file
    damaged = bytearray(path.read_bytes())
    damaged[8 + CHUNK_SIZE + 16 + 100] ^= 0x01  # inside the second chunk's ciphertext
    path.write_bytes(bytes(damaged))
    with media.open_playback(session, media_id) as reader:
        assert reader.read_at(10, 20) == original[10:30]  # the first chunk is intact
        with pytest.raises(BlobIntegrityError):
            reader.read_at(CHUNK_SIZE + 10, 20)


def test_purged_content_cannot_be_played(session: LogbookSession, tmp_path: Path) -> None:
    media_id, _original = imported_video(session, tmp_path)
    media.purge(session, media_id, "consent withdrawn")
    with pytest.raises(UserActionError):
        media.open_playback(session, media_id)
