"""Schema versions: an older vault (a real fixture made by schema 1) upgrades; newer is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from observer_app.errors import VaultOpenError
from observer_app.vault import migrations
from observer_app.vault.journal import read_events
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

FIXTURE = Path(__file__).parent.parent / "data" / "vaults" / "schema1"
FIXTURE_PASSPHRASE = "fixture passphrase"


def test_schema_one_vault_is_upgraded_and_keeps_its_journal(tmp_path: Path) -> None:
    copy = tmp_path / "old"
    shutil.copytree(FIXTURE, copy)
    vault = open_vault(copy, FIXTURE_PASSPHRASE)
    try:
        assert migrations.schema_version(vault.conn) == migrations.latest_version()
        events = list(read_events(vault.conn))
        assert [e.type for e in events] == ["identity.declared", "note.added"]
        assert "урна опечатана" in events[1].body["text"]
        assert verify_journal(vault.conn).ok
    finally:
        vault.close()


def test_migrations_are_numbered_without_gaps() -> None:
    loaded = migrations.load_migrations()
    assert [m.version for m in loaded] == list(range(1, len(loaded) + 1))


def test_a_vault_from_a_newer_program_is_refused(vault_path: Path, passphrase: str) -> None:
    vault = open_vault(vault_path, passphrase)
    vault.conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    vault.close()
    with pytest.raises(VaultOpenError, match="newer version"):
        open_vault(vault_path, passphrase)
