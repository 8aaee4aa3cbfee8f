"""A polling day recorded through the real services, for the report tests.

Two stations; incidents with named witnesses and persons (one amended, one voided); a protocol
with a failing control relation; and media in every consent situation the audience rules care
about: a photo with GPS and no person (publishable), a photo whose people were not asked
(withheld from the public) with its anonymised copy (publishable), a photo that cannot be
decoded (placeholder), and an audio file (listed, not pictured).
"""

from __future__ import annotations

import io
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from observer_app.core.catalogue import Catalogue
from observer_app.core.consent import ConsentState
from observer_app.i18n import translator_for
from observer_app.logbook import checklist, incidents, media, mission, protocol_records, stations
from observer_app.logbook import visits as visit_service
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.media.redaction import Box
from observer_app.vault.header import KdfParams
from observer_app.vault.queries.media import get_media
from observer_app.vault.store import open_vault

DATA = Path(__file__).parent.parent / "data" / "media"

WITNESS = "Гульнара Ахметова"
SECOND_WITNESS = "Bakhyt Omarov"
PERSON = "Серик Жумабаев"
LATE_WITNESS = "Динара Сейткали"  # added by an amendment only
COMMISSION = "Участковая избирательная комиссия № 101"
STUFFING_TEXT = (
    "Член комиссии опустил в ящик пачку бюллетеней; это видела Гульнара Ахметова, "
    "а Жумабаев стоял рядом."
)


@dataclass(frozen=True)
class Sample:
    gps_photo: str
    not_asked_photo: str
    anonymised_copy: str
    broken_photo: str
    audio: str
    stuffing: str
    pressure: str
    voided: str
    early: str  # before the usual report period


def new_vault(root: Path, name: str, role: str = "observer") -> LogbookSession:
    """A cheap vault (test KDF) of one person, opened; the caller closes it."""
    init_vault(
        root, "pw", NewIdentity(name=name, role=role, accreditation="KZ-5"), KdfParams.for_tests()
    )
    return LogbookSession(open_vault(root, "pw"))


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000 * 2)  # two seconds
    return buffer.getvalue()


def populate(session: LogbookSession, catalogue: Catalogue, work: Path) -> Sample:
    mission.set_mission(
        session,
        "Выборы депутатов Мажилиса 2026",
        "2026-03-15",
        ["A=Партия «Жарқын болашақ»", "B=Партия «Адал жол»"],
        False,
    )
    stations.add_station(
        session,
        catalogue,
        "101",
        "Мектеп-гимназия № 12",
        address="Жандосов көшесі, 58",
        region="almaty_city",
        commission=COMMISSION,
    )
    stations.add_station(
        session,
        catalogue,
        "AKT-7",
        "Ақтөбе мектебі",
        address="Әбілқайыр хан даңғылы, 7, жиһаз дүкенінің жанында",
        region="aktobe",
    )

    visit_service.start_visit(session, "101", "2026-03-15T06:30")
    visit_service.pause_visit(session, "101", "2026-03-15T12:00")
    visit_service.resume_visit(session, "101", "2026-03-15T12:30")
    visit_service.end_visit(session, "101", "2026-03-15T21:10")
    checklist.answer_item(session, catalogue, "101", "ARR01", "06:30")
    checklist.answer_item(session, catalogue, "101", "OPN09", "good")
    checklist.answer_item(session, catalogue, "101", "VOT15", "good")
    checklist.answer_item(
        session, catalogue, "101", "VOT15", "very_bad", note="После 14:00 — вброс, см. инцидент"
    )

    early = incidents.add_incident(
        session, catalogue, "101", "campaigning", "Листовки у входа.", time="2026-03-15T05:00"
    )
    stuffing = incidents.add_incident(
        session,
        catalogue,
        "101",
        "ballot_stuffing",
        STUFFING_TEXT,
        time="2026-03-15T14:05",
        seen="directly",
        witnesses=[WITNESS, SECOND_WITNESS],
        persons=[PERSON],
    )
    incidents.amend_incident(
        session,
        catalogue,
        stuffing,
        IncidentChanges(witnesses=(WITNESS, SECOND_WITNESS, LATE_WITNESS)),
        reason="ещё одна свидетельница",
    )
    pressure = incidents.add_incident(
        session,
        catalogue,
        "AKT-7",
        "pressure_on_voters",
        "Мекеме басшысы қызметкерлерден дауыс берген бюллетеньнің суретін талап етті.",
        time="2026-03-15T11:00",
        seen="reported",
    )
    voided = incidents.add_incident(
        session, catalogue, "101", "group_voting", "Дубликат записи.", time="2026-03-15T15:00"
    )
    incidents.void_incident(session, voided, "запись сделана дважды")

    protocol_records.record_protocol(
        session,
        catalogue,
        "101",
        [
            "P1=1450", "P1a=1420", "P1b=30", "P2=1200", "P3=812", "P4=38", "P5=340",
            "P6=10", "P7=812", "P8=38", "P9=14", "P10=836", "P11[A]=421", "P11[B]=300",
            "O1=850",
        ],
    )  # fmt: skip  # P10 = 836 but the votes add up to 721: the valid-sum relation fails

    station = media.Link("station", "101")
    gps = media.import_file(session, DATA / "gps_DSCN0010.jpg", station, ConsentState.NO_PERSON)
    not_asked = media.import_file(
        session,
        DATA / "orientation_portrait_8.jpg",
        media.Link("incident", stuffing),
        ConsentState.NOT_ASKED,
        note="Лицо Гульнары Ахметовой видно",
    )
    copy = media.make_redacted_copy(session, not_asked.id, [Box(10, 10, 100, 100)], "fill")
    broken = media.import_file(session, DATA / "heic_IMG_5195.HEIC", station, ConsentState.WRITTEN)
    audio_path = work / "interview.wav"
    audio_path.write_bytes(_wav())
    audio = media.import_file(session, audio_path, station, ConsentState.VERBAL)
    return Sample(
        gps_photo=gps.id,
        not_asked_photo=not_asked.id,
        anonymised_copy=copy,
        broken_photo=broken.id,
        audio=audio.id,
        stuffing=stuffing,
        pressure=pressure,
        voided=voided,
        early=early,
    )


