"""Organisation reports: a report made in a coordinator's vault speaks for the organisation.

Two enrolled observers recorded station 101 (different figures, one incident and one photo
each) and one of them station 205 too; their bundles are imported into the coordinator's vault,
and the reports made there are read back with poppler's tools (`pdftotext`, `pdfimages`) and
their attached data checked against the observers' own keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue
from observer_app.core.consent import ConsentState
from observer_app.crypto import keys
from observer_app.logbook import handoff, incidents, media, mission, stations
from observer_app.logbook.annotations import annotate, mark_verified
from observer_app.logbook.reports import make_report
from observer_app.logbook.session import LogbookSession
from observer_app.reports.data import ReportOptions
from observer_app.reports.report_json import ATTACHMENT_NAME
from observer_app.reports.signing import read_attachment
from tests.conftest import PASSPHRASE, Cli
from tests.coordinator.conftest import OBS1_FIGURES, OBS2_FIGURES, MakeSession
from tests.handoff.handoff_support import enroll
from tests.reports.report_samples import DATA, flat, pdf_text, run, tr

OBS1, OBS2 = "Айгерим Сапарова", "Данияр Ахметов"
COORDINATOR = "Гульнара Координатор"
ORGANISATION = "Observer organisation"  # what the test vaults' organisation CA is named
COMMISSION = "Алматинская городская избирательная комиссия"


@dataclass
class OrgNight:
    coordinator: LogbookSession
    obs1: LogbookSession
    obs2: LogbookSession
    incident1: str
    incident2: str
    incident3: str
    photo1: str  # obs1's, no person on it: publishable
    photo2: str  # obs2's, people not asked: never in a public report


def _day(observer: LogbookSession, cat: Catalogue, figures: list[str], text: str, when: str) -> str:
    from observer_app.logbook import checklist, visits
    from observer_app.logbook.protocol_records import record_protocol

    visits.start_visit(observer, "101", f"2026-03-15T{when}")
    checklist.answer_item(observer, cat, "101", "OPN02", "yes")
    record_protocol(observer, cat, "101", figures)
    return incidents.add_incident(
        observer, cat, "101", "ballot_stuffing", text, time=f"2026-03-15T{when}", severity="high"
    )


@pytest.fixture
def org(make_session: MakeSession, tmp_path: Path, shipped_catalogue: Catalogue) -> OrgNight:
    cat = shipped_catalogue
    coord = make_session(name=COORDINATOR, role="coordinator", folder="coordinator")
    mission.set_mission(coord, "Выборы 2026", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    stations.add_station(
        coord, cat, "101", "Школа № 5", region="almaty_city", commission=COMMISSION
    )
    stations.add_station(
        coord, cat, "205", "Гимназия № 2", region="almaty_city", commission=COMMISSION
    )
    obs1 = make_session(name=OBS1, folder="obs1", accreditation="KZ-77")
    obs2 = make_session(name=OBS2, folder="obs2", accreditation="KZ-78")
    enroll(coord, obs1, tmp_path / "enroll1", ["101"])
    enroll(coord, obs2, tmp_path / "enroll2", ["101", "205"])
    for observer in (obs1, obs2):
        mission.set_mission(observer, "Выборы 2026", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    # obs1 names herself and gives her accreditation in the text: public text must not.
    first = _day(
        obs1, cat, OBS1_FIGURES, f"Вброс в урну; видела {OBS1} (KZ-77), Сапарова.", "09:00"
    )
    second = _day(obs2, cat, OBS2_FIGURES, "Пачка бюллетеней в урне", "10:00")
    third = incidents.add_incident(
        obs2, cat, "205", "other", "Очередь на улице", time="2026-03-15T11:00"
    )
    photo1 = media.import_file(
        obs1, DATA / "gps_DSCN0010.jpg", media.Link("incident", first), ConsentState.NO_PERSON
    )
    photo2 = media.import_file(
        obs2, DATA / "Canon_40D.jpg", media.Link("incident", second), ConsentState.NOT_ASKED
    )
    for index, observer in enumerate((obs1, obs2)):
        stick = tmp_path / f"stick{index}"
        stick.mkdir()
        exported = handoff.export_bundle(observer, stick)
        imported = handoff.import_bundle(coord, exported.paths)
        assert imported.outcome.ok, imported.outcome.to_json()
    return OrgNight(coord, obs1, obs2, first, second, third, photo1.id, photo2.id)


def _report(night: OrgNight, out: Path, audience: Audience, lang: str = "en", **kw: Any) -> Path:
    return make_report(night.coordinator, ReportOptions(audience, lang, **kw), out).path


def _data(path: Path) -> dict[str, Any]:
    data = read_attachment(path.read_bytes(), ATTACHMENT_NAME)
    assert data is not None
    document = json.loads(data)
    assert isinstance(document, dict)
    return document


def _images(path: Path) -> int:
    """The pictures on the report's pages (`pdfimages -list`: two header lines, then one each)."""
    lines = run("pdfimages", "-list", path).strip().splitlines()
    return len([line for line in lines[2:] if re.search(r"\bimage\b", line)])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_organisation_complaint_cites_observers_and_never_the_signer_as_witness(
    org: OrgNight, tmp_path: Path, lang: str
) -> None:
    path = _report(org, tmp_path / "complaint.pdf", Audience.COMPLAINT, lang)
    words = flat(pdf_text(path))
    organisation = ORGANISATION  # named by its certificate, in the language of its setup
    opening = tr(
        lang,
        "{organisation} reports the following violations of the election legislation "
        "that its accredited observers recorded:",
    ).format(organisation=organisation)
    assert opening in words
    for name, number in ((OBS1, "KZ-77"), (OBS2, "KZ-78")):
        observer = tr(lang, "{name} (accreditation {number})").format(name=name, number=number)
        cited = tr(lang, "The observer {observer} saw it directly and recorded it.")
        assert cited.format(observer=observer) in words
    # The signer speaks for the organisation and never in the first person as a witness.
    first_person = tr(
        lang, "I, {name}, an accredited observer, report the following violations that I recorded:"
    ).format(name=COORDINATOR)
    assert first_person not in words
    named = first_person[: first_person.index(COORDINATOR) + len(COORDINATOR)]
    assert named not in words  # "I, Гульнара Координатор" / "Я, Гульнара Координатор"
    signed = tr(lang, "{person}, on behalf of {organisation}").format(
        person=COORDINATOR, organisation=organisation
    )
    assert signed in words
    # Both stations belong to one commission: one letter, addressed once, no repeated codes.
    assert words.count(tr(lang, "To:") + " " + COMMISSION) == 1
    assert "101, 101" not in words


