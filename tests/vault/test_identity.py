"""Identities: P-256 keys, certificates with a backdated notBefore, the organisation CA."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric import ec

from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.logbook.identity import whoami
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import load_organisation_ca


def test_observer_identity(session: LogbookSession) -> None:
    identity = session.identity
    assert isinstance(identity.signing_key.curve, ec.SECP256R1)
    cert = identity.certificate
    assert cert.issuer == cert.subject
    assert cert.public_key().public_numbers() == identity.signing_key.public_key().public_numbers()
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < now - cert.not_valid_before_utc < dt.timedelta(hours=25)
    assert cert.not_valid_after_utc - now > dt.timedelta(days=5 * 365)
    info = whoami(session)
    assert info.age_recipient == recipient_of(identity.age_identity)
    assert load_organisation_ca(session.conn) is None


def test_coordinator_identity_is_issued_by_the_organisation_ca(make_session) -> None:  # type: ignore[no-untyped-def]
    coordinator: LogbookSession = make_session(name="Coordinator", role="coordinator")
    ca = load_organisation_ca(coordinator.conn)
    assert ca is not None
    ca_key, ca_cert = ca
    cert = coordinator.identity.certificate
    assert cert.issuer == ca_cert.subject
    cert.verify_directly_issued_by(ca_cert)
    assert keys.fingerprint(ca_key.public_key()) != coordinator.identity.feed


def test_fingerprint_forms() -> None:
    key = keys.generate_signing_key()
    machine = keys.fingerprint(key.public_key())
    human = keys.format_fingerprint(machine)
    assert len(human.split()) == 16 and all(len(g) == 4 for g in human.split())
    assert keys.format_fingerprint(machine, short=True) == " ".join(human.split()[:8])
    assert keys.normalize_fingerprint(human.lower()) == machine
