"""Bytes that are not UTF-8, as a user's shell or disk can hand them over, through `observer-cli`.

Python decodes such argv bytes, environment values and file names with surrogateescape: the
string holds lone surrogates ("\\udcff" for the byte 0xff), and subprocess turns them back into
the same bytes for the child. Before, each of these reached SQLite or JSON and ended as
"internal error" (exit 70).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, Cli

MEDIA_DIR = Path(__file__).resolve().parents[1] / "data" / "media"
NOT_UTF8 = "\udcff"  # what Python makes of the byte 0xff in argv or a file name


def feed_head(cli: Cli) -> object:
    return cli("whoami", "--json", check=True).json()["feed_head"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("note", "add", f"двери {NOT_UTF8} закрыты"), "TEXT"),
        (("station", "add", "--number", "102", "--name", f"Школа {NOT_UTF8}"), "--name"),
        (("incident", "add", "--station", "101", "--category", NOT_UTF8, "--text", "x"), None),
        (("search", NOT_UTF8), "TEXT"),
    ],
    ids=["note-text", "station-name", "incident-category", "search"],
)
def test_text_arguments_that_are_not_utf8_are_a_usage_error(
    cli_vault: Cli, args: tuple[str, ...], option: str | None
) -> None:
    """Exit 2, one line naming the option (never quoting the text), nothing recorded."""
    cli_vault("station", "add", "--number", "101", "--name", "School", check=True)
    before = feed_head(cli_vault)
    result = cli_vault(*args)
    assert result.code == 2, result.err
    shown = option or "--category"
    assert result.err == (
        f"error: {shown} holds bytes that are not UTF-8 text (check the terminal's or "
        "script's encoding); nothing was recorded\n"
    )
    assert feed_head(cli_vault) == before


def test_a_media_file_whose_name_is_not_utf8_is_imported_under_a_readable_name(
    cli_vault: Cli, tmp_path: Path
) -> None:
    """The name is only metadata: the file is read by its real (bytes) name, stored and shown
    with the undecodable byte replaced by U+FFFD."""
    path = tmp_path / os.fsdecode(b"photo-\xff.jpg")
    shutil.copyfile(MEDIA_DIR / "gps_DSCN0010.jpg", path)
    assert os.fsencode(path.name) == b"photo-\xff.jpg"
    cli_vault("station", "add", "--number", "101", "--name", "School", check=True)

    added = cli_vault("media", "add", str(path), "--station", "101")

    assert added.code == 0, added.err
    assert added.out.rstrip().endswith("photo-\ufffd.jpg")
    (item,) = cli_vault("media", "list", "--json", check=True).json()
    assert item["original_name"] == "photo-\ufffd.jpg"
    assert cli_vault("journal", "verify").code == 0


def test_a_passphrase_file_that_is_not_utf8_is_a_usage_error(cli_vault: Cli) -> None:
    """Exit 2, not 3: no passphrase was given at all (and `init` opens no vault with it), so
    "the vault cannot be opened" would send the user looking for a wrong passphrase."""
    cli_vault.passphrase_file.write_bytes(b"\xff\xfe" + PASSPHRASE.encode())
    result = cli_vault("whoami")
    assert result.code == 2
    assert result.err == (
        f"error: the passphrase file {cli_vault.passphrase_file} is not UTF-8 text; "
        "save it as UTF-8\n"
    )


def test_a_passphrase_variable_that_is_not_utf8_is_a_usage_error(cli_vault: Cli) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
    env["OBSERVER_PASSPHRASE"] = PASSPHRASE + NOT_UTF8
    command = [sys.executable, "-m", "observer_app.cli.main", "--vault", str(cli_vault.vault)]
    result = subprocess.run(
        [*command, "whoami"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "error: OBSERVER_PASSPHRASE is not UTF-8 text\n"


def test_a_written_file_whose_name_is_not_utf8_is_named_legibly_not_a_crash(
    cli_vault: Cli, tmp_path: Path
) -> None:
    """Commands print the paths they wrote; an undecodable one used to end in exit 70
    (UnicodeEncodeError on stdout) after the file was already written."""
    out = tmp_path / f"identity-{NOT_UTF8}.txt"
    result = cli_vault("keys", "export-age-identity", "--out", str(out))
    assert result.code == 0, result.err
    assert os.path.exists(os.fsencode(tmp_path) + b"/identity-\xff.txt")
    # Shown by the one display rule (`readable_file_name`): U+FFFD, not a surrogate escape.
    assert "identity-\ufffd.txt" in result.out and "\\udcff" not in result.out
