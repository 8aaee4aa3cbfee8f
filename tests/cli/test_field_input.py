"""Input as people type it (issue 13): names in ru and kk, clock times, references, --yes."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from observer_app.cli.context import CliContext
from observer_app.cli.main import build_parser
from observer_app.errors import ObserverError
from observer_app.i18n import detect_language
from tests.conftest import PASSPHRASE, Cli

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
MEDIA = Path(__file__).parents[1] / "data" / "media" / "Canon_40D.jpg"


def _today_almaty() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Almaty")).date()


@pytest.fixture(params=["ru", "kk"])
def day(cli_vault: Cli, request: pytest.FixtureRequest) -> Cli:
    """A vault whose mission was two days ago (still under way) with station 101 in Astana."""
    cli_vault.lang = request.param
    mission_date = (_today_almaty() - dt.timedelta(days=2)).isoformat()
    cli_vault("mission", "set", "--name", "Выборы", "--date", mission_date, check=True)
    cli_vault(
        "station", "add", "--number", "101", "--name", "Школа", "--region", "Астана", check=True
    )
    return cli_vault


def test_answers_and_terms_by_name_in_ru_and_kk(day: Cli) -> None:
    day("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "ДА", check=True)
    day("checklist", "answer", "--station", "101", "--item", "OPN03", "--value", "жоқ", check=True)
    shown = day("checklist", "show", "--station", "101", "--json", check=True).json()
    values = {a["item"]: a["value"] for a in shown["answers"]}
    assert values["OPN02"] == "yes" and values["OPN03"] == "no"
    added = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "Вброс бюллетеней",
        "--text",
        "x",
        "--severity",
        "сыни",
        "--seen",
        "лично",
        "--time",
        "10:00",
        check=True,
    )
    incident = day("incident", "show", added.out.splitlines()[0], "--json", check=True).json()
    assert (incident["category"], incident["severity"], incident["seen"]) == (
        "ballot_stuffing",
        "critical",
        "directly",
    )
    bad = day("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "может")
    label = "Да" if day.lang == "ru" else "Иә"
    assert bad.code == 2 and f"yes ({label})" in bad.err


def test_whoami_names_the_role_in_the_ui_language(day: Cli) -> None:
    role_line = day("whoami", check=True).out.splitlines()[1]
    label = "Наблюдатель" if day.lang == "ru" else "Байқаушы"
    assert role_line.endswith(f": {label}") and "observer" not in role_line


def test_region_by_name_and_ambiguous_names_list_the_choices(day: Cli) -> None:
    shown = day("station", "list", check=True).out
    assert ("город Астана" if day.lang == "ru" else "Астана қаласы") in shown
    ambiguous = day("station", "add", "--number", "102", "--name", "Ш", "--region", "Алматы")
    assert ambiguous.code == 2
    assert "almaty_city" in ambiguous.err and "almaty_region" in ambiguous.err
    assert len(ambiguous.err.strip().splitlines()) == 1


def test_vocabulary_listings_show_ids_and_names(day: Cli) -> None:
    categories = day("incident", "categories", check=True).out
    name = "Вброс бюллетеней" if day.lang == "ru" else "Бюллетеньдерді жәшікке заңсыз салу"
    assert re.search(rf"^ballot_stuffing\s+{name} ", categories, re.M)
    severities = day("vocabulary", "severity", check=True).out
    assert ("Критическая" if day.lang == "ru" else "Сыни") in severities
    assert day("vocabulary", "nonsense").code == 2


def test_short_references_are_listed_shown_and_accepted(day: Cli) -> None:
    first = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "один",
        "--time",
        "09:00",
        check=True,
    )
    second = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "два",
        "--time",
        "09:30",
        check=True,
    )
    first_id, second_id = first.out.splitlines()[0], second.out.splitlines()[0]
    assert UUID.fullmatch(first_id) and UUID.fullmatch(second_id)
    assert "I-1" in first.out.splitlines()[1] and "101" in first.out.splitlines()[1]
    assert "I-2" in second.out.splitlines()[1]
    assert day("incident", "show", "I-2", "--json", check=True).json()["id"] == second_id
    assert day("incident", "show", "и-1", "--json", check=True).json()["id"] == first_id
    listing = day("incident", "list", check=True).out
    assert re.search(r"^I-1\s", listing, re.M) and re.search(r"^I-2\s", listing, re.M)
    day("incident", "void", "I-1", "--reason", "ошибка", check=True)
    assert day("incident", "show", first_id[:13], "--json", check=True).json()["voided"]
    assert day("incident", "show", "N-1").code == 2
    assert day("incident", "show", "I-9").code == 2


def test_clock_times_follow_the_mission_day(day: Cli) -> None:
    mission_date = _today_almaty() - dt.timedelta(days=2)
    evening = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "a",
        "--time",
        "19:40",
        check=True,
    ).out.splitlines()[0]
    night = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "b",
        "--time",
        "01:45",
        check=True,
    ).out.splitlines()[0]
    shown = {i: day("incident", "show", i, "--json", check=True).json() for i in (evening, night)}
    assert shown[evening]["local_time"].startswith(f"{mission_date.isoformat()}T19:40")
    next_morning = (mission_date + dt.timedelta(days=1)).isoformat()
    assert shown[night]["local_time"].startswith(f"{next_morning}T01:45")


def test_implausible_times_are_refused_without_a_terminal(day: Cli) -> None:
    far = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "x",
        "--time",
        "2020-01-01T10:00",
    )
    future = (dt.datetime.now(ZoneInfo("Asia/Almaty")) + dt.timedelta(hours=3)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    ahead = day("visit", "start", "--station", "101", "--time", future)
    assert far.code == 2 and ahead.code == 2
    assert day("incident", "list", "--json", check=True).json() == []
    assert day("visit", "list", "--json", check=True).json() == []


def _in_process(cli: Cli, argv: list[str], answer: str | None) -> int:
    args = build_parser().parse_args(
        ["--vault", str(cli.vault), "--passphrase-file", str(cli.passphrase_file), *argv]
    )
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        assert answer is not None
        return answer

    ctx = CliContext(args, is_interactive=lambda: answer is not None, ask=ask)
    try:
        return int(args.handler(ctx))
    except ObserverError as error:
        return error.exit_code
    finally:
        ctx.close()
        assert (answer is not None) == bool(asked)


def test_an_implausible_time_confirmed_at_a_terminal_is_recorded(day: Cli) -> None:
    argv = [
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "x",
        "--time",
        "2020-01-01T10:00",
    ]
    assert _in_process(day, argv, answer="n") == 2
    assert day("incident", "list", "--json", check=True).json() == []
    assert _in_process(day, argv, answer="y") == 0
    assert len(day("incident", "list", "--json", check=True).json()) == 1


def test_media_purge_asks_or_needs_yes(day: Cli) -> None:
    item = day("media", "add", str(MEDIA), "--station", "101", "--json", check=True).json()[0]
    refused = day("media", "purge", "M-1", "--reason", "отзыв")
    assert refused.code == 2 and "--yes" in refused.err
    assert not day("media", "show", item["id"], "--json", check=True).json()["purged"]
    assert _in_process(day, ["media", "purge", "M-1", "--reason", "отзыв"], answer="n") == 4
    assert not day("media", "show", "M-1", "--json", check=True).json()["purged"]
    day("media", "purge", "M-1", "--reason", "отзыв", "--yes", check=True)
    assert day("media", "show", "M-1", "--json", check=True).json()["purged"]


@pytest.mark.parametrize(("lang", "word"), [("ru", "ошибка"), ("kk", "қате")])
def test_ui_language_follows_the_system_locale(tmp_path: Path, lang: str, word: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBSERVER_", "LC_"))}
    env.pop("LANGUAGE", None)
    env["LANG"] = f"{lang}_KZ.UTF-8"  # not generated on the machine: LC_CTYPE stays C.UTF-8
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "observer_app.cli.main",
            "--vault",
            str(tmp_path / "none"),
            "--passphrase-file",
            str(pw),
            "whoami",
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 3 and result.stderr.startswith(word)


def test_detect_language_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "OBSERVER_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert detect_language() == "ru"
    monkeypatch.setenv("LC_ALL", "kk_KZ.UTF-8")
    assert detect_language() == "kk"
    monkeypatch.setenv("LANGUAGE", "de:ru")
    assert detect_language() == "ru"
    assert detect_language("en") == "en"
