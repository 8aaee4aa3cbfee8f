"""The command line in Russian and Kazakh names records in words, not in ids or English.

`log`, `incident list|show` and `media show` through a real subprocess against a real vault;
the expected words come from the shipped catalogue in the same language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from observer_app.core.catalogue import Catalogue
from tests.conftest import Cli

PHOTO = Path(__file__).parent.parent / "data" / "media" / "gps_DSCN0010.jpg"
RAW_IDS = ("ARR01", "OPN02", "ballot_stuffing", "critical", "media.added", "observer", "not_asked")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _latin_words(text: str) -> set[str]:
    """Latin words left once the vault's own data (the photo's name, ids, hashes) is removed."""
    cleaned = text.replace(PHOTO.name, "").replace("image/jpeg", "").replace("SHA-256", "")
    cleaned = re.sub(r"\b[0-9a-f-]{13,}\b", "", cleaned)
    return set(_LATIN_WORD.findall(cleaned))


@pytest.fixture(params=["ru", "kk"])
def observer(cli_vault: Cli, request: pytest.FixtureRequest) -> Cli:
    cli = cli_vault
    cli("station", "add", "--number", "101", "--name", "Школа № 5", check=True)
    cli(
        "checklist", "answer", "--station", "101", "--item", "ARR01", "--value", "06:15", check=True
    )
    cli("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "yes", check=True)
    incident_id = cli(
        "incident", "add", "--station", "101", "--category", "ballot_stuffing",
        "--severity", "critical", "--text", "Пачка в урне", check=True,
    ).out.split()[0]  # fmt: skip
    cli("incident", "amend", incident_id, "--severity", "high", "--reason", "уточнено", check=True)
    cli("media", "add", str(PHOTO), "--station", "101", check=True)
    cli.lang = request.param
    return cli


def test_log_names_answers_categories_severities_media_and_roles(
    observer: Cli, catalogue: Catalogue
) -> None:
    lang = observer.lang
    out = observer("log", check=True).out
    for raw in RAW_IDS:
        assert raw not in out, raw
    assert _latin_words(out) == set()
    assert catalogue.item("ARR01").label.get(lang) in out
    assert catalogue.item("OPN02").label.get(lang) in out
    assert catalogue.term("yes_no_dk", "yes").label.get(lang) in out
    assert catalogue.category("ballot_stuffing").label.get(lang) in out
    assert catalogue.severity("critical").label.get(lang) in out
    assert catalogue.consent_state("not_asked").label.get(lang) in out


def test_incident_list_and_history_say_what_changed_from_what_to_what(
    observer: Cli, catalogue: Catalogue
) -> None:
    lang = observer.lang
    listing = observer("incident", "list", check=True).out
    assert catalogue.severity("high").label.get(lang) in listing and "high" not in listing
    incident_id = listing.split()[0]
    shown = observer("incident", "show", incident_id, check=True).out
    history = shown[shown.index("\n", shown.index(":", shown.index("Пачка в урне"))) :]
    critical, high = (catalogue.severity(s).label.get(lang) for s in ("critical", "high"))
    assert f"{critical} → {high}" in history
    assert _latin_words(history) == set()
    # A new incident is "recorded", not the hearsay "reported" (ru "со слов других").
    assert "со слов" not in history and "айтуы бойынша" not in history


def test_media_show_reads_as_text(observer: Cli, catalogue: Catalogue) -> None:
    [item] = observer("media", "list", "--json", check=True).json()
    out = observer("media", "show", item["id"], check=True).out
    assert catalogue.consent_state("not_asked").label.get(observer.lang) in out
    assert "{" not in out and "sha256:" not in out and "consent:" not in out
    # The camera's own name (the photo's data) is the only Latin text left.
    camera = f"{item['camera_make']} {item['camera_model']}"
    assert camera in out and _latin_words(out.replace(camera, "")) == set()


def test_listings_show_short_references(observer: Cli, catalogue: Catalogue) -> None:
    """`log`, `visit list`, `media list` and `media show` name records by reference (I-1, M-1),
    and `media list` reads as words: no raw ids, kinds or consent ids."""
    observer("visit", "start", "--station", "101", "--time", "2026-03-15T07:00", check=True)
    log = observer("log", check=True).out
    assert re.search(r"\sI-1\s", log) and re.search(r"\sA-1\s", log) and re.search(r"\sM-1\s", log)
    amended = next(line for line in log.splitlines() if "I-1" in line and "уточнено" not in line)
    assert amended  # the amendment's line names the incident by its reference, not its id
    assert not re.search(r"\b[0-9a-f]{8}-[0-9a-f]{4}\b", log)
    assert re.search(r"^V-1\s", observer("visit", "list", check=True).out, re.MULTILINE)
    [listed] = observer("media", "list", check=True).out.splitlines()
    assert listed.startswith("M-1 ") and PHOTO.name in listed
    assert catalogue.consent_state("not_asked").label.get(observer.lang) in listed
    assert _latin_words(listed) == set()  # no "photo", "not_asked" or raw id
    shown = observer("media", "show", "M-1", check=True).out
    assert re.search(r"^\S+: M-1$", shown, re.MULTILINE)  # its reference, labelled in words
