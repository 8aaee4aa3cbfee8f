"""What the reports say, per audience and language, read back with poppler's own tools.

The public report must provably hold no GPS (neither in text nor in the embedded pictures), no
media whose consent forbids publication, and no names of private persons, in the pages and in
the attached JSON; complaint and internal reports keep all of it. Kazakh and Russian must come
out of `pdftotext` as the letters they are.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.crypto import keys
from observer_app.errors import OperationCancelled, UsageError
from observer_app.logbook import media
from observer_app.logbook.reports import make_report
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.reports.data import ReportOptions
from observer_app.reports.report_json import ATTACHMENT_NAME
from observer_app.reports.signing import read_attachment
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault
from tests.reports.report_samples import (
    COMMISSION,
    LATE_WITNESS,
    PERSON,
    SECOND_WITNESS,
    STUFFING_TEXT,
    WITNESS,
    Sample,
    flat,
    gps_text,
    page_count,
    pdf_text,
    populate,
    run,
    tr,
)

PRIVATE_NAMES = (WITNESS, SECOND_WITNESS, LATE_WITNESS, PERSON)


@dataclass(frozen=True)
class Day:
    session: LogbookSession
    catalogue: Catalogue
    sample: Sample
    reports: dict[str, Path]

    def json(self, key: str) -> dict[str, object]:
        data = read_attachment(self.reports[key].read_bytes(), ATTACHMENT_NAME)
        assert data is not None
        document = json.loads(data)
        assert isinstance(document, dict)
        return document


REPORTS = {
    "public-en": ReportOptions(Audience.PUBLIC, "en"),
    "public-kk": ReportOptions(Audience.PUBLIC, "kk"),
    "complaint-ru": ReportOptions(Audience.COMPLAINT, "ru", commission=COMMISSION),
    "internal-en": ReportOptions(Audience.INTERNAL, "en"),
}


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    root = tmp_path_factory.mktemp("day")
    init_vault(
        root / "vault",
        "pw",
        NewIdentity(name="Айгерим Сапарова", accreditation="KZ-77"),
        KdfParams.for_tests(),
    )
    session = LogbookSession(open_vault(root / "vault", "pw"))
    catalogue = load_catalogue()
    sample = populate(session, catalogue, root)
    reports = {}
    for key, options in REPORTS.items():
        reports[key] = make_report(session, options, root / f"{key}.pdf").path
    yield Day(session, catalogue, sample, reports)
    session.close()


# -- public: no GPS, no non-consented media, no private names ---------------------------------


@pytest.mark.parametrize("key", ["public-en", "public-kk"])
def test_public_report_names_no_private_person(day: Day, key: str) -> None:
    text = flat(pdf_text(day.reports[key]))
    data = day.reports[key].read_bytes()
    attachment = read_attachment(data, ATTACHMENT_NAME)
    assert attachment is not None
    decoded = attachment.decode("utf-8")
    for name in PRIVATE_NAMES:
        for part in name.split():
            assert part not in text, part
            assert part not in decoded, part
    # the consent note of the withheld photo names a witness (in another case): left out too
    assert "Гульнары" not in text and "Гульнары" not in decoded
    if key == "public-en":
        assert "Witnesses: witness 1, witness 2, witness 3" in text
        assert "Persons involved: person 1" in text
        assert "это видела witness 1, а person 1 стоял рядом" in text


def test_complaint_and_internal_keep_the_names(day: Day) -> None:
    for key in ("complaint-ru", "internal-en"):
        text = flat(pdf_text(day.reports[key]))
        for name in PRIVATE_NAMES:
            assert name in text, (key, name)
        assert flat(STUFFING_TEXT) in text


def test_public_report_has_no_gps_in_text_data_or_pictures(day: Day, tmp_path: Path) -> None:
    latitude, longitude = gps_text(day.session, day.sample.gps_photo)
    internal = flat(pdf_text(day.reports["internal-en"]))
    assert latitude in internal and longitude in internal  # the check below means something

    for key in ("public-en", "public-kk"):
        text = flat(pdf_text(day.reports[key]))
        assert latitude not in text and longitude not in text
        assert "GPS:" not in text  # no position caption (the cover says they are removed)
        document = day.json(key)
        assert all(m["gps_microdeg"] is None for m in document["media"])  # type: ignore[index,union-attr]
        raw = json.dumps(document)
        assert latitude.replace(".", "") not in raw.replace(".", "")

    pictures = _extracted_jpegs(day.reports["public-en"], tmp_path)
    assert len(pictures) == 2  # the GPS photo (no person) and the anonymised copy
    for picture in pictures:
        assert b"Exif" not in picture and b"GPS" not in picture and b"NIKON" not in picture
        with Image.open(io.BytesIO(picture)) as image:
            assert not image.getexif()
            assert "exif" not in image.info and "xmp" not in image.info


def _extracted_jpegs(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir(exist_ok=True)
    run("pdfimages", "-j", pdf, folder / "img")
    extracted = sorted(folder.iterdir())
    assert all(p.suffix == ".jpg" for p in extracted), extracted  # embedded as JPEG, unchanged
    return [p.read_bytes() for p in extracted]


def test_public_report_shows_only_publishable_media(day: Day, tmp_path: Path) -> None:
    sample = day.sample
    shown = set(_extracted_jpegs(day.reports["public-en"], tmp_path))
    thumb = {
        media_id: media.thumbnail_jpeg(day.session, media_id)
        for media_id in (sample.gps_photo, sample.anonymised_copy, sample.not_asked_photo)
    }
    assert thumb[sample.gps_photo] in shown
    assert thumb[sample.anonymised_copy] in shown
    assert thumb[sample.not_asked_photo] not in shown

    document = day.json("public-en")
    listed = {m["id"] for m in document["media"]}  # type: ignore[union-attr,index]
    assert sample.not_asked_photo not in listed
    assert {sample.gps_photo, sample.anonymised_copy, sample.broken_photo, sample.audio} == listed
    withheld = {w["id"]: w for w in document["withheld"]}  # type: ignore[union-attr,index]
    assert set(withheld) == {sample.not_asked_photo}
    assert withheld[sample.not_asked_photo]["reason"] == "consent_forbids_publication"
    assert withheld[sample.not_asked_photo]["replaced_by"] == sample.anonymised_copy

    text = flat(pdf_text(day.reports["public-en"]))
    not_asked = day.session.conn.execute(
        "SELECT sha256 FROM media WHERE id = ?", (sample.not_asked_photo,)
    ).fetchone()[0]
    assert not_asked not in text.replace(" ", "")  # withheld: id and reason only, no hash
    assert f"{sample.anonymised_copy} shown instead" in text
    assert "orientation_portrait_8" not in text  # no original file names in public

    complaint = set(_extracted_jpegs(day.reports["complaint-ru"], tmp_path / "complaint"))
    assert thumb[sample.not_asked_photo] in complaint  # all evidence for the commission
    assert day.json("complaint-ru")["withheld"] == []


def test_undecodable_photo_gets_a_placeholder_and_audio_is_listed(day: Day) -> None:
    text = flat(pdf_text(day.reports["internal-en"]))
    assert "Placeholder: the picture cannot be decoded" in text
    assert day.sample.broken_photo in text
    assert "audio (audio/wav)" in text
    assert "2 seconds" in text  # duration, Babel-formatted


def test_every_page_has_report_id_audience_and_page_x_of_y(day: Day) -> None:
    for key, path in day.reports.items():
        document = day.json(key)
        pages = pdf_text(path).split("\f")[:-1]
        total = page_count(path)
        assert len(pages) == total
        footer = tr(str(document["lang"]), "Page {page} of {pages}")
        for number, page in enumerate(pages, start=1):
            assert footer.format(page=number, pages=total) in page, (key, number)
            assert str(document["report_id"]) in page


# -- complaint ----------------------------------------------------------------------------------


def test_complaint_starts_with_a_formal_letter_to_the_commission(day: Day) -> None:
    first = flat(pdf_text(day.reports["complaint-ru"], 1, 1))
    assert COMMISSION in first
    assert tr("ru", "COMPLAINT") in first
    assert flat(STUFFING_TEXT) in first  # the live incidents are listed
    assert "Мекеме басшысы" in first
    assert "Дубликат записи" not in first  # voided: not part of the complaint
    # the law, cited as in force on the polling day (the mission's date), in Russian
    assert "О выборах в Республике Казахстан" in first and "15 марта 2026" in first
    assert ".." not in first  # a date ending in "г." gets no second full stop
    assert "2 декабря 2026" not in first or tr("ru", "Date:") in first
    assert tr("ru", "Signature:") in first and "(Айгерим Сапарова)" in first
    assert tr("ru", "CONFIDENTIAL: for the election commission") in first
    complaint = day.json("complaint-ru")["complaint"]
    assert complaint["commission"] == COMMISSION  # type: ignore[index]
    assert day.sample.voided not in complaint["incidents"]  # type: ignore[index]
    assert day.sample.stuffing in complaint["incidents"]  # type: ignore[index]


def test_complaint_names_only_the_chosen_incidents(day: Day, tmp_path: Path) -> None:
    options = ReportOptions(
        Audience.COMPLAINT, "en", commission="CEC", incidents=(day.sample.pressure,)
    )
    path = make_report(day.session, options, tmp_path / "one.pdf").path
    first = flat(pdf_text(path, 1, 1))
    assert "Мекеме басшысы" in first
    assert flat(STUFFING_TEXT) not in first
    assert "To: CEC" in first


# -- languages ----------------------------------------------------------------------------------


def test_kazakh_report_extracts_kazakh_text(day: Day) -> None:
    text = flat(pdf_text(day.reports["public-kk"]))
    assert "Сайлау учаскесіне келген уақыт" in text  # ARR01, catalogue label in Kazakh
    assert "Бюллетеньдерді жәшікке заңсыз салу" in text  # category ballot stuffing
    assert "Қазақ тілі" in text
    assert "2026 ж. 15 наурыз" in text  # the month written out (Babel abbreviates it)
    assert "58,6%" in text  # Babel's Kazakh number format (turnout 850/1450)
    assert "жиһаз дүкенінің" in text  # user text with the rarer letters
    for letter in "әғқңөұүһі":
        assert letter in text, letter


def test_russian_report_extracts_russian_text(day: Day) -> None:
    text = flat(pdf_text(day.reports["complaint-ru"]))
    assert "Время прибытия на избирательный участок" in text
    assert "Вброс бюллетеней" in text
    assert "15 мар. 2026 г." in text
    assert "Русский" in text


def test_english_report_uses_english_labels(day: Day) -> None:
    text = flat(pdf_text(day.reports["internal-en"]))
    assert "Arrival time at the polling station" in text
    assert "Mar 15, 2026, 14:05" in text
    assert "FAILED" in text and "P10 = P11[*] + P12" in text  # the failing relation, in words
    assert "VOIDED" in text and "запись сделана дважды" in text  # void shown with its reason
    assert "Earlier answer: Good" in text  # superseded checklist answer kept visible
    assert "Amended" in text and "ещё одна свидетельница" in text


# -- data attachment ----------------------------------------------------------------------------


def test_public_json_has_event_hashes_only(day: Day) -> None:
    document = day.json("public-en")
    assert document["audience"] == "public" and document["lang"] == "en"
    events = document["events"]
    assert isinstance(events, list) and events
    assert all(set(e) == {"feed", "seq", "hash", "type"} for e in events)
    hashes = {e["hash"] for e in events}
    stored = {
        str(row[0])
        for row in day.session.conn.execute("SELECT hash FROM events WHERE type LIKE 'incident.%'")
    }
    assert stored <= hashes  # every incident event the report derives from is named
    assert "feeds" not in document


def test_complaint_json_carries_the_signed_events(day: Day) -> None:
    document = day.json("complaint-ru")
    feeds = {f["feed"]: base64.b64decode(f["public_key"]) for f in document["feeds"]}  # type: ignore[union-attr,index]
    events = document["events"]
    assert isinstance(events, list) and events
    for event in events:
        payload = base64.b64decode(event["payload"])
        signature = base64.b64decode(event["signature"])
        public_key = keys.load_public_key_der(feeds[event["feed"]])
        assert keys.verify(public_key, signature, payload)
    payloads = b"".join(base64.b64decode(e["payload"]) for e in events)
    assert WITNESS.encode() in payloads  # full events: names included for the commission
    heads = document["journal_heads"]
    seq, head = day.session.conn.execute("SELECT head_seq, head_hash FROM feeds").fetchone()
    assert heads == [{"feed": day.session.identity.feed, "seq": seq, "hash": head}]


# -- filters ------------------------------------------------------------------------------------


def test_station_and_period_filters(day: Day, tmp_path: Path) -> None:
    options = ReportOptions(
        Audience.INTERNAL,
        "en",
        stations=("101",),
        period_from="2026-03-15T06:00",
        period_to="2026-03-15T23:00",
    )
    path = make_report(day.session, options, tmp_path / "filtered.pdf").path
    text = flat(pdf_text(path))
    assert "Polling station 101" in text and "Polling station AKT-7" not in text
    assert "Мекеме басшысы" not in text  # AKT-7's incident
    assert "Листовки у входа" not in text  # 05:00, before the period
    assert flat(STUFFING_TEXT) in text
    assert "Mar 15, 2026, 06:00 – Mar 15, 2026, 23:00" in text


def test_unknown_station_and_bad_period_are_usage_errors(day: Day, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="999"):
        make_report(day.session, ReportOptions(Audience.PUBLIC, "en", ("999",)), tmp_path / "x.pdf")
    with pytest.raises(UsageError):
        make_report(
            day.session,
            ReportOptions(Audience.PUBLIC, "en", period_from="yesterday"),
            tmp_path / "y.pdf",
        )
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_progress_is_reported_and_cancel_leaves_no_file(day: Day, tmp_path: Path) -> None:
    steps: list[tuple[int, int]] = []
    out = tmp_path / "p.pdf"
    make_report(
        day.session,
        ReportOptions(Audience.PUBLIC, "en"),
        out,
        progress=lambda d, t: steps.append((d, t)),
    )
    assert steps == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]

    calls = 0

    def cancel_during_layout() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2  # after gathering, while pictures are being laid out

    cancelled = tmp_path / "c.pdf"
    with pytest.raises(OperationCancelled):
        make_report(
            day.session,
            ReportOptions(Audience.INTERNAL, "en"),
            cancelled,
            cancel=cancel_during_layout,
        )
    assert not cancelled.exists()
    assert not any(p.name.startswith(".c.pdf") for p in tmp_path.iterdir())
