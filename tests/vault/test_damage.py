"""A database damaged after its first page is exit 3 with advice, not an internal fault (70).

SQLCipher checks each page's HMAC when the page is read, so damage in the middle or at the end
of `vault.db` shows only when a command reads there: `journal verify` reads every page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from observer_app.logbook.notes import add_note
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import DB_NAME, PAGE_SIZE, open_vault
from tests.conftest import Cli


@pytest.fixture
def full_vault(cli_vault: Cli, passphrase: str) -> Cli:
    """A closed vault of a few hundred pages: notes long enough to fill many."""
    session = LogbookSession(open_vault(cli_vault.vault, passphrase))
    try:
        for index in range(40):
            add_note(session, f"наблюдение {index} " + "x" * 3000)
    finally:
        session.close()
    return cli_vault


def damage_page(vault: Path, which: str) -> None:
    path = vault / DB_NAME
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE_SIZE
    assert pages > 100
    page = {"first": 0, "middle": pages // 2, "last": pages - 1}[which]
    offset = page * PAGE_SIZE + 1000
    data[offset : offset + 16] = bytes(16)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("which", ["middle", "last"])
def test_journal_verify_finds_damage_anywhere_and_says_what_to_do(
    full_vault: Cli, which: str
) -> None:
    assert full_vault("journal", "verify").code == 0
    damage_page(full_vault.vault, which)
    result = full_vault("journal", "verify")
    assert result.code == 3, result.err
    assert "is damaged" in result.err and "do not write to it" in result.err
    assert "backup" in result.err and "internal error" not in result.err


def test_a_read_that_hits_a_damaged_page_is_exit_3(full_vault: Cli) -> None:
    # The middle half of the file: `log` reads every event, and the signed payloads (each
    # note's text) fill most pages, so it meets damage there whatever page a migration moved
    # (one damaged middle page missed the events once the layout shifted by a few pages).
    path = full_vault.vault / DB_NAME
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE_SIZE
    for page in range(pages // 4, 3 * pages // 4):
        offset = page * PAGE_SIZE + 1000
        data[offset : offset + 16] = bytes(16)
    path.write_bytes(bytes(data))
    result = full_vault("log")
    assert result.code == 3, (result.code, result.err)
    assert "is damaged" in result.err and "do not write" in result.err


def test_damaged_first_page_is_damage_but_a_wrong_passphrase_stays_one(
    full_vault: Cli, tmp_path: Path
) -> None:
    damage_page(full_vault.vault, "first")
    result = full_vault("whoami")
    assert result.code == 3 and "is damaged" in result.err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    other = Cli(vault=full_vault.vault, passphrase_file=wrong)("whoami")
    assert other.code == 3 and "wrong passphrase" in other.err and "damaged" not in other.err
