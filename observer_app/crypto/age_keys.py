"""The age X25519 identity each person holds for receiving files (bundles, packages, receipts)."""

from __future__ import annotations

from pyrage import x25519


def generate_age_identity() -> str:
    """The `AGE-SECRET-KEY-...` line; it never leaves the encrypted database unasked."""
    return str(x25519.Identity.generate())


def recipient_of(identity_line: str) -> str:
    return str(x25519.Identity.from_str(identity_line.strip()).to_public())
