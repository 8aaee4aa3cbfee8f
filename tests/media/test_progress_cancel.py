"""Every long operation reports real progress through the one Progress/Cancel pair, and a
cancel at any step keeps no record and no file.

The cancels are triggered by what progress says (a step reached), so each test stops the
service exactly between two of its steps, not merely before it started.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.errors import OperationCancelled
from observer_app.logbook import media, notes
from observer_app.logbook.journal_check import verify_vault_journal
from observer_app.logbook.passphrase import change_passphrase
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.station_import import import_stations
from observer_app.logbook.stations import add_station
from observer_app.media.redaction import Box
from observer_app.vault.queries.media import list_media
from observer_app.vault.queries.stations import list_stations

DATA = Path(__file__).parent.parent / "data" / "media"
PHOTO = DATA / "gps_DSCN0010.jpg"
STATION = media.Link("station", "101")


class Recorder:
    """A progress callback that keeps every report, and a cancel that trips on a condition."""

    def __init__(self, stop_when: tuple[int, int] | None = None) -> None:
        self.reports: list[tuple[int, int]] = []
        self.stop_when = stop_when  # cancel once done >= this numerator of this total's share

    def progress(self, done: int, total: int) -> None:
        self.reports.append((done, total))

    def cancel(self) -> bool:
        if self.stop_when is None or not self.reports:
            return False
        done, total = self.reports[-1]
        numerator, denominator = self.stop_when
        return done * denominator >= total * numerator

    def assert_real(self) -> None:
        """Monotonic, one total, and complete at the end."""
        assert self.reports
        totals = {total for _done, total in self.reports}
        assert len(totals) == 1
        dones = [done for done, _total in self.reports]
        assert dones == sorted(dones)
        assert self.reports[-1][0] == self.reports[-1][1] > 0


@pytest.fixture
def observer(session: LogbookSession) -> LogbookSession:
    add_station(session, load_catalogue(), "101", "Школа-гимназия №12")
    return session


def blob_files(session: LogbookSession) -> list[str]:
    return sorted(p.name for p in session.vault.blobs_dir.iterdir() if p.is_file())


def event_count(session: LogbookSession) -> int:
    return int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_import_progress_covers_bytes_metadata_and_thumbnail(observer: LogbookSession) -> None:
    recorder = Recorder()
    media.import_file(observer, PHOTO, STATION, progress=recorder.progress)
    recorder.assert_real()
    size = PHOTO.stat().st_size
    total = recorder.reports[-1][1]
    assert total > size  # metadata and the thumbnail are work too
    assert (size, total) in recorder.reports  # the bytes done, the rest still to come


@pytest.mark.parametrize(
    "stop_when",
    [(1, 10), (4, 5), (1, 1)],
    ids=["while-encrypting", "after-encrypting", "after-the-thumbnail"],
)
def test_a_cancelled_import_keeps_no_blob_and_no_record(
    observer: LogbookSession, tmp_path: Path, stop_when: tuple[int, int]
) -> None:
    big = tmp_path / "photo.jpg"
    big.write_bytes(PHOTO.read_bytes() + os.urandom(3 * 1024 * 1024))  # a JPEG, then more
    before = event_count(observer)
    recorder = Recorder(stop_when)
    with pytest.raises(OperationCancelled):
        media.import_file(
            observer, big, STATION, progress=recorder.progress, cancel=recorder.cancel
        )
    assert blob_files(observer) == []
    assert list_media(observer.conn) == []
    assert event_count(observer) == before


def test_export_reports_bytes_and_a_cancel_leaves_no_file(
    observer: LogbookSession, tmp_path: Path
) -> None:
    big = tmp_path / "recording.wav"
    big.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    item = media.import_file(observer, big, STATION)
    out_dir = tmp_path / "stick"
    out_dir.mkdir()
    done = Recorder()
    media.export(
        observer, item.id, out_dir / "whole.wav", publication=False, progress=done.progress
    )
    done.assert_real()
    assert done.reports[-1] == (big.stat().st_size, big.stat().st_size)
    assert (out_dir / "whole.wav").read_bytes() == big.read_bytes()

    stopped = Recorder((1, 4))  # after the first of four chunks
    with pytest.raises(OperationCancelled):
        media.export(
            observer,
            item.id,
            out_dir / "cut.wav",
            publication=False,
            progress=stopped.progress,
            cancel=stopped.cancel,
        )
    assert stopped.reports  # it had started writing
    assert sorted(p.name for p in out_dir.iterdir()) == ["whole.wav"]  # no partial file


def test_redaction_reports_its_steps_and_a_cancel_adds_nothing(observer: LogbookSession) -> None:
    original = media.import_file(observer, PHOTO, STATION)
    files, events = blob_files(observer), event_count(observer)
    box = [Box(10, 10, 50, 50)]
    stopped = Recorder((6, 8))  # after the copy is encrypted, before its thumbnail
    with pytest.raises(OperationCancelled):
        media.make_redacted_copy(
            observer, original.id, box, "fill", progress=stopped.progress, cancel=stopped.cancel
        )
    assert blob_files(observer) == files
    assert event_count(observer) == events
    done = Recorder()
    media.make_redacted_copy(observer, original.id, box, "fill", progress=done.progress)
    done.assert_real()
    assert len(done.reports) >= 4


def test_face_suggestions_report_progress_and_stop_on_cancel(observer: LogbookSession) -> None:
    photo = media.import_file(observer, PHOTO, STATION)
    done = Recorder()
    media.suggest_faces(observer, photo.id, progress=done.progress)
    done.assert_real()
    with pytest.raises(OperationCancelled):
        media.suggest_faces(observer, photo.id, cancel=lambda: True)


def test_station_import_cancelled_midway_declares_none(
    session: LogbookSession, tmp_path: Path
) -> None:
    listing = tmp_path / "stations.csv"
    listing.write_text(
        "code,name\n" + "".join(f"{n},Участок {n}\n" for n in range(100, 120)), encoding="utf-8"
    )
    stopped = Recorder((3, 4))  # half of the stations recorded
    with pytest.raises(OperationCancelled):
        import_stations(
            session, load_catalogue(), listing, progress=stopped.progress, cancel=stopped.cancel
        )
    assert list_stations(session.conn, session.identity.feed) == []
    done = Recorder()
    result = import_stations(session, load_catalogue(), listing, progress=done.progress)
    done.assert_real()
    assert len(result.added) == 20


def test_passphrase_change_reports_steps_and_a_cancel_keeps_the_old_one(
    vault_path: Path, passphrase: str
) -> None:
    session = open_session(vault_path, passphrase)
    try:
        with pytest.raises(OperationCancelled):
            change_passphrase(session, "новая фраза", cancel=lambda: True)
        done = Recorder()
        session_reads = notes.add_note(session, "до смены")
        change_passphrase(session, "новая фраза", progress=done.progress)
        assert done.reports == [(1, 4), (2, 4), (3, 4), (4, 4)]
        assert notes.add_note(session, "после смены") != session_reads  # writer still keyed
    finally:
        session.close()
    open_session(vault_path, "новая фраза").close()


def test_journal_verify_reports_checking_and_replay(session: LogbookSession) -> None:
    for index in range(5):
        notes.add_note(session, f"заметка {index}")
    done = Recorder()
    assert verify_vault_journal(session, progress=done.progress).valid
    done.assert_real()
    events = event_count(session)
    assert done.reports[-1] == (2 * events, 2 * events)
    assert any(d == events for d, _t in done.reports)  # checking done, the replay to come
