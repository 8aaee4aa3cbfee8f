"""Observation text from a file or standard input (`--text-file` and twins), never via argv.

Most tests run the real entry point `observer_app.cli.main.main` in-process against a real
vault (so standard input can be a real byte stream); one runs a subprocess fed through a pipe.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from observer_app.cli.main import main
from observer_app.cli.text_input import MAX_TEXT_BYTES, read_text_file
from observer_app.errors import UserActionError

RUSSIAN = "Председатель УИК не допустил наблюдателя к списку избирателей."
KAZAKH = "Сайлау учаскесінде бюллетеньдер қорабы мөрсіз тұрды; бақылаушыға көрсетпеді."


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Run]


@pytest.fixture
def run(
    vault_path: Path,
    passphrase: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """`run(*args, stdin=b"...")`: main() on the test vault, stdin a real UTF-8 byte stream."""
    for name in [k for k in os.environ if k.startswith("OBSERVER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OBSERVER_PASSPHRASE", passphrase)

    def call(*args: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        try:
            code = main(["--vault", str(vault_path), "--ui-lang", "en", *args])
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call


@pytest.fixture
def day(run: Cli) -> Cli:
    assert run("station", "add", "--number", "101", "--name", "Школа № 5").code == 0
    return run


def _journal_size(run: Cli) -> int:
    result = run("log", "--json")
    assert result.code == 0, result.err
    return len(result.json())


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_note_text_from_a_file_and_from_stdin(run: Cli, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_bytes(("\ufeff" + RUSSIAN + "\n").encode("utf-8"))  # BOM as Notepad saves
    added = run("note", "add", "--text-file", str(source))
    assert added.code == 0, added.err
    note_id = added.out.splitlines()[0]

    amended = run("note", "amend", note_id, "--text-file", "-", stdin=(KAZAKH + "\n").encode())
    assert amended.code == 0, amended.err
    voided = run("note", "void", note_id, "--reason-file", "-", stdin="қате".encode())
    assert voided.code == 0, voided.err

    events = run("log", "--json").json()
    bodies = {e["type"]: e["body"] for e in events}
    assert bodies["note.added"]["text"] == RUSSIAN
    assert bodies["note.amended"] == {"target": note_id, "text": KAZAKH}
    assert bodies["note.voided"]["reason"] == "қате"
    assert any(KAZAKH in e["text"] for e in events)


def test_incident_text_and_witnesses_from_files(day: Cli, tmp_path: Path) -> None:
    witnesses = tmp_path / "witnesses.txt"
    witnesses.write_text("Айгүл Нұрланқызы\n\n  Иван Петров  \r\n", encoding="utf-8")
    added = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "ballot_stuffing",
        "--text-file",
        "-",
        "--witness-file",
        str(witnesses),
        "--person",
        "Член УИК № 3",
        stdin=(KAZAKH + "\r\n").encode(),
    )
    assert added.code == 0, added.err
    incident_id = added.out.splitlines()[0]
    shown = day("incident", "show", incident_id, "--json").json()
    assert shown["text"] == KAZAKH
    assert shown["witnesses"] == ["Айгүл Нұрланқызы", "Иван Петров"]
    assert shown["persons"] == ["Член УИК № 3"]

    new_text = tmp_path / "amended.txt"
    new_text.write_text(RUSSIAN, encoding="utf-8")
    amended = day(
        "incident",
        "amend",
        incident_id,
        "--text-file",
        str(new_text),
        "--reason-file",
        "-",
        stdin="уточнение".encode(),
    )
    assert amended.code == 0, amended.err
    shown = day("incident", "show", incident_id, "--json").json()
    assert shown["text"] == RUSSIAN
    [amend_event] = [e for e in day("log", "--json").json() if e["type"] == "incident.amended"]
    assert amend_event["body"]["reason"] == "уточнение"
    assert RUSSIAN in day("incident", "show", incident_id).out


def test_checklist_note_from_stdin(day: Cli) -> None:
    answered = day(
        "checklist",
        "answer",
        "--station",
        "101",
        "--item",
        "OPN02",
        "--value",
        "no",
        "--note-file",
        "-",
        stdin=(RUSSIAN + "\n").encode(),
    )
    assert answered.code == 0, answered.err
    answers = day("checklist", "show", "--station", "101", "--json").json()["answers"]
    [line] = [a for a in answers if a["item"] == "OPN02"]
    assert line["note"] == RUSSIAN


@pytest.mark.parametrize(
    "args",
    [
        ("note", "add", "typed", "--text-file", "-"),
        ("note", "amend", "0190", "--text", "typed", "--text-file", "-"),
        ("incident", "add", "--station", "101", "--category", "ballot_stuffing", "--text", "x",
         "--text-file", "-"),
        ("incident", "add", "--station", "101", "--category", "ballot_stuffing", "--text", "x",
         "--witness", "Иван", "--witness-file", "-"),
        ("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "no",
         "--note", "x", "--note-file", "-"),
    ],
)  # fmt: skip
def test_both_forms_at_once_is_a_usage_error(day: Cli, args: tuple[str, ...]) -> None:
    before = _journal_size(day)
    result = day(*args, stdin=KAZAKH.encode())
    assert result.code == 2
    assert "not allowed with" in result.err
    assert _journal_size(day) == before


def test_only_one_option_may_read_stdin(day: Cli) -> None:
    before = _journal_size(day)
    result = day(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "ballot_stuffing",
        "--text-file",
        "-",
        "--witness-file",
        "-",
        stdin=KAZAKH.encode(),
    )
    assert result.code == 2
    assert "standard input" in _one_line(result.err)
    assert _journal_size(day) == before


def test_neither_form_is_a_usage_error_where_text_is_required(day: Cli) -> None:
    assert day("note", "add").code == 2
    assert day("incident", "add", "--station", "101", "--category", "ballot_stuffing").code == 2


def test_missing_file_exits_4_naming_the_path_and_records_nothing(day: Cli, tmp_path: Path) -> None:
    before = _journal_size(day)
    missing = tmp_path / "нет-такого.txt"
    for args in (
        ("note", "add", "--text-file", str(missing)),
        ("incident", "add", "--station", "101", "--category", "ballot_stuffing", "--text", "x",
         "--witness-file", str(missing)),
        ("checklist", "answer", "--station", "101", "--item", "OPN02", "--value", "no",
         "--note-file", str(missing)),
        ("note", "add", "--text-file", str(tmp_path)),  # a folder is not readable text
    ):  # fmt: skip
        result = day(*args)
        assert result.code == 4, result.err
        line = _one_line(result.err)
        assert str(args[-1]) in line and "cannot read" in line
    assert _journal_size(day) == before


def test_missing_file_is_reported_before_the_vault_is_opened(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong passphrase would be exit 3: the file is checked first, so nothing is stretched."""
    monkeypatch.setenv("OBSERVER_PASSPHRASE", "wrong passphrase")
    assert run("log").code == 3
    result = run("note", "add", "--text-file", str(tmp_path / "missing.txt"))
    assert result.code == 4


