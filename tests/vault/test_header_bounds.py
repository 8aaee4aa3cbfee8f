"""The plaintext header is checked before any key derivation: a hostile work factor is refused.

`vault.json` is plaintext anyone can edit. Argon2id run with 1 TiB of memory is a MemoryError,
with a million passes a hang: both must be "damaged (its header)", exit 3, at once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from observer_app.errors import VaultOpenError
from observer_app.vault.header import HEADER_NAME, HeaderError, KdfParams, read_header
from observer_app.vault.store import open_vault
from tests.conftest import Cli


def edit_header(vault: Path, change: dict[str, Any]) -> None:
    path = vault / HEADER_NAME
    document = json.loads(path.read_text(encoding="utf-8"))
    document["kdf"].update(change)
    path.write_text(json.dumps(document), encoding="utf-8")


HOSTILE = [
    {"memory_kib": 4 * 1024 * 1024 + 1},  # just above 4 GiB
    {"memory_kib": 2**40},
    {"iterations": 65},
    {"iterations": 10**9},
    {"iterations": 0},
    {"lanes": 0},
    {"lanes": 65},
    {"lanes": True},
    {"iterations": "3"},
    {"memory_kib": 1.5},
    {"memory_kib": 4},  # below Argon2's floor of 8 KiB a lane
    {"salt": "not base64!"},
    {"salt": "QUJD"},  # valid base64, 3 bytes: too short to be a salt
    {"salt": 1234},
    {"salt": "A" * 100_000},
]


@pytest.mark.parametrize("change", HOSTILE, ids=[repr(c)[:40] for c in HOSTILE])
def test_a_hostile_work_factor_is_refused_before_any_derivation(
    vault_path: Path, passphrase: str, change: dict[str, Any]
) -> None:
    edit_header(vault_path, change)
    started = time.monotonic()
    with pytest.raises(VaultOpenError, match=r"damaged \(its header\)"):
        open_vault(vault_path, passphrase)
    assert time.monotonic() - started < 2


def test_the_cli_says_damaged_with_exit_3(cli_vault: Cli) -> None:
    edit_header(cli_vault.vault, {"memory_kib": 2**40, "iterations": 10**9})
    result = cli_vault("whoami", timeout=20)
    assert result.code == 3, result.err
    assert "damaged (its header)" in result.err and "backup" in result.err
    assert "Traceback" not in result.err and "MemoryError" not in result.err


def test_key_checks_and_version_are_checked_too(vault_path: Path) -> None:
    path = vault_path / HEADER_NAME
    good = json.loads(path.read_text(encoding="utf-8"))
    for bad in ({"key_checks": ["zz"]}, {"key_checks": []}, {"version": True}, {"kdf": [1]}):
        path.write_text(json.dumps({**good, **bad}), encoding="utf-8")
        with pytest.raises(HeaderError) as caught:
            read_header(vault_path)
        assert caught.value.reason == "unreadable", bad


def test_deep_nesting_and_a_huge_header_are_unreadable(vault_path: Path) -> None:
    path = vault_path / HEADER_NAME
    for text in ("[" * 50_000 + "]" * 50_000, json.dumps({"pad": "x" * 200_000})):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(HeaderError) as caught:
            read_header(vault_path)
        assert caught.value.reason == "unreadable"


def test_the_cheap_test_profile_and_the_strong_default_stay_valid(
    vault_path: Path, passphrase: str
) -> None:
    header = read_header(vault_path)
    assert header.kdf.memory_kib == KdfParams.for_tests().memory_kib
    open_vault(vault_path, passphrase).close()
    strong = KdfParams.strong()
    edit_header(vault_path, {"memory_kib": strong.memory_kib, "lanes": strong.lanes})
    assert read_header(vault_path).kdf.lanes == strong.lanes
