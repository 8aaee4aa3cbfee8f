"""A schema-1 vault (notes only) gains the record tables and its notes become searchable."""

from __future__ import annotations

import shutil
from pathlib import Path

from observer_app.logbook.search import search
from observer_app.logbook.session import LogbookSession
from observer_app.vault.migrations import schema_version
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "vaults" / "schema1"


def test_schema_one_vault_is_upgraded_and_its_notes_indexed(tmp_path: Path) -> None:
    copy = tmp_path / "old"
    shutil.copytree(FIXTURE, copy)
    session = LogbookSession(open_vault(copy, "fixture passphrase"))
    try:
        assert schema_version(session.conn) >= 2
        [hit] = search(session, "ОПЕЧАТАНА")
        assert hit.kind == "note" and "[опечатана]" in hit.snippet
        assert verify_journal(session.conn).ok
    finally:
        session.close()
