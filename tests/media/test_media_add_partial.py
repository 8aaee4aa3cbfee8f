"""`media add` with several files: one that fails is reported and does not hide the others.

Real subprocesses against a real vault: what an observer sees at the shell, and what a script
reads from `--json`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

DATA = Path(__file__).parent.parent / "data" / "media"
FIRST = DATA / "gps_DSCN0010.jpg"
LAST = DATA / "Canon_40D.jpg"
#: The keys `media add --json` printed per file before failures were reported.
OLD_KEYS = {"id", "sha256", "file", "duplicate", "decode_error"}


@pytest.fixture
def observer(cli_vault: Cli) -> Cli:
    cli_vault("station", "add", "--number", "101", "--name", "Школа № 12", check=True)
    return cli_vault


def held_names(cli: Cli) -> list[str]:
    return sorted(item["original_name"] for item in cli("media", "list", "--json").json())


def test_the_files_around_a_missing_one_are_imported_and_reported(
    observer: Cli, tmp_path: Path
) -> None:
    missing = tmp_path / "IMG_0002.jpg"
    result = observer("media", "add", str(FIRST), str(missing), str(LAST), "--station", "101")
    assert result.code == 4
    assert held_names(observer) == sorted([FIRST.name, LAST.name])
    reported = result.out.splitlines()
    assert len(reported) == 2
    assert reported[0].endswith(str(FIRST)) and reported[1].endswith(str(LAST))
    (failure,) = [line for line in result.err.splitlines() if "not imported:" in line]
    assert str(missing) in failure and "no such file or folder" in failure
    assert "2 of 3 files imported; 1 not imported" in result.err
    # the imported files appear on stderr only in evidence warnings (the GPS photo of 2008)
    named = [line for line in result.err.splitlines() if str(FIRST) in line or str(LAST) in line]
    assert all(line.startswith("warning: ") for line in named)


def test_json_lists_every_file_with_an_error_for_the_missing_one(
    observer: Cli, tmp_path: Path
) -> None:
    missing = tmp_path / "IMG_0002.jpg"
    files = [str(FIRST), str(missing), str(LAST)]
    result = observer("media", "add", *files, "--station", "101", "--json")
    assert result.code == 4
    entries = result.json()
    assert [e["file"] for e in entries] == files
    first, failed, last = entries
    for entry in (first, last):
        assert set(entry) >= OLD_KEYS and entry["error"] is None and not entry["duplicate"]
    assert failed["id"] is None and failed["sha256"] is None
    assert str(missing) in failed["error"] and "no such file or folder" in failed["error"]
    held = {item["id"]: item["sha256"] for item in observer("media", "list", "--json").json()}
    assert held == {first["id"]: first["sha256"], last["id"]: last["sha256"]}
    assert str(missing) in result.err  # the one-line reason also reaches a person


def test_a_directory_and_a_purged_file_each_get_their_reason(observer: Cli, tmp_path: Path) -> None:
    purged = observer("media", "add", str(LAST), "--station", "101", "--json").json()[0]
    observer("media", "purge", purged["id"], "--reason", "consent withdrawn", "--yes", check=True)
    folder = tmp_path / "DCIM"
    folder.mkdir()
    result = observer(
        "media", "add", str(folder), str(LAST), str(FIRST), "--station", "101", "--json"
    )
    assert result.code == 4
    by_file = {e["file"]: e for e in result.json()}
    assert str(folder) in by_file[str(folder)]["error"]
    assert "purged" in by_file[str(LAST)]["error"]
    assert by_file[str(FIRST)]["error"] is None
    failures = [line for line in result.err.splitlines() if "not imported:" in line]
    assert len(failures) == 2
    assert "1 of 3 files imported; 2 not imported" in result.err


def test_all_imported_exits_0_with_the_old_keys(observer: Cli) -> None:
    result = observer("media", "add", str(FIRST), str(LAST), "--station", "101", "--json")
    assert result.code == 0, result.err
    entries = result.json()
    assert [set(e) for e in entries] == [OLD_KEYS | {"error", "warnings"}] * 2
    assert all(e["error"] is None for e in entries)
    assert result.err == ""


def test_a_bad_link_fails_before_any_file_is_read(observer: Cli) -> None:
    result = observer("media", "add", str(FIRST), str(LAST), "--station", "999", "--json")
    assert result.code == 4
    assert result.out == ""
    assert "999" in result.err and "not imported" not in result.err
    assert held_names(observer) == []
