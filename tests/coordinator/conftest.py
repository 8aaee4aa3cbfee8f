"""A coordinator's night: two enrolled observers who recorded station 101 with different
figures (and one station each alone), their bundles imported into the coordinator's vault.

Everything is real (vaults, enrollment, signed bundles, import); the temp folders play the USB
sticks. The observers' figures differ in P3 and P11[B]; obs2's copy fails a control relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.logbook import checklist, handoff, incidents, mission, stations, visits
from observer_app.logbook.protocol_records import record_protocol
from observer_app.logbook.session import LogbookSession
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import enroll

MakeSession = Callable[..., LogbookSession]

OBS1_FIGURES = ["P1=1000", "P2=900", "P3=600", "P4=400", "P11[A]=350", "P11[B]=230"]
OBS2_FIGURES = ["P1=1000", "P2=900", "P3=610", "P4=400", "P11[A]=350", "P11[B]=250"]


@dataclass
class Night:
    coordinator: LogbookSession
    obs1: LogbookSession
    obs2: LogbookSession
    catalogue: Catalogue
    incident1: str
    incident2: str


def _observer_day(
    observer: LogbookSession, catalogue: Catalogue, figures: list[str], text: str, when: str
) -> str:
    visits.start_visit(observer, "101", f"2026-03-15T{when}")
    checklist.answer_item(observer, catalogue, "101", "OPN02", "yes")
    record_protocol(observer, catalogue, "101", figures)
    return incidents.add_incident(
        observer,
        catalogue,
        "101",
        "ballot_stuffing",
        text,
        time=f"2026-03-15T{when}",
        severity="high",
    )


@pytest.fixture(scope="session")
def shipped_catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def night(make_session: MakeSession, tmp_path: Path, shipped_catalogue: Catalogue) -> Night:
    cat = shipped_catalogue
    coord = make_session(name="Гульнара Координатор", role="coordinator", folder="coordinator")
    mission.set_mission(coord, "Выборы 2026", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    stations.add_station(coord, cat, "101", "Школа № 5", region="almaty_city")
    stations.add_station(coord, cat, "205", "Гимназия № 2", region="aktobe")
    obs1 = make_session(name="Айгерим Сапарова", folder="obs1", accreditation="KZ-77")
    obs2 = make_session(name="Данияр Ахметов", folder="obs2", accreditation="KZ-78")
    enroll(coord, obs1, tmp_path / "enroll1", ["101"])
    enroll(coord, obs2, tmp_path / "enroll2", ["101", "205"])
    for observer in (obs1, obs2):
        mission.set_mission(observer, "Выборы 2026", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    first = _observer_day(obs1, cat, OBS1_FIGURES, "Вброс бюллетеней в урну", "09:00")
    second = _observer_day(obs2, cat, OBS2_FIGURES, "Пачка бюллетеней в урне", "10:00")
    incidents.add_incident(obs2, cat, "205", "other", "Очередь на улице", time="2026-03-15T11:00")
    for index, observer in enumerate((obs1, obs2)):
        stick = tmp_path / f"stick{index}"
        stick.mkdir()
        exported = handoff.export_bundle(observer, stick)
        imported = handoff.import_bundle(coord, exported.paths)
        assert imported.outcome.ok, imported.outcome.to_json()
    return Night(coord, obs1, obs2, cat, first, second)


@pytest.fixture
def coord_cli(night: Night, tmp_path: Path) -> Cli:
    """`observer-cli` on the coordinator's vault of `night` (real subprocesses)."""
    password = tmp_path / "coord-pw"
    password.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return Cli(night.coordinator.vault.path, password)
