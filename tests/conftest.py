"""Shared fixtures: cheap real vaults (weak KDF, stored per vault) and a CLI runner.

Everything is real: SQLCipher, signatures, subprocesses. Vaults live in pytest's tmp_path, never
in the user's home.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def config_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform config folder (where the list of known vaults goes) is a temp folder, for
    this process and the CLI subprocesses it starts: tests never write to the user's home."""
    folder = tmp_path_factory.mktemp("config-home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    init_vault(
        path,
        PASSPHRASE,
        NewIdentity(name="Айгерим Сапарова", accreditation="KZ-77"),
        KdfParams.for_tests(),
    )
    return path


@pytest.fixture
def session(vault_path: Path) -> Iterator[LogbookSession]:
    s = LogbookSession(open_vault(vault_path, PASSPHRASE))
    yield s
    s.close()


@pytest.fixture
def make_session(tmp_path: Path) -> Iterator[Callable[..., LogbookSession]]:
    """Make further vaults (e.g. a coordinator and several observers) in one test."""
    opened: list[LogbookSession] = []

    def factory(
        name: str = "Observer",
        role: str = "observer",
        folder: str | None = None,
        accreditation: str | None = None,
    ) -> LogbookSession:
        path = tmp_path / (folder or f"vault-{len(opened)}")
        init_vault(
            path,
            PASSPHRASE,
            NewIdentity(name=name, role=role, accreditation=accreditation),
            KdfParams.for_tests(),
        )
        s = LogbookSession(open_vault(path, PASSPHRASE))
        opened.append(s)
        return s

    yield factory
    for s in opened:
        s.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Cli:
    """Runs `observer-cli` as a real subprocess against one vault."""

    vault: Path
    passphrase_file: Path
    lang: str = "en"

    def __call__(
        self,
        *args: str,
        check: bool = False,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> CliResult:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
        full_env.update(env or {})
        command = [
            sys.executable,
            "-m",
            "observer_app.cli.main",
            "--vault",
            str(self.vault),
            "--passphrase-file",
            str(self.passphrase_file),
            "--ui-lang",
            self.lang,
            *args,
        ]
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        result = CliResult(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A CLI bound to a vault not yet created: call `cli("init", "--name", ...)`."""
    pw = tmp_path / "passphrase.txt"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return Cli(vault=tmp_path / "cli-vault", passphrase_file=pw)


@pytest.fixture
def cli_vault(cli: Cli) -> Cli:
    """A CLI bound to an initialised (cheap) vault."""
    cli(
        "init",
        "--name",
        "Данияр Ахметов",
        "--accreditation",
        "KZ-101",
        "--kdf-profile",
        "test",
        check=True,
    )
    return cli
