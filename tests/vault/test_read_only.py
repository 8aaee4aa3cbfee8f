"""A vault on a read-only medium can be read, and refuses writes with exit 4.

A real read-only bind mount (the tests run as root, who passes every permission check, so
file modes would prove nothing): SQLite's WAL index cannot be created there, which is exactly
what the `immutable` open is for.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from observer_app.logbook.notes import add_note
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import connect_keyed
from observer_app.vault.header import derive_keys, read_header
from observer_app.vault.store import DB_NAME, open_vault
from tests.conftest import Cli

PHOTO = Path(__file__).parent.parent / "data" / "media" / "Canon_40D.jpg"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def source(cli_vault: Cli, passphrase: str) -> Path:
    cli_vault("station", "add", "--number", "101", "--name", "Школа № 12", check=True)
    cli_vault("media", "add", str(PHOTO), "--station", "101", check=True)
    session = LogbookSession(open_vault(cli_vault.vault, passphrase))
    add_note(session, "очередь у входа")
    session.close()
    return cli_vault.vault


def mount_read_only(source: Path, target: Path) -> Iterator[Path]:
    target.mkdir()
    subprocess.run(["mount", "--bind", str(source), str(target)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True)


@pytest.fixture
def read_only(source: Path, tmp_path: Path) -> Iterator[Path]:
    yield from mount_read_only(source, tmp_path / "stick")


@pytest.fixture
def ro_cli(cli_vault: Cli, read_only: Path) -> Cli:
    return Cli(vault=read_only, passphrase_file=cli_vault.passphrase_file)


def test_reads_work_and_change_nothing(ro_cli: Cli, source: Path, tmp_path: Path) -> None:
    before = tree(source)
    assert "очередь у входа" in ro_cli("log", check=True).out
    assert ro_cli("journal", "verify", check=True).code == 0
    assert ro_cli("whoami", "--json", check=True).json()["name"] == "Данияр Ахметов"
    (item,) = ro_cli("media", "list", "--json", check=True).json()
    out = tmp_path / "copy.jpg"
    ro_cli("media", "export", item["id"], "--out", str(out), check=True)
    assert out.read_bytes() == PHOTO.read_bytes()
    assert tree(source) == before


def test_writes_are_refused_with_exit_4_and_lose_nothing(ro_cli: Cli, source: Path) -> None:
    before = tree(source)
    for command in (
        ("note", "add", "новая заметка"),
        ("station", "add", "--number", "102", "--name", "Лицей"),
        ("media", "add", str(PHOTO), "--station", "101"),
    ):
        result = ro_cli(*command)
        assert result.code == 4, (command, result.code, result.err)
        assert "read-only medium" in result.err and "Read-only file system" not in result.err
        assert "internal error" not in result.err
    assert tree(source) == before
    assert "новая заметка" not in ro_cli("log", check=True).out


def test_a_vault_needing_an_upgrade_says_to_copy_it_first(
    source: Path, passphrase: str, tmp_path: Path, cli_vault: Cli
) -> None:
    older = tmp_path / "older"
    shutil.copytree(source, older)
    keys = derive_keys(passphrase, read_header(older).kdf)
    conn = connect_keyed(older / DB_NAME, keys.database_key)
    conn.execute("PRAGMA user_version = 4")  # as a program one schema older left it
    conn.close()
    for mounted in mount_read_only(older, tmp_path / "older-stick"):
        result = Cli(vault=mounted, passphrase_file=cli_vault.passphrase_file)("log")
        assert result.code == 4, result.err
        assert "upgraded" in result.err and "copy the vault folder somewhere writable" in result.err
    conn = connect_keyed(older / DB_NAME, keys.database_key)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4  # nothing was half-upgraded
    conn.close()


def test_a_vault_not_closed_properly_on_a_read_only_medium_is_not_shown_stale(
    source: Path, tmp_path: Path, cli_vault: Cli
) -> None:
    (source / (DB_NAME + "-wal")).write_bytes(b"\0" * 4096)  # frames an immutable open ignores
    for mounted in mount_read_only(source, tmp_path / "wal-stick"):
        result = Cli(vault=mounted, passphrase_file=cli_vault.passphrase_file)("log")
        assert result.code == 4, result.err
        assert "not closed properly" in result.err
