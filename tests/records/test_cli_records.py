"""The record commands through a real `observer-cli` subprocess: output, JSON and exit codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

Cli = Any  # tests/conftest.py's runner (a real subprocess per call)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _one_line_error(result_err: str) -> None:
    assert len(result_err.strip().splitlines()) == 1 and "Traceback" not in result_err


def test_polling_day_through_the_command_line(cli_vault: Cli) -> None:
    cli = cli_vault
    cli(
        "mission",
        "set",
        "--name",
        "Выборы",
        "--date",
        "2026-03-15",
        "--candidate",
        "A=Алиев",
        "--candidate",
        "B=Бекова",
        "--against-all",
        check=True,
    )
    assert cli("mission", "show", "--json", check=True).json()["against_all"] is True
    added = cli(
        "station",
        "add",
        "--number",
        "101",
        "--name",
        "Школа № 5",
        "--region",
        "almaty_city",
        "--address",
        "ул. Абая, 1",
        check=True,
    )
    assert "101" in added.out
    cli(
        "station",
        "add",
        "--number",
        "AKT-7",
        "--name",
        "Ақтөбе мектебі",
        "--tz",
        "Asia/Aqtobe",
        check=True,
    )
    duplicate = cli("station", "add", "--number", "101", "--name", "again")
    assert duplicate.code == 4
    _one_line_error(duplicate.err)
    listed = cli("station", "list", "--json", check=True).json()
    assert [(s["code"], s["tz"]) for s in listed] == [
        ("AKT-7", "Asia/Aqtobe"),
        ("101", "Asia/Almaty"),
    ]

    cli("visit", "start", "--station", "101", "--time", "2026-03-15T06:30", check=True)
    cli("visit", "end", "--station", "101", "--time", "2026-03-15T13:00", check=True)
    [visit] = cli("visit", "list", "--json", check=True).json()
    assert (visit["started_utc"], visit["ended_utc"]) == (
        "2026-03-15T01:30:00.000Z",
        "2026-03-15T08:00:00.000Z",
    )

    cli("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "yes", check=True)
    cli(
        "checklist",
        "answer",
        "--station",
        "101",
        "--item",
        "OPN02",
        "--value",
        "no",
        "--note",
        "пломба сорвана",
        check=True,
    )
    bad = cli("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "maybe")
    assert bad.code == 2 and "yes (Yes), no (No), dk (Don't know)" in bad.err
    _one_line_error(bad.err)
    shown = cli(
        "checklist", "show", "--station", "101", "--phase", "opening", "--json", check=True
    ).json()
    opn02 = next(a for a in shown["answers"] if a["item"] == "OPN02")
    assert (opn02["value"], opn02["note"], opn02["concern"]) == ("no", "пломба сорвана", True)
    assert [h["value"] for h in opn02["history"]] == ["yes"]

    new = cli(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "ballot_stuffing",
        "--text",
        "Вброс: ҚАЗАҚ тілінде жазба",
        "--time",
        "2026-03-15T19:50",
        "--person",
        "член УИК",
        "--witness",
        "Smith",
        "--witness",
        "Иванова",
        check=True,
    )
    incident_id = new.out.splitlines()[0]
    assert UUID.match(incident_id)
    cli(
        "incident",
        "amend",
        incident_id[:8],
        "--status",
        "confirmed",
        "--follow-up",
        "complaint_filed",
        "--reason",
        "жалоба подана",
        check=True,
    )
    other = cli(
        "incident",
        "add",
        "--station",
        "AKT-7",
        "--category",
        "other",
        "--text",
        "дубль",
        check=True,
    ).out.splitlines()[0]
    cli("incident", "void", other[:13], "--reason", "ошибка", check=True)
    detail = cli("incident", "show", incident_id[:13], "--json", check=True).json()
    assert (detail["severity"], detail["status"], detail["follow_up"]) == (
        "critical",
        "confirmed",
        "complaint_filed",
    )
    assert detail["local_time"] == "2026-03-15T19:50:00+05:00"
    assert detail["witnesses"] == ["Smith", "Иванова"]
    assert [h["type"] for h in detail["history"]] == ["incident.added", "incident.amended"]
    text = cli("incident", "show", other[:13], check=True).out
    assert "VOIDED: ошибка" in text and "voided: ошибка" in text
    listed_incidents = cli("incident", "list", "--station", "101", "--json", check=True).json()
    assert [i["id"] for i in listed_incidents] == [incident_id]

    recorded = cli(
        "protocol",
        "record",
        "--station",
        "101",
        "--set",
        "P1=1000",
        "P1a=950",
        "P1b=50",
        "P3=600",
        "--set",
        "P4=50",
        "P11[A]=100",
        "--json",
        check=True,
    ).json()
    assert set(recorded) >= {"station", "figures", "checks", "turnout"}
    checks = {c["rule"]: c for c in recorded["checks"]}
    assert checks["list_total"]["ok"] is True and checks["list_total"]["missing"] == []
    assert checks["ballot_balance"]["ok"] is None
    assert checks["ballot_balance"]["missing"] == ["P2", "P5", "P6"]
    assert recorded["turnout"]["basis_points"] == 6500
    human = cli("protocol", "record", "--station", "101", "--set", "P1a=900", check=True).out
    assert "FAILED" in human and "P1 = P1a + P1b" in human
    assert all(check["expression"] in human for check in recorded["checks"])  # every relation
    assert "missing: P2, P5, P6" in human
    p12 = cli("protocol", "show", "--station", "101", "--json", check=True).json()
    assert p12["figures"]["P1a"] == 900

    log = cli("log", "--station", "AKT-7", "--json", check=True).json()
    assert [e["type"] for e in log] == ["station.added", "incident.added", "incident.voided"]
    critical = cli("log", "--severity", "critical", check=True).out
    assert "Ballot stuffing" in critical and "дубль" not in critical
    hits = cli("search", "қазақ", "--json", check=True).json()
    assert [(h["kind"], h["id"]) for h in hits] == [("incident", incident_id)]
    assert cli("search", "ШКОЛА", check=True).out.startswith("station")
    assert cli("journal", "verify", check=True).code == 0


def test_errors_have_the_contract_exit_codes(cli_vault: Cli) -> None:
    cli = cli_vault
    cli("station", "add", "--number", "101", "--name", "Школа", check=True)
    unknown = cli("incident", "add", "--station", "999", "--category", "other", "--text", "x")
    assert unknown.code == 4 and "999" in unknown.err
    _one_line_error(unknown.err)
    severity = cli(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "other",
        "--text",
        "x",
        "--severity",
        "urgent",
    )
    assert (
        severity.code == 2
        and "critical (Critical), high (High), medium (Medium), low (Low)" in severity.err
    )
    category = cli("log", "--category", "fraud")
    assert category.code == 2 and "ballot_stuffing" in category.err
    zone = cli("station", "add", "--number", "102", "--name", "x", "--tz", "Mars/Olympus")
    assert zone.code == 2 and "Asia/Almaty" in zone.err
    prefix = cli("incident", "show", "0123")
    assert prefix.code == 2
    assert cli("protocol", "record", "--station", "101", "--set", "P12=1").code == 2
    assert cli("visit", "end", "--station", "101").code == 4


def test_demo_makes_a_realistic_polling_day(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "demo"
    made = cli("demo", "--out", str(target), "--kdf-profile", "test", check=True)
    passphrase = re.search(r"Passphrase: (\S+)", made.out)
    assert passphrase is not None
    secret = tmp_path / "demo-pass.txt"
    secret.write_text(passphrase[1] + "\n", encoding="utf-8")
    demo = type(cli)(vault=target, passphrase_file=secret)
    assert demo("journal", "verify", check=True).code == 0
    stations = demo("station", "list", "--json", check=True).json()
    assert len(stations) >= 3 and len({s["tz"] for s in stations}) >= 2
    assert demo("protocol", "show", "--station", "101", "--json", check=True).json()["all_ok"]
    inconsistent = demo("protocol", "show", "--station", "102", "--json", check=True).json()
    assert inconsistent["all_ok"] is False
    incidents = demo("incident", "list", "--json", check=True).json()
    assert any(i["voided"] for i in incidents) and any(i["amended"] for i in incidents)
    phases = set()
    for code in ("101", "102"):
        answers = demo("checklist", "show", "--station", code, "--json", check=True).json()
        phases |= {a["phase"] for a in answers["answers"] if a["value"] is not None}
    assert phases == {"arrival", "opening", "voting", "counting", "tabulation"}
    assert demo("visit", "list", "--json", check=True).json()