def test_oversize_text_is_refused_and_nothing_recorded(day: Cli, tmp_path: Path) -> None:
    before = _journal_size(day)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    result = day("note", "add", "--text-file", str(big))
    assert result.code == 4
    assert "larger than 1 MiB" in _one_line(result.err) and str(big) in result.err
    from_stdin = day("note", "add", "--text-file", "-", stdin="ж".encode() * MAX_TEXT_BYTES)
    assert from_stdin.code == 4
    assert "standard input is larger than 1 MiB" in _one_line(from_stdin.err)
    assert _journal_size(day) == before


def test_invalid_utf8_is_refused_and_nothing_recorded(day: Cli, tmp_path: Path) -> None:
    before = _journal_size(day)
    cp1251 = tmp_path / "cp1251.txt"
    cp1251.write_bytes(RUSSIAN.encode("cp1251"))
    result = day("note", "add", "--text-file", str(cp1251))
    assert result.code == 4
    line = _one_line(result.err)
    assert "not UTF-8" in line and str(cp1251) in line and "offset 0" in line
    assert RUSSIAN not in result.err
    assert _journal_size(day) == before


def test_reader_strips_one_newline_and_the_bom_only(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffбір\n\n".encode())
    assert read_text_file(str(path), None) == "бір\n"
    path.write_bytes("екі\r\n".encode())
    assert read_text_file(str(path), None) == "екі"
    path.write_bytes(b"x" * MAX_TEXT_BYTES)  # exactly at the limit is fine
    assert len(read_text_file(str(path), None)) == MAX_TEXT_BYTES
    stream = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + KAZAKH.encode()), encoding="utf-8")
    assert read_text_file("-", stream) == KAZAKH
    with pytest.raises(UserActionError):
        read_text_file(str(tmp_path / "absent"), None)


def test_stdin_through_a_real_pipe(cli_vault: Any) -> None:
    """The whole program in a subprocess, the text piped in exactly as a shell would."""
    command = [
        sys.executable,
        "-m",
        "observer_app.cli.main",
        "--vault",
        str(cli_vault.vault),
        "--passphrase-file",
        str(cli_vault.passphrase_file),
        "--ui-lang",
        "en",
        "note",
        "add",
        "--text-file",
        "-",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
    proc = subprocess.run(
        command, input=(KAZAKH + "\n").encode(), capture_output=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert KAZAKH.encode() not in b" ".join(c.encode() for c in command)
    [event] = [
        e for e in cli_vault("log", "--json", check=True).json() if e["type"] == "note.added"
    ]
    assert event["body"]["text"] == KAZAKH
