"""The vault folders this computer has opened, each with the language of its unlock dialog.

This is the only thing the program keeps outside a vault: a window can offer the vaults it knows
and greet the holder in their language before the passphrase is typed. It holds folder paths and
language codes only (never names, stations or observation text), lives in the platform's config
folder (0700) as one JSON file (0600, replaced atomically), and the holder can forget one vault
or clear the whole list (`observer-cli vaults forget|clear`).

The file is read as outside data: a size limit, a schema, bounded lists. A damaged file is
reported and left as it is (clearing it is the holder's call), never silently overwritten.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import platformdirs

from observer_app.core.schema import (
    Integer,
    List,
    Object,
    SchemaViolation,
    Text,
    nullable,
    required,
)
from observer_app.errors import UserActionError
from observer_app.i18n import SUPPORTED_LANGUAGES, _
from observer_app.vault.fs import make_private_dir, write_atomic

APP_NAME: Final = "observer-logbook"
FILE_NAME: Final = "known-vaults.json"
FORMAT: Final = "observer-logbook-known-vaults"
VERSION: Final = 1
MAX_VAULTS: Final = 100
"""Oldest entries beyond this are dropped: nobody chooses among more vaults than that."""
MAX_PATH_LENGTH: Final = 4096
MAX_FILE_BYTES: Final = 1024 * 1024

_SCHEMA: Final = Object(
    {
        "format": required(Text(64, 1, vocabulary=(FORMAT,))),
        "version": required(Integer(1, VERSION)),
        "vaults": required(
            List(
                Object(
                    {
                        "path": required(Text(MAX_PATH_LENGTH, 1)),
                        "ui_language": nullable(Text(8, 2, vocabulary=SUPPORTED_LANGUAGES)),
                    }
                ),
                MAX_VAULTS,
            )
        ),
    }
)


@dataclass(frozen=True)
class KnownVault:
    path: Path
    ui_language: str | None

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "ui_language": self.ui_language}


def config_dir() -> Path:
    """The platform's per-user config folder for this program (XDG_CONFIG_HOME on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_vault_path() -> Path:
    """Where a vault goes when nobody names a folder (the platform's per-user data folder)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "vault"


def known_vaults_file(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / FILE_NAME


def _key(path: Path) -> Path:
    """One spelling per folder: absolute and normalised (`a/../b` is `b`), symlinks kept."""
    return Path(os.path.abspath(path))


def list_known_vaults(folder: Path | None = None) -> list[KnownVault]:
    """Most recently opened first; empty when the list was never written or was cleared.

    Raises UserActionError (exit 4) when the file cannot be read or is not a valid list."""
    file = known_vaults_file(folder)
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise UserActionError(
            _("cannot read the list of known vaults {path}: {reason}").format(
                path=file, reason=error.strerror or type(error).__name__
            )
        ) from None
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ValueError("too large")
        document = json.loads(data.decode("utf-8"))
        _SCHEMA.check(document, "")
    except (ValueError, SchemaViolation):  # also UnicodeDecodeError, JSONDecodeError
        raise UserActionError(
            _(
                "the list of known vaults {path} is damaged; 'observer-cli vaults clear' "
                "removes it (the vaults themselves are not touched)"
            ).format(path=file)
        ) from None
    return [KnownVault(Path(entry["path"]), entry["ui_language"]) for entry in document["vaults"]]


def _write(entries: list[KnownVault], folder: Path | None) -> None:
    file = known_vaults_file(folder)
    file.parent.parent.mkdir(parents=True, exist_ok=True)
    make_private_dir(file.parent)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "vaults": [entry.to_json() for entry in entries[:MAX_VAULTS]],
    }
    write_atomic(file, json.dumps(document, indent=2).encode("utf-8") + b"\n")


def remember_vault(path: Path, ui_language: str | None, folder: Path | None = None) -> None:
    """Put the vault first in the list with the language its unlock dialog should use."""
    if ui_language not in (None, *SUPPORTED_LANGUAGES):
        raise ValueError(f"unsupported language {ui_language!r}")
    key = _key(path)
    if len(str(key)) > MAX_PATH_LENGTH:
        return  # not worth remembering; refusing would fail an open that worked
    entries = [entry for entry in list_known_vaults(folder) if _key(entry.path) != key]
    _write([KnownVault(key, ui_language), *entries], folder)


def unlock_language(path: Path, folder: Path | None = None) -> str | None:
    """The language to ask for this vault's passphrase in, if it is known; never raises for a
    damaged list (the unlock dialog then uses the system's language)."""
    key = _key(path)
    try:
        entries = list_known_vaults(folder)
    except UserActionError:
        return None
    return next((e.ui_language for e in entries if _key(e.path) == key), None)


def forget_vault(path: Path, folder: Path | None = None) -> bool:
    """Remove one vault from the list (not the vault itself); whether it was listed."""
    key = _key(path)
    entries = list_known_vaults(folder)
    kept = [entry for entry in entries if _key(entry.path) != key]
    if len(kept) == len(entries):
        return False
    _write(kept, folder)
    return True


def clear_known_vaults(folder: Path | None = None) -> bool:
    """Delete the whole list, damaged or not; whether there was one."""
    file = known_vaults_file(folder)
    try:
        file.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise UserActionError(
            _("cannot remove the list of known vaults {path}: {reason}").format(
                path=file, reason=error.strerror or type(error).__name__
            )
        ) from None
    return True
