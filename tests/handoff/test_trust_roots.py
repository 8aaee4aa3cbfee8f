"""An enrolled observer's own vault trusts the organisation it pinned when verifying reports."""

from __future__ import annotations

from pathlib import Path

from observer_app.core.audience import Audience
from observer_app.core.catalogue import load_catalogue
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook import incidents, stations
from observer_app.logbook.reports import make_report, verify_report
from observer_app.reports.data import ReportOptions


def test_report_of_an_enrolled_observer_is_trusted_by_its_vault(
    make_session,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    coordinator = make_session(name="Координатор", role="coordinator")
    observer = make_session(name="Байқаушы Әлия")
    catalogue = load_catalogue()
    stations.add_station(coordinator, catalogue, "101", "Мектеп №1")
    stick = tmp_path / "stick"
    stick.mkdir()
    before = tmp_path / "before.pdf"
    stations.add_station(observer, catalogue, "900", "Pre-enrollment")
    make_report(observer, ReportOptions(Audience("internal")), before)
    assert verify_report(observer, before).valid
    assert not verify_report(observer, before).trusted

    request = write_request(observer, stick)
    accept_package(observer, issue_package(coordinator, request.path, stick, ["101"]).path)
    incidents.add_incident(observer, catalogue, "101", "ballot_stuffing", "Вброс в 10:15")
    after = tmp_path / "after.pdf"
    make_report(observer, ReportOptions(Audience("internal")), after)
    verdict = verify_report(observer, after)
    assert verdict.valid and verdict.trusted
    assert verify_report(coordinator, after).trusted
    assert not verify_report(None, after).trusted
