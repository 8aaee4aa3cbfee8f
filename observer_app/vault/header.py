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


def read_header(vault_dir: Path) -> VaultHeader:
    path = vault_dir / HEADER_NAME
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise HeaderError("missing") from None
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise HeaderError("unreadable") from None
    if not isinstance(document, dict) or document.get("format") != HEADER_FORMAT:
        raise HeaderError("unreadable")
    version = document.get("version")
    if not isinstance(version, int):
        raise HeaderError("unreadable")
    if version > HEADER_VERSION:
        raise HeaderError("newer")
    try:
        kdf = document["kdf"]
        if kdf["name"] != "argon2id":
            raise HeaderError("unreadable")
        params = KdfParams(
            salt=base64.b64decode(kdf["salt"]),
            iterations=int(kdf["iterations"]),
            memory_kib=int(kdf["memory_kib"]),
            lanes=int(kdf["lanes"]),
        )
        checks = tuple(str(c) for c in document["key_checks"])
    except (KeyError, TypeError, ValueError):
        raise HeaderError("unreadable") from None
    return VaultHeader(kdf=params, key_checks=checks)


def write_header(vault_dir: Path, header: VaultHeader) -> None:
    write_atomic(vault_dir / HEADER_NAME, header.to_json())