def test_observer_own_complaint_keeps_the_first_person(org: OrgNight, tmp_path: Path) -> None:
    path = make_report(org.obs1, ReportOptions(Audience.COMPLAINT, "en"), tmp_path / "own.pdf").path
    words = flat(pdf_text(path))
    assert f"I, {OBS1}, an accredited observer, report the following violations" in words
    assert "on behalf of" not in words and "its accredited observers" not in words


def test_internal_report_lists_each_station_once_and_counts_across_feeds(
    org: OrgNight, tmp_path: Path
) -> None:
    path = _report(org, tmp_path / "internal.pdf", Audience.INTERNAL)
    words = flat(pdf_text(path))
    assert "Stations 101 — Школа № 5; 205 — Гимназия № 2 Period" in words
    assert "2 stations, 3 incidents (0 voided), 2 media items shown, 0 withheld." in words
    # One section per station, with the records of both observers, each named.
    assert words.count("Polling station 101: Школа № 5") == 1
    assert words.count("Polling station 205: Гимназия № 2") == 1
    assert f"observers: {OBS2}, {OBS1}" in words or f"observers: {OBS1}, {OBS2}" in words
    assert f"Recorded by {OBS1};" in words and f"Recorded by {OBS2};" in words
    assert f"Copy recorded by {OBS1}" in words and f"Copy recorded by {OBS2}" in words
    document = _data(path)
    assert [s["code"] for s in document["stations"]] == ["101", "205"]
    feeds = {org.obs1.identity.feed, org.obs2.identity.feed}
    first = document["stations"][0]
    assert set(first["observers"]) == feeds
    assert {p["feed"] for p in first["protocols"]} == feeds
    assert sorted(p["figures"]["P3"] for p in first["protocols"]) == [600, 610]


def test_observers_photos_are_pictured_in_the_coordinators_reports(
    org: OrgNight, tmp_path: Path
) -> None:
    # The bundles carried the originals; the import made the previews from them.
    for photo in (org.photo1, org.photo2):
        assert media.thumbnail_jpeg(org.coordinator, photo) is not None
    internal = _report(org, tmp_path / "internal.pdf", Audience.INTERNAL)
    assert _images(internal) == 2
    assert "no preview available" not in pdf_text(internal)
    public = _report(org, tmp_path / "public.pdf", Audience.PUBLIC)
    assert _images(public) == 1  # obs2's photo shows people who were not asked


