"""Sample content for the demo vault: what a realistic polling day leaves in the logbook.

One observer, polling day 15 March 2026: opening and voting at station 101, voting, counting
and the hand-over at station 102, and a colleague's report from AKT-14 (another zone). The
protocol of 101 adds up; the one of 102 does not (stuffed ballots show in the arithmetic).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.i18n import _
from observer_app.logbook import checklist, incidents, mission, notes, protocol_records, stations
from observer_app.logbook import visits as visit_service
from observer_app.logbook.demo_media import add_demo_media
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.setup import KdfProfile, NewIdentity, init_vault

DAY = "2026-03-15"

STATIONS = (
    # code, name, address, region, commission
    (
        "101",
        "Средняя школа № 12",
        "ул. Жандосова, 58",
        "almaty_city",
        "Бостандыкская районная избирательная комиссия",
    ),
    (
        "102",
        "Гимназия № 38",
        "мкр. Орбита-1, 40",
        "almaty_city",
        "Бостандыкская районная избирательная комиссия",
    ),
    (
        "AKT-14",
        "№ 14 мектеп-гимназия",
        "Абылхайыр хан даңғылы, 7",
        "aktobe",
        "Ақтөбе қалалық сайлау комиссиясы",
    ),
)

ANSWERS = (
    # station, item, value, note
    ("101", "ARR01", "06:15", None),
    ("101", "ARR04", "other_observers,police", None),
    ("101", "OPN01", "06:00", None),
    ("101", "OPN02", "yes", None),
    ("101", "OPN03", "yes", None),
    ("101", "OPN04", "9", None),
    ("101", "OPN05", "1200", None),
    ("101", "OPN06", "yes", None),
    ("101", "OPN07", "no", None),
    ("101", "OPN08", "07:00", None),
    ("101", "OPN09", "good", None),
    ("101", "VOT01", "all", None),
    ("101", "VOT02", "most", "Несколько человек расписались за родственников."),
    ("101", "VOT05", "1", None),
    ("101", "VOT05", "2", "Ещё один случай в 11:20."),
    ("101", "VOT09", "yes", None),
    ("101", "VOT14", "512", None),
    ("101", "VOT15", "good", None),
    ("101", "ARR02", "13:30", None),
    ("102", "ARR01", "14:00", None),
    ("102", "VOT01", "most", None),
    ("102", "VOT04", "yes", None),
    ("102", "VOT06", "yes", "Пачка бюллетеней в ящике № 2, см. инцидент."),
    ("102", "VOT14", "1480", None),
    ("102", "VOT15", "very_bad", None),
    ("102", "CNT01", "20:05", None),
    ("102", "CNT02", "no", None),
    ("102", "CNT03", "yes", None),
    ("102", "CNT04", "no", None),
    ("102", "CNT05", "yes", None),
    ("102", "CNT06", "dk", None),
    ("102", "CNT07", "no", "Наблюдателей посадили в 6 метрах от стола."),
    ("102", "CNT08", "refused", None),
    ("102", "CNT09", "yes", None),
    ("102", "CNT10", "very_bad", None),
    ("102", "TAB01", "yes", None),
    ("102", "TAB02", "no", None),
    ("102", "TAB03", "yes", None),
    ("102", "TAB04", "01:40", None),
    ("102", "TAB05", "bad", None),
)

CONSISTENT_101 = (
    "P1=1450",
    "P1a=1420",
    "P1b=30",
    "P2=1200",
    "P3=812",
    "P4=38",
    "P5=340",
    "P6=10",
    "P7=812",
    "P8=38",
    "P9=14",
    "P10=836",
    "P11[A]=421",
    "P11[B]=287",
    "P11[C]=101",
    "P12=27",
    "O1=850",
)
# 102 as the commission wrote it: 140 more ballots in the boxes than were issued, votes that do
# not add up to the valid ballots, and the observer's signature count far below the issued.
INCONSISTENT_102_FIRST = ("P1=2100", "P1a=2040", "P1b=60", "P2=2000", "P3=1480", "P4=52")
INCONSISTENT_102_REST = (
    "P5=450",
    "P6=18",
    "P7=1620",
    "P8=52",
    "P9=31",
    "P10=1641",
    "P11[A]=1302",
    "P11[B]=212",
    "P11[C]=88",
    "P12=19",
    "O1=1391",
)


def _at(clock: str) -> str:
    return f"{DAY}T{clock}"


def _stations(session: LogbookSession, catalogue: Catalogue) -> None:
    mission.set_mission(
        session,
        "Выборы депутатов Курултая 2026 (демо)",
        DAY,
        ["A=Партия «Жарқын болашақ»", "B=Партия «Адал жол»", "C=Партия «Ауыл»"],
        against_all=True,
    )
    for code, name, address, region, commission in STATIONS:
        stations.add_station(
            session,
            catalogue,
            code,
            name,
            address=address,
            region=region,
            commission=commission,
        )


def _visits(session: LogbookSession) -> None:
    visit_service.start_visit(session, "101", _at("06:15"))
    visit_service.pause_visit(session, "101", _at("10:00"))
    visit_service.resume_visit(session, "101", _at("10:20"))
    visit_service.end_visit(session, "101", _at("13:30"))
    visit_service.start_visit(session, "102", _at("14:00"))
    visit_service.end_visit(session, "102", "2026-03-16T01:45")


def _incidents(session: LogbookSession, catalogue: Catalogue) -> None:
    incidents.add_incident(
        session,
        catalogue,
        "101",
        "campaigning",
        "У входа раздают листовки партии «Ауыл», полиция не вмешивается.",
        time=_at("08:10"),
        persons=["двое молодых людей в синих куртках"],
    )
    incidents.add_incident(
        session,
        catalogue,
        "101",
        "group_voting",
        "Семья из трёх человек заполнила бюллетени в одной кабине; член комиссии не остановил.",
        time=_at("09:40"),
        witnesses=["наблюдатель от партии «Адал жол»"],
    )
    duplicate = incidents.add_incident(
        session,
        catalogue,
        "101",
        "group_voting",
        "Семейное голосование в кабине (повтор)",
        time=_at("09:41"),
    )
    incidents.void_incident(session, duplicate, "Дубликат предыдущей записи.")
    stuffing = incidents.add_incident(
        session,
        catalogue,
        "102",
        "ballot_stuffing",
        "Член комиссии опустил пачку бюллетеней в ящик № 2.",
        time=_at("19:50"),
        persons=["член УИК, жилет № 7"],
        witnesses=["наблюдатель от партии «Ауыл»", "Gulnara Sadykova (journalist)"],
    )
    incidents.amend_incident(
        session,
        catalogue,
        stuffing,
        IncidentChanges(
            text="Член комиссии опустил в ящик № 2 пачку примерно из 30 сложенных бюллетеней, "
            "пока председатель отвлекал наблюдателей.",
            time=_at("19:52"),
        ),
        reason="Уточнены время и количество.",
    )
    refused = incidents.add_incident(
        session,
        catalogue,
        "102",
        "protocol_copy_refused",
        "Председатель отказался выдать заверенную копию протокола.",
        time="2026-03-16T00:30",
    )
    incidents.amend_incident(
        session,
        catalogue,
        refused,
        IncidentChanges(status="confirmed", follow_up="complaint_filed"),
        reason="Жалоба подана в районную комиссию.",
    )
    incidents.add_incident(
        session,
        catalogue,
        "AKT-14",
        "pressure_on_voters",
        "Мекеме басшысы қызметкерлерден дауыс берген бюллетеньнің суретін талап еткен.",
        time=_at("12:15"),
        seen="reported",
        witnesses=["әріптес байқаушы Ержан Б."],
    )


def populate_demo(session: LogbookSession, catalogue: Catalogue | None = None) -> list[str]:
    """Fill the demo vault; returns one line per thing done, for the user to read."""
    cat = catalogue if catalogue is not None else load_catalogue()
    done = []
    _stations(session, cat)
    done.append(_("set the mission and added 3 stations in two time zones"))
    first = notes.add_note(session, "06:30 Прибыл на участок 101, двери ещё закрыты.", "101")
    notes.add_note(session, "Сайлау учаскесі 102: бақылаушыларға орын жеткіліксіз.", "102")
    notes.amend_note(session, first, "06:30 Прибыл на участок 101, двери закрыты до 06:45.")
    done.append(_("added 2 notes in Russian and Kazakh, amended one"))
    _visits(session)
    done.append(_("recorded visits to 101 (with a break) and 102"))
    for code, item, value, note in ANSWERS:
        checklist.answer_item(session, cat, code, item, value, note)
    done.append(_("answered checklists of every phase (one answer superseded)"))
    _incidents(session, cat)
    done.append(_("recorded 6 incidents in 3 stations (two amended, one voided)"))
    protocol_records.record_protocol(session, cat, "101", CONSISTENT_101)
    protocol_records.record_protocol(session, cat, "102", INCONSISTENT_102_FIRST)
    protocol_records.record_protocol(session, cat, "102", INCONSISTENT_102_REST)
    done.append(_("recorded a consistent protocol (101) and an inconsistent one (102)"))
    add_demo_media(session)
    done.append(_("imported 2 photos (one publishable, one with an anonymised copy)"))
    return done


@dataclass(frozen=True)
class DemoVault:
    """A demo vault made by `create_demo_vault`: where, its passphrase, and what it holds."""

    path: Path
    passphrase: str
    done: tuple[str, ...]


def create_demo_vault(target: Path, kdf: KdfProfile = KdfProfile.DEFAULT) -> DemoVault:
    """Create a vault at `target` with a random passphrase (shown to the user) and fill it."""
    passphrase = "demo-" + secrets.token_hex(4)
    init_vault(target, passphrase, NewIdentity(name="Aigerim Demo", accreditation="DEMO-0001"), kdf)
    session = open_session(target, passphrase)
    try:
        done = populate_demo(session)
    finally:
        session.close()
    return DemoVault(path=target, passphrase=passphrase, done=tuple(done))
