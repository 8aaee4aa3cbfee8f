"""The list of known vaults: the one file kept outside any vault (paths and languages only)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from observer_app.errors import UserActionError
from observer_app.logbook import known_vaults
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import update_settings
from observer_app.vault.store import open_vault
from tests.conftest import Cli

OBSERVATION = "Председатель УИК вынес урну из зала"


def _file(config_home: Path) -> Path:
    return config_home / known_vaults.APP_NAME / known_vaults.FILE_NAME


def test_remember_list_forget_clear(config_home: Path, tmp_path: Path) -> None:
    assert known_vaults.known_vaults_file() == _file(config_home)  # XDG_CONFIG_HOME honoured
    assert known_vaults.list_known_vaults() == []
    first, second = tmp_path / "a", tmp_path / "b"
    known_vaults.remember_vault(first, "ru")
    known_vaults.remember_vault(second, None)
    known_vaults.remember_vault(tmp_path / "x" / ".." / "a", "kk")  # the same folder, reopened
    assert known_vaults.list_known_vaults() == [
        known_vaults.KnownVault(first, "kk"),
        known_vaults.KnownVault(second, None),
    ]
    assert known_vaults.unlock_language(first) == "kk"
    assert known_vaults.unlock_language(tmp_path / "never") is None

    folder = _file(config_home).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(_file(config_home).stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [known_vaults.FILE_NAME]  # no temp left

    assert known_vaults.forget_vault(first) is True
    assert known_vaults.forget_vault(first) is False
    assert known_vaults.list_known_vaults() == [known_vaults.KnownVault(second, None)]
    assert known_vaults.clear_known_vaults() is True
    assert not _file(config_home).exists()
    assert known_vaults.clear_known_vaults() is False


def test_the_list_is_bounded(tmp_path: Path) -> None:
    for index in range(known_vaults.MAX_VAULTS + 5):
        known_vaults.remember_vault(tmp_path / f"v{index}", None)
    listed = known_vaults.list_known_vaults()
    assert len(listed) == known_vaults.MAX_VAULTS
    assert listed[0].path == tmp_path / f"v{known_vaults.MAX_VAULTS + 4}"  # newest kept


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"format": "observer-logbook-known-vaults", "version": 2, "vaults": []}',
        b'{"format": "observer-logbook-known-vaults", "version": 1,'
        b' "vaults": [{"path": 7, "ui_language": null}]}',
        b'{"format": "observer-logbook-known-vaults", "version": 1,'
        b' "vaults": [{"path": "/v", "ui_language": "xx"}]}',
        b" " * (known_vaults.MAX_FILE_BYTES + 1),
    ],
)
def test_a_damaged_list_is_reported_and_never_overwritten(
    config_home: Path, tmp_path: Path, content: bytes
) -> None:
    file = _file(config_home)
    file.parent.mkdir(mode=0o700)
    file.write_bytes(content)
    with pytest.raises(UserActionError, match="is damaged; 'observer-cli vaults clear'"):
        known_vaults.list_known_vaults()
    with pytest.raises(UserActionError):
        known_vaults.remember_vault(tmp_path / "v", "ru")
    assert known_vaults.unlock_language(tmp_path / "v") is None
    assert file.read_bytes() == content
    assert known_vaults.clear_known_vaults() is True


def test_the_cli_remembers_the_vaults_it_opens_and_nothing_else(
    cli_vault: Cli, config_home: Path
) -> None:
    assert cli_vault("vaults", "list", "--json", check=True).json() == []  # `init` opens none
    cli_vault("note", "add", OBSERVATION, check=True)
    assert cli_vault("vaults", "list", "--json", check=True).json() == [
        {"path": str(cli_vault.vault), "ui_language": None}
    ]
    text = _file(config_home).read_text(encoding="utf-8")
    assert OBSERVATION not in text and "Данияр" not in text  # neither observations nor names
    assert set(json.loads(text)) == {"format", "version", "vaults"}

    wrong = cli_vault.passphrase_file.with_name("wrong.txt")
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    other = Cli(vault=cli_vault.vault.with_name("elsewhere"), passphrase_file=wrong)
    assert other("whoami").code == 3  # a vault that did not open is not remembered
    assert len(cli_vault("vaults", "list", "--json", check=True).json()) == 1

    forgot = cli_vault("vaults", "forget", check=True)  # default: the --vault folder
    assert "Forgot" in forgot.out
    assert cli_vault("vaults", "list", check=True).out.strip() == (
        "No vaults are remembered on this computer."
    )
    cli_vault("whoami", check=True)
    assert cli_vault("vaults", "clear", check=True).code == 0
    assert not _file(config_home).exists()


def test_cli_reports_a_damaged_list_but_still_runs_commands(
    cli_vault: Cli, config_home: Path
) -> None:
    file = _file(config_home)
    file.parent.mkdir(mode=0o700)
    file.write_bytes(b"{damaged")
    listed = cli_vault("vaults", "list")
    assert listed.code == 4
    assert listed.err.count("\n") == 1 and "vaults clear" in listed.err
    assert cli_vault("whoami").code == 0  # the list is a convenience: the command works
    assert file.read_bytes() == b"{damaged"


def _cli_without_language(
    cli: Cli, *args: str, passphrase_file: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
    env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    command = [sys.executable, "-m", "observer_app.cli.main", "--vault", str(cli.vault)]
    command += ["--passphrase-file", str(passphrase_file), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120
    )


def test_without_ui_lang_the_cli_speaks_the_vaults_language(
    cli_vault: Cli, passphrase: str
) -> None:
    assert (
        "Name: "
        in _cli_without_language(
            cli_vault, "whoami", passphrase_file=cli_vault.passphrase_file
        ).stdout
    )
    session = LogbookSession(open_vault(cli_vault.vault, passphrase))
    try:
        update_settings(session, ui_language="ru")
    finally:
        session.close()
    shown = _cli_without_language(cli_vault, "whoami", passphrase_file=cli_vault.passphrase_file)
    assert shown.returncode == 0 and "Имя: Данияр Ахметов" in shown.stdout
    assert known_vaults.unlock_language(cli_vault.vault) == "ru"

    # Before the vault is open (a wrong passphrase), the remembered language is used.
    wrong = cli_vault.passphrase_file.with_name("wrong.txt")
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    refused = _cli_without_language(cli_vault, "whoami", passphrase_file=wrong)
    assert refused.returncode == 3 and "неверная парольная фраза" in refused.stderr

    # An explicit --ui-lang still wins.
    assert "Name: Данияр Ахметов" in cli_vault("whoami", check=True).out