def test_complaint_with_one_letter_per_station(org: OrgNight, tmp_path: Path) -> None:
    password = tmp_path / "coord-pw"
    password.write_text(PASSPHRASE + "\n", encoding="utf-8")
    cli = Cli(org.coordinator.vault.path, password)
    out = tmp_path / "letters.pdf"
    result = cli(
        "report", "--audience", "complaint", "--lang", "en", "--letter-per-station",
        "--out", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    text = pdf_text(out)
    letters = text.split("COMPLAINT\n")[1:]
    assert len(letters) == 2
    first, second = (flat(letter.split("Appendix to the complaint")[0]) for letter in letters)
    assert "at polling station 101" in first and "at polling station 205" in second
    assert "Вброс в урну" in first and "Пачка бюллетеней" in first and "Очередь" not in first
    assert "Очередь на улице" in second and "Вброс" not in second and "Пачка" not in second
    assert flat(text).count(f"To: {COMMISSION}") == 2  # each letter to its commission


@pytest.mark.parametrize("audience", [Audience.COMPLAINT, Audience.INTERNAL])
def test_attachment_carries_the_observers_signed_events(
    org: OrgNight, tmp_path: Path, audience: Audience
) -> None:
    document = _data(_report(org, tmp_path / "r.pdf", audience))
    public_keys = {
        f["feed"]: keys.load_public_key_der(base64.b64decode(f["public_key"]))
        for f in document["feeds"]
    }
    by_hash: dict[str, dict[str, Any]] = {}
    for event in document["events"]:
        payload = base64.b64decode(event["payload"])
        key = public_keys[event["feed"]]
        assert keys.fingerprint(key) == event["feed"]  # a feed is its key's fingerprint
        assert keys.verify(key, base64.b64decode(event["signature"]), payload)
        assert hashlib.sha256(payload).hexdigest() == event["hash"]
        by_hash[event["hash"]] = json.loads(payload)
    incidents_shown = [i for s in document["stations"] for i in s["incidents"]]
    assert {i["id"] for i in incidents_shown} == {org.incident1, org.incident2, org.incident3}
    for incident in incidents_shown:
        signed = by_hash[incident["event_hash"]]  # each incident back to its observer
        assert signed["type"] == "incident.added" and signed["body"]["id"] == incident["id"]
        assert signed["feed"] == incident["feed"]
    owners = {i["id"]: i["feed"] for i in incidents_shown}
    assert owners[org.incident1] == org.obs1.identity.feed
    assert owners[org.incident2] == owners[org.incident3] == org.obs2.identity.feed
    # A changed byte breaks the observer's signature.
    event = document["events"][-1]
    forged = bytearray(base64.b64decode(event["payload"]))
    forged[-2] ^= 1
    key = public_keys[event["feed"]]
    assert not keys.verify(key, base64.b64decode(event["signature"]), bytes(forged))


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_public_report_names_no_observer_even_in_free_text(
    org: OrgNight, tmp_path: Path, lang: str
) -> None:
    path = _report(org, tmp_path / "public.pdf", Audience.PUBLIC, lang)
    words = flat(pdf_text(path))
    data = json.dumps(_data(path), ensure_ascii=False)
    for secret in (OBS1, OBS2, "Сапарова", "Ахметов", "KZ-77", "KZ-78", COORDINATOR):
        assert secret not in words, secret
        assert secret not in data, secret
    # Observers are numbered by feed (the same number in every report of this vault).
    feeds = sorted([org.obs1.identity.feed, org.obs2.identity.feed])
    pseudonym = tr(lang, "observer {number}")
    first = pseudonym.format(number=feeds.index(org.obs1.identity.feed) + 1)
    second = pseudonym.format(number=feeds.index(org.obs2.identity.feed) + 1)
    assert f"видела {first} ({first}), {first}." in words  # her name, number and surname
    assert f"I-1@{second}" in words
    document = _data(path)
    assert "feeds" not in document
    assert all(set(e) == {"feed", "seq", "hash", "type"} for e in document["events"])


def test_coordinators_assessments_show_in_internal_reports_only(
    org: OrgNight, tmp_path: Path, shipped_catalogue: Catalogue
) -> None:
    coord = org.coordinator
    annotate(coord, shipped_catalogue, org.incident1, "confirmed", "complaint_filed", "Видео есть")
    annotate(coord, shipped_catalogue, org.incident3, "rejected")
    mark_verified(coord, shipped_catalogue, "101", org.obs1.identity.feed, ["P3", "P1"])
    internal = _report(org, tmp_path / "internal.pdf", Audience.INTERNAL)
    words = flat(pdf_text(internal))
    assessment = f"Coordinator's assessment ({COORDINATOR}): "
    assert f"{assessment}Confirmed; follow-up: Complaint filed — Видео есть" in words
    assert f"{assessment}Rejected; follow-up:" in words
    assert words.count(assessment) == 2  # incident2 was not assessed
    assert "600 ✓" in words and "610 ✓" not in words
    assert "checked by the coordinator against the paper protocol" in words
    document = _data(internal)
    by_id = {i["id"]: i for s in document["stations"] for i in s["incidents"]}
    assert by_id[org.incident1]["annotation"]["status"] == "confirmed"
    assert by_id[org.incident1]["annotation"]["follow_up"] == "complaint_filed"
    assert by_id[org.incident1]["annotation"]["feed"] == coord.identity.feed
    assert by_id[org.incident3]["annotation"]["status"] == "rejected"
    assert by_id[org.incident2]["annotation"] is None
    verified = {p["feed"]: p["verified"] for p in document["stations"][0]["protocols"]}
    assert verified == {org.obs1.identity.feed: ["P1", "P3"], org.obs2.identity.feed: []}
    # A complaint carries no assessment text, and by default leaves out what was rejected.
    complaint = _report(org, tmp_path / "complaint.pdf", Audience.COMPLAINT)
    complaint_words = flat(pdf_text(complaint))
    assert "Coordinator's assessment" not in complaint_words
    assert "Очередь на улице" not in complaint_words.split("Appendix")[0]
    complaint_data = _data(complaint)
    assert org.incident3 not in complaint_data["complaint"]["incidents"]
    assert org.incident1 in complaint_data["complaint"]["incidents"]
    assert all("annotation" not in i for s in complaint_data["stations"] for i in s["incidents"])
