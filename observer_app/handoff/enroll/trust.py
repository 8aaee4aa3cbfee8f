"""Which organisation certificates this vault trusts, for checking signed reports.

A coordinator trusts its own organisation CA; an observer trusts the CA of every coordinator it
pinned (the current one first), so reports signed under an earlier enrollment stay trusted.
Nothing else: no operating-system trust store, no certificate carried inside a report.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from observer_app.handoff.holder import HolderSession
from observer_app.vault.identity_store import load_organisation_ca
from observer_app.vault.queries.pins import pin_history


def known_trust_roots(session: HolderSession) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    own = load_organisation_ca(session.conn)
    if own is not None:
        roots.append(own[1])
    for pin in reversed(pin_history(session.conn, session.identity.feed)):
        roots.append(pin.organisation_ca)
    unique: dict[bytes, x509.Certificate] = {}
    for root in roots:
        unique.setdefault(root.public_bytes(serialization.Encoding.DER), root)
    return list(unique.values())
