"""Creating and opening vaults: permissions, atomic create, precise refusals that change nothing."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from observer_app.errors import UserActionError, VaultOpenError
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams, read_header
from observer_app.vault.store import change_passphrase, open_vault


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_vault_folder_is_private(vault_path: Path) -> None:
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o700
    for entry in vault_path.rglob("*"):
        expected = 0o700 if entry.is_dir() else 0o600
        assert stat.S_IMODE(entry.stat().st_mode) == expected, entry


def test_nothing_outside_the_database_names_the_person(vault_path: Path) -> None:
    for entry in vault_path.rglob("*"):
        assert "Айгерим" not in entry.name
        if entry.is_file():
            data = entry.read_bytes()
            for secret in ("Айгерим".encode(), b"KZ-77", "Сапарова".encode()):
                assert secret not in data, entry


def test_header_holds_only_kdf_parameters(vault_path: Path) -> None:
    document = json.loads((vault_path / "vault.json").read_text())
    assert set(document) == {"format", "version", "kdf", "key_checks"}
    assert document["kdf"]["name"] == "argon2id"


def test_default_work_factor_is_strong() -> None:
    strong = KdfParams.strong()
    assert strong.memory_kib >= 64 * 1024 and strong.iterations >= 3 and len(strong.salt) == 16


def test_wrong_passphrase_changes_nothing(vault_path: Path) -> None:
    before = tree_digest(vault_path)
    with pytest.raises(VaultOpenError, match="wrong passphrase"):
        open_vault(vault_path, "not the passphrase")
    assert tree_digest(vault_path) == before


def test_open_never_creates(tmp_path: Path, passphrase: str) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(VaultOpenError, match="no vault"):
        open_vault(missing, passphrase)
    assert not missing.exists()


def test_folder_that_is_not_a_vault(tmp_path: Path, passphrase: str) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.jpg").write_bytes(b"\xff\xd8 not a vault")
    before = tree_digest(folder)
    with pytest.raises(VaultOpenError, match="not an Observer Logbook vault"):
        open_vault(folder, passphrase)
    assert tree_digest(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["holiday.jpg"]


def test_truncated_database_is_damaged(vault_path: Path, passphrase: str) -> None:
    db = vault_path / "vault.db"
    db.write_bytes(db.read_bytes()[:5000])
    before = tree_digest(vault_path)
    with pytest.raises(VaultOpenError, match="damaged"):
        open_vault(vault_path, passphrase)
    assert tree_digest(vault_path) == before


def test_damaged_first_page_is_not_called_a_wrong_passphrase(
    vault_path: Path, passphrase: str
) -> None:
    db = vault_path / "vault.db"
    data = bytearray(db.read_bytes())
    data[100:140] = bytes(40)
    db.write_bytes(bytes(data))
    before = tree_digest(vault_path)
    names = sorted(p.name for p in vault_path.iterdir())
    with pytest.raises(VaultOpenError, match="damaged"):
        open_vault(vault_path, passphrase)
    assert tree_digest(vault_path) == before
    assert sorted(p.name for p in vault_path.iterdir()) == names


def test_damaged_header_is_reported(vault_path: Path, passphrase: str) -> None:
    (vault_path / "vault.json").write_text("{ not json")
    with pytest.raises(VaultOpenError, match="damaged"):
        open_vault(vault_path, passphrase)


def test_newer_header_is_refused(vault_path: Path, passphrase: str) -> None:
    header = json.loads((vault_path / "vault.json").read_text())
    header["version"] = 99
    (vault_path / "vault.json").write_text(json.dumps(header))
    with pytest.raises(VaultOpenError, match="newer version"):
        open_vault(vault_path, passphrase)


def test_create_refuses_a_non_empty_target(tmp_path: Path, passphrase: str) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(UserActionError, match="not empty"):
        init_vault(target, passphrase, NewIdentity(name="X"), KdfParams.for_tests())
    assert (target / "keep.txt").read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["busy"]


def test_failed_create_leaves_no_half_vault(tmp_path: Path, passphrase: str) -> None:
    target = tmp_path / "vault"
    with pytest.raises(Exception, match="role"):
        init_vault(target, passphrase, NewIdentity(name="X", role="spy"), KdfParams.for_tests())
    assert list(tmp_path.iterdir()) == []


def test_passphrase_change_keeps_records_and_retires_the_old_one(
    session: LogbookSession, vault_path: Path, passphrase: str
) -> None:
    from observer_app.logbook.notes import add_note

    note = add_note(session, "Урна опечатана в 07:00")
    salt = read_header(vault_path).kdf.salt
    change_passphrase(session.vault, "new passphrase ұ")
    session.close()
    with pytest.raises(VaultOpenError, match="wrong passphrase"):
        open_vault(vault_path, passphrase)
    reopened = open_vault(vault_path, "new passphrase ұ")
    try:
        texts = [
            r[0] for r in reopened.conn.execute("SELECT text FROM notes WHERE id = ?", (note,))
        ]
        assert texts == ["Урна опечатана в 07:00"]
        assert read_header(vault_path).kdf.salt == salt
        assert len(read_header(vault_path).key_checks) == 1
    finally:
        reopened.close()


def test_database_pragmas(session: LogbookSession) -> None:
    conn = session.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] in (1, "1")


def test_database_file_is_encrypted(vault_path: Path) -> None:
    data = (vault_path / "vault.db").read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert b"identity.declared" not in data
    assert os.path.getsize(vault_path / "vault.db") % 4096 == 0


def test_create_interrupted_while_populating_leaves_nothing(
    tmp_path: Path, passphrase: str
) -> None:
    from observer_app.vault.store import create_vault

    def populate(_conn: object) -> None:
        raise RuntimeError("power cut while writing the identity")

    with pytest.raises(RuntimeError, match="power cut"):
        create_vault(tmp_path / "vault", passphrase, KdfParams.for_tests(), populate)
    assert list(tmp_path.iterdir()) == []