def gps_text(session: LogbookSession, media_id: str) -> tuple[str, str]:
    """The photo's latitude and longitude as the report would print them."""
    item = get_media(session.conn, media_id)
    assert item is not None
    assert item.gps_lat_microdeg is not None and item.gps_lon_microdeg is not None
    lat, lon = item.gps_lat_microdeg, item.gps_lon_microdeg
    return f"{lat // 1_000_000}.{lat % 1_000_000:06d}", f"{lon // 1_000_000}.{lon % 1_000_000:06d}"


def run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    return result.stdout + result.stderr


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages: list[str] = []
    if first is not None:
        pages += ["-f", str(first)]
    if last is not None:
        pages += ["-l", str(last)]
    return run("pdftotext", "-enc", "UTF-8", *pages, path, "-")


def flat(text: str) -> str:
    """Text with line breaks and hyphen-free wrapping undone, for phrase searches."""
    return re.sub(r"\s+", " ", text)


def page_count(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", run("pdfinfo", path), re.MULTILINE)
    assert match is not None
    return int(match[1])


def make_nss_db(directory: Path, trusted_pem: bytes | None = None) -> str:
    """A private NSS database for `pdfsig -nssdir` (never ~/.pki), optionally trusting one CA."""
    directory.mkdir(parents=True, exist_ok=True)
    nssdir = f"sql:{directory}"
    subprocess.run(
        ["certutil", "-N", "--empty-password", "-d", nssdir], check=True, capture_output=True
    )
    if trusted_pem is not None:
        ca = directory / "ca.pem"
        ca.write_bytes(trusted_pem)
        subprocess.run(
            ["certutil", "-A", "-d", nssdir, "-n", "Org CA", "-t", "CT,C,C", "-a", "-i", str(ca)],
            check=True,
            capture_output=True,
        )
    return nssdir


def pdfsig(path: Path, nssdir: str) -> str:
    """poppler's verdict (it exits 0 even on failure, so callers read the text)."""
    return run("pdfsig", "-nssdir", nssdir, path)


def tr(lang: str, message: str) -> str:
    """A fixed report text as the report in `lang` prints it (the shipped translation)."""
    return translator_for(lang).gettext(message)
