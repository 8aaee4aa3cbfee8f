"""The small plaintext header beside the database: key-derivation parameters, nothing personal.

It holds the Argon2id salt and work factor (stored per vault so tests can make cheap vaults) and
short key-check values. A key check lets us tell "wrong passphrase" from "damaged database" —
SQLCipher alone cannot — and costs an attacker nothing: testing a guess still needs the full
Argon2id run, exactly as testing it against the database's first page does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from observer_app.vault.fs import write_atomic

HEADER_NAME = "vault.json"
HEADER_FORMAT = "observer-logbook-vault"
HEADER_VERSION = 1


@dataclass(frozen=True)
class KdfParams:
    """Argon2id work factor. The salt never changes, not even on a passphrase change."""

    salt: bytes
    iterations: int
    memory_kib: int
    lanes: int

    @classmethod
    def strong(cls) -> KdfParams:
        """Default for real vaults: 64 MiB, 3 passes, 4 lanes (~0.15 s on a 2-core laptop)."""
        return cls(salt=os.urandom(16), iterations=3, memory_kib=64 * 1024, lanes=4)

    @classmethod
    def for_tests(cls) -> KdfParams:
        """Deliberately weak, for automated tests only: keeps the suite fast."""
        return cls(salt=os.urandom(16), iterations=1, memory_kib=64, lanes=1)


@dataclass(frozen=True)
class DerivedKeys:
    database_key: bytes
    key_check: str


@dataclass(frozen=True)
class VaultHeader:
    kdf: KdfParams
    key_checks: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> bytes:
        document = {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "kdf": {
                "name": "argon2id",
                "salt": base64.b64encode(self.kdf.salt).decode("ascii"),
                "iterations": self.kdf.iterations,
                "memory_kib": self.kdf.memory_kib,
                "lanes": self.kdf.lanes,
            },
            "key_checks": list(self.key_checks),
        }
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


class HeaderError(Exception):
    """The header is missing, unreadable, or from a newer program."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def derive_keys(passphrase: str, kdf: KdfParams) -> DerivedKeys:
    material = Argon2id(
        salt=kdf.salt,
        length=64,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive(passphrase.encode("utf-8"))
    check = hashlib.sha256(b"observer-logbook key check\x00" + material[32:]).hexdigest()[:32]
    return DerivedKeys(database_key=material[:32], key_check=check)


def check_matches(header: VaultHeader, derived: DerivedKeys) -> bool:
    return any(hmac.compare_digest(c, derived.key_check) for c in header.key_checks)


#: Bounds checked before any derivation: a header is plaintext anyone can edit, and Argon2id
#: with a huge memory or pass count is a MemoryError or an hour-long hang, not an open.
MAX_HEADER_BYTES = 64 * 1024
MAX_MEMORY_KIB = 4 * 1024 * 1024  # 4 GiB
MAX_ITERATIONS = 64
MAX_LANES = 64
SALT_BYTES = (16, 64)
MAX_KEY_CHECKS = 4  # one, or two while a passphrase change runs; a little slack
_KEY_CHECK = re.compile(r"[0-9a-f]{32}")


def read_header(vault_dir: Path) -> VaultHeader:
    """Parse and validate the header; any doubt is "unreadable" (the vault counts as damaged)."""
    path = vault_dir / HEADER_NAME
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_HEADER_BYTES + 1)
        if len(raw) > MAX_HEADER_BYTES:
            raise HeaderError("unreadable")
        document = json.loads(raw)
    except FileNotFoundError:
        raise HeaderError("missing") from None
    except (OSError, ValueError, RecursionError):
        raise HeaderError("unreadable") from None
    if not isinstance(document, dict) or document.get("format") != HEADER_FORMAT:
        raise HeaderError("unreadable")
    version = document.get("version")
    if not isinstance(version, int) or not _is_int(version, 1, None):
        raise HeaderError("unreadable")
    if version > HEADER_VERSION:
        raise HeaderError("newer")
    return VaultHeader(kdf=_kdf_params(document.get("kdf")), key_checks=_key_checks(document))


def _is_int(value: object, low: int, high: int | None) -> bool:
    """A JSON integer within bounds (JSON's true/false are not numbers here)."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )


def _kdf_params(kdf: object) -> KdfParams:
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise HeaderError("unreadable")
    iterations, memory_kib, lanes = kdf.get("iterations"), kdf.get("memory_kib"), kdf.get("lanes")
    if not (
        isinstance(iterations, int)
        and isinstance(memory_kib, int)
        and isinstance(lanes, int)
        and _is_int(iterations, 1, MAX_ITERATIONS)
        and _is_int(lanes, 1, MAX_LANES)
        and _is_int(memory_kib, 8 * lanes, MAX_MEMORY_KIB)  # Argon2's own floor: 8 KiB a lane
    ):
        raise HeaderError("unreadable")
    salt_text = kdf.get("salt")
    if not isinstance(salt_text, str) or len(salt_text) > 4 * SALT_BYTES[1]:
        raise HeaderError("unreadable")
    try:
        salt = base64.b64decode(salt_text, validate=True)
    except ValueError:
        raise HeaderError("unreadable") from None
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1]:
        raise HeaderError("unreadable")
    return KdfParams(salt=salt, iterations=iterations, memory_kib=memory_kib, lanes=lanes)


def _key_checks(document: dict[str, object]) -> tuple[str, ...]:
    checks = document.get("key_checks")
    if not isinstance(checks, list) or not 1 <= len(checks) <= MAX_KEY_CHECKS:
        raise HeaderError("unreadable")
    if not all(isinstance(c, str) and _KEY_CHECK.fullmatch(c) for c in checks):
        raise HeaderError("unreadable")
    return tuple(str(c) for c in checks)


def write_header(vault_dir: Path, header: VaultHeader) -> None:
    write_atomic(vault_dir / HEADER_NAME, header.to_json())
