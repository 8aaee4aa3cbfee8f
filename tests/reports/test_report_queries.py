"""How many times a report asks the vault, and how often `verify` reads the attachment.

A report used to ask per photo for its media row, its links and its blob key, and per event for
its payload: the query count grew with the evidence. These tests count the SELECTs the real
SQLCipher connection runs (its trace callback) and fail if the count grows with the number of
photos again; they also check that the batched reads return exactly what the per-item reads do.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from pyhanko.pdf_utils import generic

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.logbook import incidents, media, stations
from observer_app.logbook import reports as logbook_reports
from observer_app.logbook.reports import make_report, verify_report
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.reports import verification
from observer_app.reports.data import ReportOptions
from observer_app.reports.report_json import ATTACHMENT_NAME, ReportDataCheck
from observer_app.reports.signing import attachment_in, read_attachment
from observer_app.vault.header import KdfParams
from observer_app.vault.queries.media import get_media, list_media, thumbnail_keys
from observer_app.vault.store import open_vault
from tests.reports.report_samples import Sample, populate, run


def _photo(index: int) -> bytes:
    """A small distinct JPEG (distinct bytes: the same bytes would be one stored item)."""
    picture = Image.new("RGB", (96, 72), (index * 37 % 256, index * 91 % 256, 120))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _selects(session: LogbookSession, action: Callable[[], object]) -> int:
    statements: list[str] = []
    # The trace callback of the real connection (our sqlcipher3 stubs do not declare it).
    conn = cast(Any, session.conn)
    conn.set_trace_callback(statements.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def _embedded_images(path: Path) -> int:
    listing = run("pdfimages", "-list", path).splitlines()
    return sum(1 for line in listing[2:] if re.match(r"\s*\d+\s+\d+\s+image\b", line))


def _new_session(root: Path) -> LogbookSession:
    init_vault(root / "vault", "pw", NewIdentity(name="Observer"), KdfParams.for_tests())
    return LogbookSession(open_vault(root / "vault", "pw"))


def test_report_queries_do_not_grow_with_the_number_of_photos(tmp_path: Path) -> None:
    session = _new_session(tmp_path)
    try:
        catalogue = load_catalogue()
        stations.add_station(session, catalogue, "101", "School 12")
        incident = incidents.add_incident(
            session, catalogue, "101", "other", "Seen.", time="2026-03-15T10:00"
        )
        links = (media.Link("station", "101"), media.Link("incident", incident))

        def add_photos(first: int, last: int) -> None:
            for n in range(first, last):
                path = tmp_path / f"photo-{n}.jpg"
                path.write_bytes(_photo(n))
                media.import_file(session, path, links[n % 2], ConsentState.NO_PERSON)
                path.unlink()

        def counts(photos: int) -> dict[Audience, int]:
            result: dict[Audience, int] = {}
            for audience in (Audience.INTERNAL, Audience.PUBLIC):
                out = tmp_path / f"{audience.value}-{photos}.pdf"
                options = ReportOptions(audience, "en")
                build = partial(make_report, session, options, out, catalogue=catalogue)
                result[audience] = _selects(session, build)
                # Every photo is still pictured: the count stays flat without skipping any.
                assert _embedded_images(out) == photos
                data = read_attachment(out.read_bytes(), ATTACHMENT_NAME)
                assert data is not None
                assert len(json.loads(data)["media"]) == photos
            return result

        add_photos(0, 10)
        with_10 = counts(10)
        add_photos(10, 30)
        with_30 = counts(30)
    finally:
        session.close()
    assert with_30 == with_10
    assert all(count < 40 for count in with_30.values()), with_30


@dataclass(frozen=True)
class Day:
    session: LogbookSession
    catalogue: Catalogue
    sample: Sample
    report: Path


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    """The sample polling day (derived copy, undecodable photo, audio), one photo purged."""
    root = tmp_path_factory.mktemp("queries")
    session = _new_session(root)
    catalogue = load_catalogue()
    sample = populate(session, catalogue, root)
    media.purge(session, sample.gps_photo, "consent withdrawn")
    report = make_report(
        session, ReportOptions(Audience.INTERNAL, "en"), root / "internal.pdf", catalogue=catalogue
    ).path
    yield Day(session, catalogue, sample, report)
    session.close()


def test_list_media_gives_each_item_with_its_links_in_one_query(day: Day) -> None:
    items = list_media(day.session.conn)
    assert items == [get_media(day.session.conn, item.id) for item in items]
    assert any(i.links for i in items) and any(i.derived_from for i in items)
    assert any(i.purged for i in items) and any(i.decode_error for i in items)
    linked = [i for i in items if i.links]
    assert all(list(i.links) == sorted(i.links) for i in linked)
    assert _selects(day.session, lambda: list_media(day.session.conn)) == 1


def test_thumbnail_keys_give_what_the_per_item_lookup_gives(day: Day) -> None:
    ids = [i.id for i in list_media(day.session.conn)]
    keys = thumbnail_keys(day.session.conn, ids)
    store = media.store(day.session)
    for media_id in ids:
        expected = media.thumbnail_jpeg(day.session, media_id)
        key = keys.get(media_id)
        got = None if key is None else store.read_all(key.file, key.key)
        assert got == expected, media_id
    assert day.sample.gps_photo not in keys  # purged
    assert day.sample.audio not in keys and day.sample.broken_photo not in keys
    assert day.sample.anonymised_copy in keys and day.sample.not_asked_photo in keys
    assert _selects(day.session, lambda: thumbnail_keys(day.session.conn, ids)) == 1
    assert thumbnail_keys(day.session.conn, []) == {}


def test_verify_reads_the_attachment_once(day: Day, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []

    def counting(pdf: bytes, name: str) -> bytes | None:
        reads.append(name)
        return read_attachment(pdf, name)

    def counting_in(root: generic.DictionaryObject, name: str) -> bytes | None:
        reads.append(name)
        return attachment_in(root, name)

    # The verifier reads it from the signed revision's catalog.
    monkeypatch.setattr(verification, "attachment_in", counting_in)
    # The service once read it again itself: any name it imports is counted too.
    monkeypatch.setattr(logbook_reports, "read_attachment", counting, raising=False)
    verdict = verify_report(None, day.report)
    assert verdict.valid and verdict.pdf.attachment_ok
    assert reads == [ATTACHMENT_NAME]
    data = read_attachment(day.report.read_bytes(), ATTACHMENT_NAME)
    assert data is not None
    document = json.loads(data)
    assert verdict.report_id == document["report_id"]
    assert list(verdict.journal_heads) == document["journal_heads"]


def test_report_data_check_keeps_only_matching_data(day: Day) -> None:
    pdf = day.report.read_bytes()
    data = read_attachment(pdf, ATTACHMENT_NAME)
    assert data is not None
    check = ReportDataCheck()
    assert check(pdf, data)
    assert check.document == json.loads(data)
    other = json.loads(data)
    other["report_id"] = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
    assert not check(pdf, json.dumps(other).encode())
    assert check.document is None
    with pytest.raises(ValueError):
        check(pdf, b"\xff not json")
    assert check.document is None
