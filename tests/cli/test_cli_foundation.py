"""The command line as a user meets it: real subprocesses, contract exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from observer_app import __version__

FINGERPRINT = re.compile(r"^([0-9A-F]{4} ){15}[0-9A-F]{4}$")


def test_versions() -> None:
    for module in ("observer_app.cli.main", "observer_app"):
        proc = subprocess.run(
            [sys.executable, "-m", module, "--version"], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0
        assert __version__ in proc.stdout


def test_init_and_whoami(cli) -> None:  # type: ignore[no-untyped-def]
    created = cli(
        "init", "--name", "Данияр Ахметов", "--accreditation", "KZ-101", "--kdf-profile", "test"
    )
    assert created.code == 0, created.err
    assert "fingerprint" in created.out.lower()
    who = cli("whoami", "--json")
    assert who.code == 0
    info = who.json()
    assert info["name"] == "Данияр Ахметов"
    assert info["role"] == "observer"
    assert info["accreditation"] == "KZ-101"
    assert FINGERPRINT.match(info["fingerprint"])
    assert info["fingerprint_short"] == " ".join(info["fingerprint"].split()[:8])
    assert info["feed"] == info["fingerprint"].replace(" ", "").lower()
    assert info["age_recipient"].startswith("age1")
    assert info["feed_head"]["seq"] == 1 and len(info["feed_head"]["hash"]) == 64


def test_default_init_uses_the_strong_work_factor(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--name", "Strong").code == 0
    header = json.loads((cli.vault / "vault.json").read_text())
    assert header["kdf"]["memory_kib"] >= 65536 and header["kdf"]["iterations"] >= 3


def test_coordinator_vault_has_an_organisation_ca(cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        cli(
            "init",
            "--name",
            "Coordinator",
            "--role",
            "coordinator",
            "--organisation",
            "Адал сайлау",
            "--kdf-profile",
            "test",
        ).code
        == 0
    )
    info = cli("whoami", "--json").json()
    assert info["role"] == "coordinator"
    assert "Адал сайлау" in info["certificate_issuer"]


def test_wrong_passphrase_exit_3_one_line(cli_vault, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n")
    result = cli_vault.__class__(cli_vault.vault, wrong)("whoami")
    assert result.code == 3
    assert result.err.strip() == "error: wrong passphrase"


def test_not_a_vault_exit_3(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli.vault.mkdir()
    result = cli("whoami")
    assert result.code == 3 and "not an Observer Logbook vault" in result.err
    assert "Traceback" not in result.err


def test_no_passphrase_without_a_terminal_is_a_usage_error(cli_vault) -> None:  # type: ignore[no-untyped-def]
    command = [
        sys.executable,
        "-m",
        "observer_app.cli.main",
        "--vault",
        str(cli_vault.vault),
        "whoami",
    ]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert "passphrase" in proc.stderr


def test_passphrase_from_environment(cli_vault) -> None:  # type: ignore[no-untyped-def]
    command = [sys.executable, "-m", "observer_app.cli.main", "whoami"]
    env = {
        "PATH": "/usr/bin:/bin",
        "OBSERVER_VAULT": str(cli_vault.vault),
        "OBSERVER_PASSPHRASE": cli_vault.passphrase_file.read_text().strip(),
    }
    proc = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 0, proc.stderr


def test_usage_error_exit_2(cli_vault) -> None:  # type: ignore[no-untyped-def]
    assert cli_vault("no-such-command").code == 2
    assert cli_vault("init").code == 2


def test_notes_log_and_verify(cli_vault) -> None:  # type: ignore[no-untyped-def]
    added = cli_vault("note", "add", "Наблюдатель не допущен к подсчёту")
    assert added.code == 0
    note_id = added.out.splitlines()[0]
    assert (
        cli_vault("note", "amend", note_id[:8], "--text", "Наблюдатель допущен в 20:10").code == 0
    )
    assert cli_vault("note", "void", note_id[:10], "--reason", "ошибка").code == 0
    assert cli_vault("note", "void", "0000", "--reason", "x").code == 2  # prefix too short
    log = cli_vault("log", "--json").json()
    assert [entry["type"] for entry in log] == [
        "identity.declared",
        "note.added",
        "note.amended",
        "note.voided",
    ]
    assert all(entry["local_time"].endswith("+05:00") for entry in log)
    plain = cli_vault("log")
    assert "Наблюдатель допущен в 20:10" in plain.out
    verified = cli_vault("journal", "verify", "--json")
    assert verified.code == 0 and verified.json()["valid"] is True
    assert verified.json()["events"] == 4


def test_journal_verify_exit_1_names_the_bad_event(cli_vault, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    from observer_app.vault.store import open_vault

    for text in ("one", "two", "three"):
        cli_vault("note", "add", text, check=True)
    vault = open_vault(cli_vault.vault, passphrase)
    vault.conn.execute("DELETE FROM events WHERE seq = 3")
    vault.close()
    result = cli_vault("journal", "verify")
    assert result.code == 1
    assert "seq 4" in result.out and "missing seq 3..3" in result.out


def test_passwd_through_the_cli(cli_vault, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new = tmp_path / "new.txt"
    new.write_text("новый пароль\n", encoding="utf-8")
    assert cli_vault("passwd", "--new-passphrase-file", str(new)).code == 0
    assert cli_vault("whoami").code == 3
    assert cli_vault.__class__(cli_vault.vault, new)("whoami").code == 0


def test_russian_and_kazakh_messages(cli_vault, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n")
    for lang in ("ru", "kk"):
        result = cli_vault.__class__(cli_vault.vault, wrong, lang)("whoami")
        assert result.code == 3
        assert "wrong passphrase" not in result.err
        assert re.search("[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ]", result.err)


def test_demo_creates_an_explorable_vault(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "observer_app.cli.main",
            "demo",
            "--out",
            str(out),
            "--kdf-profile",
            "test",
        ],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    passphrase = re.search(r"Passphrase: (\S+)", proc.stdout)
    assert passphrase and str(out) in proc.stdout
    pw = tmp_path / "pw"
    pw.write_text(passphrase.group(1))
    verify = subprocess.run(
        [
            sys.executable,
            "-m",
            "observer_app.cli.main",
            "--vault",
            str(out),
            "--passphrase-file",
            str(pw),
            "journal",
            "verify",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    shutil.rmtree(out)


def test_the_cli_forbids_core_dumps(tmp_path: Path) -> None:
    """A crash dump would put keys and decrypted text on disk outside the vault."""
    script = (
        "import resource\n"
        "from observer_app.cli.main import main\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_CORE)\n"
        "wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard\n"
        "resource.setrlimit(resource.RLIMIT_CORE, (wanted, hard))\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE)[0])\n"
        f"main(['--vault', {str(tmp_path / 'none')!r}, 'whoami'])\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE)[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    before, after = result.stdout.split()
    assert int(before) > 0  # dumps were allowed when the CLI started
    assert int(after) == 0


def _stdout_env(unbuffered: bool) -> dict[str, str]:
    """The environment without PYTHONUNBUFFERED (a fresh machine), or with it (a dev shell)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_a_reader_that_goes_away_is_not_an_internal_error(cli_vault, unbuffered: bool) -> None:  # type: ignore[no-untyped-def]
    """`observer-cli log | head -1`: the closed pipe ends the command quietly (141, as a shell
    reports SIGPIPE), not with "internal error" and a fault record. Buffered (the default for a
    pipe) the output is still in the buffer when the command returns: without the flush in
    main this was "Exception ignored ... BrokenPipeError" and exit 120."""
    command = ["--vault", str(cli_vault.vault), "--passphrase-file", str(cli_vault.passphrase_file)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "observer_app.cli.main", *command, "log"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env=_stdout_env(unbuffered),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    error = proc.stderr.read()
    assert proc.wait() == 141
    assert error == b""


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_output_to_a_full_disk_is_an_actionable_error(cli_vault, unbuffered: bool) -> None:  # type: ignore[no-untyped-def]
    """`observer-cli log > /dev/full`: one line saying the output could not be written, exit 4
    (was exit 120 and "Exception ignored" when buffered, an internal error when not)."""
    command = ["--vault", str(cli_vault.vault), "--passphrase-file", str(cli_vault.passphrase_file)]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "observer_app.cli.main", *command, "log"],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
            env=_stdout_env(unbuffered),
            check=False,
        )
    assert proc.returncode == 4
    # Unbuffered, the first write fails inside the command (the disk-full message of every
    # command); buffered, only the final flush does.
    expected = (
        "error: the disk is full; nothing was changed by this command"
        if unbuffered
        else "error: cannot write the output: no space left on the disk"
    )
    assert proc.stderr.decode() == expected + "\n"
