"""Enrollment requests and setup packages are checked field by field, as events are.

Each document here is correctly signed (by the observer, or by the coordinator the observer is
enrolling with), so only the schema can refuse it; the refusal names the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.crypto.age_keys import recipient_of
from observer_app.errors import NotValidError
from observer_app.handoff import documents
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.package import PACKAGE_TYPE
from observer_app.handoff.enroll.request import REQUEST_TYPE, read_request, write_request
from observer_app.logbook import mission, stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.pins import current_pin
from tests.handoff.handoff_support import dump

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def coordinator(make_session: MakeSession) -> LogbookSession:
    session = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    mission.set_mission(session, "Mission 2026", "2026-03-15", ["A=Alpha"], True)
    stations.add_station(session, load_catalogue(), "101", "School 1", region="almaty_city")
    return session


@pytest.fixture
def observer(make_session: MakeSession) -> LogbookSession:
    return make_session(name="Айгерим Сапарова", accreditation="KZ-77", folder="observer")


def _request_content(observer: LogbookSession, stick: Path) -> dict[str, Any]:
    path = write_request(observer, stick).path
    document = json.loads(path.read_bytes())["document"]
    path.unlink()
    return {k: v for k, v in document.items() if k not in ("type", "v")}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"comment": "hi"}, "comment"),
        ({"name": "A" * 3_000}, "name"),
        ({"name": ["Айгерим"]}, "name"),
        ({"created_utc": ""}, "created_utc"),
        ({"accreditation": {"id": 1}}, "accreditation"),
    ],
)
def test_request_fields_are_checked_by_name(
    observer: LogbookSession,
    coordinator: LogbookSession,
    stick: Path,
    change: dict[str, Any],
    field: str,
) -> None:
    content = {**_request_content(observer, stick), **change}
    signed = documents.sign_document(observer.identity.signing_key, REQUEST_TYPE, content)
    path = stick / "request.json"
    path.write_bytes(signed)
    with pytest.raises(NotValidError, match=re.escape(f"'{field}'")):
        read_request(path, coordinator.identity.age_identity)


def _package_content(
    coordinator: LogbookSession, observer: LogbookSession, stick: Path
) -> dict[str, Any]:
    request = write_request(observer, stick).path
    issued = issue_package(coordinator, request, stick, ["101"])
    data = documents.unseal(issued.path.read_bytes(), observer.identity.age_identity, "x")
    document = json.loads(data)["document"]
    return {k: v for k, v in document.items() if k not in ("type", "v")}


def _set(content: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = content
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["extra"], 1, "extra"),
        (["mission", "date"], "2026-02-30", "mission.date"),
        (["mission", "candidates", 0, "name"], ["nested"], "mission.candidates[0].name"),
        (["stations", 0, "tz"], "../../../etc/localtime", "stations[0].tz"),
        (["stations", 0, "number"], "101", "stations[0].number"),
        (["coordinator", "name"], "", "coordinator.name"),
    ],
)
def test_setup_package_fields_are_checked_by_name(
    coordinator: LogbookSession,
    observer: LogbookSession,
    stick: Path,
    path: list[Any],
    value: Any,
    field: str,
) -> None:
    content = _package_content(coordinator, observer, stick)
    _set(content, path, value)
    signed = documents.sign_document(coordinator.identity.signing_key, PACKAGE_TYPE, content)
    forged = stick / "forged.age"
    forged.write_bytes(documents.seal(signed, recipient_of(observer.identity.age_identity)))
    before = dump(observer)
    with pytest.raises(NotValidError, match=re.escape(f"'{field}'")):
        accept_package(observer, forged, coordinator.identity.feed)
    assert current_pin(observer.conn, observer.identity.feed) is None
    assert dump(observer) == before
