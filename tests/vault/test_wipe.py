"""Emergency wipe (issue 16, the CLI half): after it, no copy of the passphrase opens anything
and no file of the vault remains readable; it needs no passphrase, refuses a folder that is not
a vault, leaves the list of known vaults, and asks for a typed word at a terminal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from observer_app.cli.context import CliContext
from observer_app.cli.main import build_parser
from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.errors import ObserverError, UserActionError, VaultOpenError
from observer_app.i18n import set_language
from observer_app.logbook import known_vaults, media, notes, stations
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.wipe import records_waiting, wipe, wipe_open_vault
from observer_app.vault.store import open_vault
from tests.conftest import PASSPHRASE, Cli

PHOTO = Path(__file__).parent.parent / "data" / "media" / "gps_DSCN0010.jpg"
SECRET = "Председатель вынес пачку бюллетеней"


def _hard_links(vault: Path, keep: Path) -> dict[str, Path]:
    """Second names for every file of the vault, made before the wipe: what a forensic copy of
    the disk's blocks would still find if the wipe only unlinked files."""
    links = {}
    for number, file in enumerate(sorted(p for p in vault.rglob("*") if p.is_file())):
        link = keep / f"{number}-{file.name}"
        os.link(file, link)
        links[str(file.relative_to(vault))] = link
    return links


def test_after_a_wipe_nothing_opens_and_no_file_is_readable(
    session: LogbookSession, vault_path: Path, tmp_path: Path
) -> None:
    notes.add_note(session, SECRET)
    stations.add_station(session, load_catalogue(), "101", "Школа")
    media.import_file(session, PHOTO, media.Link("station", "101"), ConsentState.NO_PERSON)
    known_vaults.remember_vault(vault_path, "ru")
    assert records_waiting(session) > 0
    keep = tmp_path / "links"
    keep.mkdir()
    links = _hard_links(vault_path, keep)
    before = {name: link.read_bytes() for name, link in links.items()}
    assert b'"salt"' in before["vault.json"]

    outcome = wipe_open_vault(session)

    assert not vault_path.exists() and outcome.forgotten
    assert all(entry.path != vault_path for entry in known_vaults.list_known_vaults())
    with pytest.raises(VaultOpenError):
        open_vault(vault_path, PASSPHRASE)
    # The header (salt) and the database were overwritten in place, not only unlinked.
    salt = json.loads(before["vault.json"])["kdf"]["salt"]
    for name in ("vault.json", "vault.db"):
        after = links[name].read_bytes()
        assert after and after[:4096] != before[name][:4096]
        assert salt.encode() not in after and b'"salt"' not in after
    # A folder rebuilt from those copies opens with no copy of the passphrase.
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    for name, link in links.items():
        target = rebuilt / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(link.read_bytes())
    with pytest.raises(VaultOpenError):
        open_vault(rebuilt, PASSPHRASE)
    photo = PHOTO.read_bytes()[1024:5120]
    for link in links.values():  # the blobs were encrypted, their keys went with the database
        assert SECRET.encode() not in link.read_bytes() and photo not in link.read_bytes()


def test_a_folder_that_is_not_a_vault_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UserActionError):
        wipe(folder)
    assert (folder / "letter.txt").read_text(encoding="utf-8") == "keep me"


def _in_process(cli: Cli, argv: list[str], answer: str | None) -> int:
    args = build_parser().parse_args(["--vault", str(cli.vault), "--ui-lang", cli.lang, *argv])
    ctx = CliContext(args, is_interactive=lambda: answer is not None, ask=lambda _p: answer or "")
    set_language(cli.lang)  # what main() does with --ui-lang
    try:
        return int(args.handler(ctx))
    except ObserverError as error:
        return error.exit_code
    finally:
        ctx.close()
        set_language("en")


def test_cli_wipe_asks_for_the_typed_word_and_needs_no_passphrase(cli_vault: Cli) -> None:
    cli_vault.lang = "ru"
    refused = cli_vault("wipe")  # no terminal, no --confirm: a usage error, nothing done
    assert refused.code == 2 and "--confirm" in refused.err
    assert cli_vault.vault.is_dir()
    assert _in_process(cli_vault, ["wipe"], answer="да") == 4  # a yes is not the word
    assert cli_vault.vault.is_dir()
    assert _in_process(cli_vault, ["wipe"], answer="уничтожить") == 0
    assert not cli_vault.vault.exists()


def test_cli_wipe_confirm_warns_of_records_waiting_for_handoff(cli_vault: Cli) -> None:
    cli_vault("note", "add", SECRET, check=True)
    cli_vault.lang = "kk"
    result = cli_vault("wipe", "--confirm", "--json", check=True)
    assert result.json()["files_removed"] >= 2
    assert "ескерту" in result.err  # the holder's records had not been handed over
    assert not cli_vault.vault.exists()
    assert cli_vault("log").code == 3  # nothing opens any more
